"""The daily digest, through a real SMTP server (aiosmtpd): yesterday in the brand's time
zone (volume, change, sentiment, queries, widest-reaching mentions, alerts), sent once at
the digest hour, held back during quiet hours, to on-call people and strategists in their
language; the periodic job sends it for every brand that wants one."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.listening.crisis_scenario import Sink, body, smtp_server, subject, wait_for
from tribune.core.scope import brand_scope
from tribune.listening.models import (
    Alert,
    Mention,
    MentionMatch,
    OnCallPerson,
    OnCallSchedule,
    Query,
)
from tribune.listening.services.digest import due_day, send_digest_if_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    with smtp_server(settings) as sink:
        yield sink


def mention(brand, query, when, text, sentiment="neutral", reach=10):  # type: ignore[no-untyped-def]
    row = Mention.objects.create(
        brand=brand,
        network="bluesky",
        key=secrets.token_hex(8),
        url="https://bsky.app/profile/x/post/1",
        author="@someone",
        text=text,
        text_hash=secrets.token_hex(10),
        published_at=when,
        fetched_at=when,
        sentiment=sentiment,
        reach=reach,
    )
    MentionMatch.objects.create(
        brand=brand,
        query=query,
        mention=row,
        published_at=when,
        negative=sentiment == "negative",
    )
    return row


@pytest.fixture
def montreal(tenants):  # type: ignore[no-untyped-def]
    """A brand in Montreal (UTC-5 in March before DST) with a day of listening."""
    brand = tenants.brand_a
    brand.timezone = "America/Montreal"
    brand.save()
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.create(
            brand=brand, digest_hour=8, quiet_start_hour=21, quiet_end_hour=7
        )
        OnCallPerson.objects.create(
            brand=brand, schedule=schedule, user=tenants.people["community_manager"]
        )
        query = Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        # Monday 3 March 2025, local day = 05:00 UTC Monday → 05:00 UTC Tuesday.
        day = datetime(2025, 3, 3, 5, 0, tzinfo=UTC)
        mention(brand, query, day + timedelta(hours=1), "Alpha bonjour")
        mention(brand, query, day + timedelta(hours=2), "Alpha arnaque", "negative", 250_000)
        mention(brand, query, day + timedelta(hours=23), "Alpha merci", "positive", 40)
        mention(brand, query, day - timedelta(hours=1), "Alpha la veille (dimanche soir)")
        mention(brand, query, day + timedelta(hours=25), "Alpha mardi")  # not this digest
        Alert.objects.create(
            brand=brand,
            query=query,
            kind="keyword",
            window_start=day,
            window_end=day,
            why="test",
            raised_at=day + timedelta(hours=9, minutes=30),  # 09:30 in Montreal
            last_evidence_at=day,
            ack_token=secrets.token_urlsafe(32),
        )
    return brand


def test_digest_hour_quiet_hours_and_once_a_day(montreal, smtp, tenants):  # type: ignore[no-untyped-def]
    strategist = tenants.people["strategist"]
    strategist.language = "en"
    strategist.save()
    tuesday = datetime(2025, 3, 4, tzinfo=UTC)
    with brand_scope(montreal):
        # 07:59 in Montreal (12:59 UTC): not yet.
        assert send_digest_if_due(montreal, tuesday.replace(hour=12, minute=59)) == 0
        # 08:00 in Montreal: sent, once, to the on-call person and the strategist.
        assert send_digest_if_due(montreal, tuesday.replace(hour=13)) == 2
        assert send_digest_if_due(montreal, tuesday.replace(hour=14)) == 0
    messages = wait_for(smtp, 2)
    assert len(messages) == 2
    by_recipient = {m.rcpt_tos[0]: m for m in messages}
    french = body(by_recipient[tenants.people["community_manager"].email])
    english = body(by_recipient[strategist.email])
    assert "03/03/2025" in subject(by_recipient[tenants.people["community_manager"].email])
    assert "3 mentions" in french and "(+2 " in french  # 1 the day before
    # (French wording comes with the catalogue; the numbers are what matters here.)
    assert re.search(r"(Negative|Négatif)\s?: 1 · ", french)
    assert "- Alpha: 3" in french
    assert "09:30" in french  # the alert, in Montreal time
    assert "250 000" in french and "Alpha arnaque" in french
    assert french.index("Alpha arnaque") < french.index("Alpha merci")  # widest reach first
    assert "Alpha mardi" not in french and "Alpha la veille" not in french
    assert "Listening digest" in subject(by_recipient[strategist.email])
    assert "Negative: 1 · neutral: 1 · positive: 1" in english


def test_quiet_hours_hold_the_digest_back(montreal, smtp):  # type: ignore[no-untyped-def]
    with brand_scope(montreal):
        schedule = OnCallSchedule.objects.get(brand=montreal)
        schedule.digest_hour = 6  # inside quiet hours (21 → 7): goes out at 7
        schedule.save()
        tuesday = datetime(2025, 3, 4, tzinfo=UTC)
        assert due_day(schedule, montreal, tuesday.replace(hour=11, minute=30)) is None  # 06:30
        assert send_digest_if_due(montreal, tuesday.replace(hour=11, minute=30)) == 0
        assert send_digest_if_due(montreal, tuesday.replace(hour=12)) == 2  # 07:00
        # Late evening (22:00 local, quiet) on Wednesday: Wednesday's digest waits.
        wednesday_night = datetime(2025, 3, 6, 3, 0, tzinfo=UTC)
        assert send_digest_if_due(montreal, wednesday_night) == 0
        schedule.digest_enabled = False
        schedule.save()
        assert send_digest_if_due(montreal, datetime(2025, 3, 5, 14, tzinfo=UTC)) == 0
    assert len(wait_for(smtp, 2)) == 2


def test_periodic_job_sends_for_each_brand(montreal, smtp, monkeypatch):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from tribune.listening import tasks

    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 3, 4, 15, tzinfo=UTC))
    assert tasks.digest.call() == 2
    assert tasks.digest.call() == 0
    assert len(wait_for(smtp, 2)) == 2
