"""Mastodon hashtag and public timelines as listening sources, on payloads shaped like the
documented ``Status`` entity (https://docs.joinmastodon.org/entities/Status/): HTML
content read as text, boosts read as the boosted status, reach from the account's
followers, ``min_id`` paging from the cursor, no duplicates, health and backoff."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.listening.models import Mention, Query, Source
from tribune.listening.services.sources import do_fetch_source
from tribune.listening.social import MASTODON_PAGE, mastodon_items


def status(sid: int, text: str, *, followers: int = 120, reblog: dict | None = None) -> dict:
    return {
        "id": str(sid),
        "created_at": f"2026-11-30T10:{sid % 60:02d}:00.000Z",
        "in_reply_to_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "fr",
        "uri": f"https://mastodon.example/users/lea/statuses/{sid}",
        "url": f"https://mastodon.example/@lea/{sid}",
        "replies_count": 0,
        "reblogs_count": 1,
        "favourites_count": 3,
        "content": f"<p>{text}</p>",
        "reblog": reblog,
        "account": {
            "id": "42",
            "username": "lea",
            "acct": "lea@mastodon.example",
            "display_name": "Léa",
            "followers_count": followers,
            "url": "https://mastodon.example/@lea",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "alpha", "url": "https://mastodon.example/tags/alpha"}],
        "emojis": [],
    }


class Instance:
    """A Mastodon instance's timeline endpoints: statuses newest first, ``min_id`` paging."""

    def __init__(self, statuses: list[dict]) -> None:
        self.statuses = statuses
        self.requests: list[httpx.Request] = []
        self.fail = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail:
            self.fail -= 1
            return httpx.Response(503, text="Service Unavailable")
        min_id = int(request.url.params.get("min_id", "0") or 0)
        limit = int(request.url.params.get("limit", "20"))
        newer = sorted(
            (s for s in self.statuses if int(s["id"]) > min_id), key=lambda s: int(s["id"])
        )
        page = newer[:limit] if min_id else newer[-limit:]
        return httpx.Response(200, json=list(reversed(page)))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def test_status_payloads_become_items():
    original = status(7, "Alpha <strong>arnaque</strong><br>remboursez", followers=9000)
    boost = status(8, "", reblog=original)
    items = mastodon_items([status(5, "Bravo Alpha !"), boost, {"id": "9"}, "junk"])  # type: ignore[list-item]
    assert [i.key for i in items] == [
        "mastodon:https://mastodon.example/users/lea/statuses/5",
        "mastodon:https://mastodon.example/users/lea/statuses/7",
    ]
    assert items[1].text == "Alpha arnaque\nremboursez"
    assert items[1].reach == 9000 and items[1].author == "@lea@mastodon.example"
    assert items[1].url == "https://mastodon.example/@lea/7"


@pytest.mark.django_db
def test_hashtag_timeline_source(tenants, settings):
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    instance = Instance([status(i, f"Alpha message numéro {i}") for i in range(1, 101)])
    brand = tenants.brand_a
    with brand_scope(brand):
        Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        source = Source.objects.create(
            brand=brand, kind="mastodon_tag", url="https://mastodon.example", search="#alpha"
        )
        first = do_fetch_source(source, transport=instance.transport)
        assert first.ok and first.result.stored == MASTODON_PAGE  # the newest page only
        assert instance.requests[0].url.path == "/api/v1/timelines/tag/alpha"
        source.refresh_from_db()
        assert source.cursor == "100"

        instance.statuses += [status(i, f"Alpha, encore {i}") for i in range(101, 151)]
        second = do_fetch_source(source, transport=instance.transport)
        assert second.result.stored == 50 and second.result.duplicates == 0
        # Two pages: 40 after 100, then 10 after 140 (a short page ends the read).
        assert [r.url.params.get("min_id") for r in instance.requests[-2:]] == ["100", "140"]
        source.refresh_from_db()
        assert source.cursor == "150" and source.consecutive_failures == 0
        assert Mention.objects.filter(brand=brand, network="mastodon").count() == 90

        # The instance is down: health records it in plain words, the next try backs off.
        instance.fail = 1
        now = timezone.now()
        down = do_fetch_source(source, now, transport=instance.transport)
        source.refresh_from_db()
        assert not down.ok and source.last_error == "Mastodon (mastodon.example) answered HTTP 503."
        assert source.next_fetch_at == now + timedelta(minutes=5)
        assert source.cursor == "150"


@pytest.mark.django_db
def test_public_timeline_source_and_private_guard(tenants, settings):
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    instance = Instance([status(1, "Alpha ou pas"), status(2, "Rien à voir")])
    brand = tenants.brand_a
    with brand_scope(brand):
        Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        source = Source.objects.create(
            brand=brand, kind="mastodon_public", url="https://mastodon.example"
        )
        outcome = do_fetch_source(source, transport=instance.transport)
        assert instance.requests[0].url.path == "/api/v1/timelines/public"
        assert outcome.result.stored == 1 and outcome.result.unmatched == 1

        settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
        private = Source.objects.create(
            brand=brand, kind="mastodon_public", url="http://127.0.0.1:3000"
        )
        refused = do_fetch_source(private, transport=instance.transport)
        private.refresh_from_db()
    assert not refused.ok and "private network" in private.last_error
