"""Fault scenarios at the network boundary: the peer answers 500, 429, times out
(before or after accepting), or sends garbage — publishing and listening keep every
post exactly once and lose no mention."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.utils import timezone

from tests.listening.factories import make_query
from tests.publishing.conftest import sandbox_posts, set_faults
from tests.reliability.faultlib import (
    FaultyMastodon,
    check_publishing_invariants,
    drive_publisher,
    schedule_posts,
)
from tribune.core import outbound
from tribune.core.scope import brand_scope
from tribune.listening.models import Mention, Source
from tribune.listening.services.sources import do_fetch_source
from tribune.networks.base import Credentials
from tribune.networks.services import do_connect_account

pytestmark = [pytest.mark.fault, pytest.mark.django_db]


@pytest.fixture
def mastodon(tenants, monkeypatch, settings):
    """A Mastodon account on brand Alpha whose instance is ``FaultyMastodon``: every
    request of the real connector (Mastodon.py on requests) lands in it."""
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # mastodon.example is not resolvable here
    instance = FaultyMastodon()
    monkeypatch.setattr(outbound, "HTTPAdapter", lambda **_kw: instance.adapter)
    with brand_scope(tenants.brand_a):
        account = do_connect_account(
            tenants.brand_a,
            "mastodon",
            Credentials(
                handle="cafe",
                secrets={"access_token": "tok"},
                base_url="https://mastodon.example",
                remote_id=instance.account_id,
            ),
            tenants.owner,
        )
    return instance, account


@pytest.mark.parametrize("fault", FaultyMastodon.FAULTS)
def test_each_http_fault_on_publish_ends_with_exactly_one_post(
    tenants, mastodon, invariants, fault
):
    instance, account = mastodon
    ids = schedule_posts(tenants, [account], 1)
    instance.faults = [fault]
    drive_publisher(ids, timezone.now() + timedelta(seconds=5))
    check_publishing_invariants(invariants, ids, instance.count_for)
    invariants.check("the fault was consumed", instance.faults == [])


def test_mixed_http_faults_over_many_posts(tenants, mastodon, invariants):
    instance, account = mastodon
    rng = random.Random(11)
    ids = schedule_posts(tenants, [account], 12, prefix="Rafale")
    instance.faults = [rng.choice(FaultyMastodon.FAULTS) for _ in range(14)]
    # Reconciliation itself meets an outage and a garbage answer once each.
    instance.listing_faults = ["500", "garbage"]
    drive_publisher(ids, timezone.now() + timedelta(seconds=5))
    check_publishing_invariants(invariants, ids, instance.count_for)
    invariants.check(
        "the network holds exactly the published posts",
        len(instance.statuses) == len(ids),
        len(instance.statuses),
    )


def test_sandbox_fault_storm_over_two_accounts(tenants, accounts, invariants):
    """Rate limits, outages, expired tokens and timeouts after acceptance, shuffled."""
    rng = random.Random(7)
    ids = schedule_posts(tenants, list(accounts), 10, prefix="Orage")
    kinds = ["rate_limit:60", "unavailable", "expire_token", "timeout_after_accept"]
    for handle in ("alpha.sandbox", "alpha-en.sandbox"):
        set_faults(handle, *[rng.choice(kinds) for _ in range(8)])
    drive_publisher(ids, timezone.now() + timedelta(seconds=5))

    def on_network(variant) -> int:  # type: ignore[no-untyped-def]
        handle = "alpha.sandbox" if variant.account_id == accounts[0].pk else "alpha-en.sandbox"
        return sandbox_posts(handle).filter(text=variant.outgoing_text.strip()).count()

    check_publishing_invariants(invariants, ids, on_network)
    total = sandbox_posts("alpha.sandbox").count() + sandbox_posts("alpha-en.sandbox").count()
    invariants.check("no stray post on the network", total == len(ids), total)


# --- listening: a feed that fails in every way, then recovers -----------------------------
def _rss(items: range) -> bytes:
    entries = "".join(
        f"<item><title>Alpha n°{i}</title><link>https://news.example/a/{i}</link>"
        f"<description>Alpha article {i}</description>"
        f"<pubDate>Mon, 30 Nov 2026 10:{i:02d}:00 GMT</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"{entries}</channel></rss>"
    ).encode()


def test_feed_source_survives_500_429_timeouts_and_garbage(tenants, invariants, settings):
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"  # deterministic, no model to load
    make_query(tenants.brand_a, "Alpha", expression="alpha")
    answers: list = [
        httpx.Response(200, content=_rss(range(0, 5))),
        httpx.Response(500, text="oops"),
        httpx.Response(429, headers={"Retry-After": "60"}, text="slow down"),
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("connection refused"),
        httpx.Response(200, content=b"<html><body>Login required</body></html>"),
        httpx.Response(200, content=b"\x00\x01\x02 garbage \xff"),
        httpx.Response(200, content=_rss(range(3, 9))),  # overlaps the first page
        httpx.Response(200, content=_rss(range(3, 9))),  # the same page again
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    transport = httpx.MockTransport(handler)
    with brand_scope(tenants.brand_a):
        source = Source.objects.create(
            brand=tenants.brand_a, kind="rss", url="https://news.example/feed.xml"
        )
        now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
        outcomes = []
        while answers:
            outcomes.append(do_fetch_source(source, now, transport=transport).ok)
            now += timedelta(hours=13)  # past any backoff
        source.refresh_from_db()
        keys = list(Mention.objects.filter(source=source).values_list("key", flat=True))
    invariants.check(
        "failures are reported as failures, never as exceptions",
        outcomes == [True, False, False, False, False, False, False, True, True],
        outcomes,
    )
    invariants.check("no mention lost", len(set(keys)) == 9, sorted(keys))
    invariants.check("no mention duplicated", len(keys) == len(set(keys)), keys)
    invariants.check(
        "the source is healthy again after recovery",
        source.consecutive_failures == 0 and source.last_error == "",
    )
