"""Bluesky search as a listening source, against the real local network (PDS + AppView):
posts matching the search become mentions (author, link, reach from the profile), a second
read asks only for newer posts (cursor) and stores no duplicate, the source's health
records successes, and an unreachable AppView is a plain-words failure with backoff."""

from __future__ import annotations

import time
import uuid

import pytest
from django.utils import timezone

from tests.peers import bluesky as peer
from tribune.core.scope import brand_scope
from tribune.listening.models import Mention, Query, Source
from tribune.listening.services.sources import do_fetch_source
from tribune.listening.social import read_bluesky
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account

pytestmark = [pytest.mark.peer, pytest.mark.django_db]


@pytest.fixture(scope="module")
def bob(bluesky_network, bluesky_accounts):  # type: ignore[no-untyped-def]
    return peer.logged_in_client(bluesky_network, bluesky_accounts[1])


@pytest.fixture(autouse=True)
def _allow_local(settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"


def searchable(network, word: str, count: int, timeout: float = 20) -> list:  # type: ignore[no-untyped-def]
    """The AppView indexes posts asynchronously: wait until the search sees them."""
    deadline = time.monotonic() + timeout
    while True:
        found = read_bluesky(word, service=network.appview_url).items
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_bluesky_search_source(tenants, bluesky_network, bluesky_accounts, bob):  # type: ignore[no-untyped-def]
    word = f"zorglub{uuid.uuid4().hex[:6]}"
    bob.send_post(f"Le service client de {word} est une arnaque, remboursez-moi !")
    bob.send_post(f"J'adore la nouvelle box {word}, bravo")
    assert len(searchable(bluesky_network, word, 2)) == 2

    brand = tenants.brand_a
    alice = bluesky_accounts[0]
    with brand_scope(brand):
        # The brand's connected account signs the search (its PDS proxies it to the
        # AppView), as Bluesky requires: the source has no address of its own.
        do_connect_account(
            brand,
            "bluesky",
            Credentials(
                handle=alice.handle,
                secrets={"app_password": alice.password},
                base_url=bluesky_network.pds_url,
            ),
            None,
        )
        Query.objects.create(brand=brand, name="Marque", expression=word)
        source = Source.objects.create(brand=brand, kind="bluesky", search=word)
        outcome = do_fetch_source(source)
        assert outcome.ok and outcome.result.stored == 2
        source.refresh_from_db()
        assert source.cursor and source.last_success_at and source.last_item_at
        assert source.consecutive_failures == 0

        mentions = list(Mention.objects.filter(brand=brand).order_by("published_at"))
        assert {m.network for m in mentions} == {"bluesky"}
        assert all(m.author == f"@{bluesky_accounts[1].handle}" for m in mentions)
        assert all(m.url.startswith("https://bsky.app/profile/") for m in mentions)
        assert mentions[0].sentiment == "negative"

        # Nothing new: no duplicate, the cursor holds.
        again = do_fetch_source(source)
        assert again.ok and again.result.stored == 0
        assert Mention.objects.filter(brand=brand).count() == 2

        # One more post: only it is read.
        bob.send_post(f"{word} encore en panne ce matin")
        searchable(bluesky_network, word, 3)
        third = do_fetch_source(source)
        assert third.result.stored == 1 and third.result.duplicates == 0
        assert Mention.objects.filter(brand=brand).count() == 3
        # The session the search opened is kept (encrypted) for the next read.
        assert SocialAccount.objects.get(brand=brand).credentials.get("access_jwt")

        # A self-hosted AppView that allows anonymous search: its address on the source.
        anonymous = Source.objects.create(
            brand=brand, kind="bluesky", url=bluesky_network.appview_url, search=word
        )
        read = do_fetch_source(anonymous)
        assert read.ok and read.result.duplicates == 3 and read.result.stored == 0


def test_bluesky_search_without_an_account_says_why(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        source = Source.objects.create(brand=brand, kind="bluesky", search="alpha")
        outcome = do_fetch_source(source)
        source.refresh_from_db()
    assert not outcome.ok
    assert source.last_error.startswith("Bluesky search needs a connected Bluesky account")


def test_unreachable_appview_is_a_plain_failure(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        source = Source.objects.create(
            brand=brand, kind="bluesky", url="http://127.0.0.1:9", search="alpha"
        )
        now = timezone.now()
        outcome = do_fetch_source(source, now)
        source.refresh_from_db()
    assert not outcome.ok
    assert source.last_error.startswith("Could not reach Bluesky (127.0.0.1)")
    assert source.consecutive_failures == 1 and source.next_fetch_at > now
