"""The inbox against a real local Bluesky network: Bob mentions Alice and replies to her
post; the poll stores both once (also after forgetting the cursor); Alice answers from
Tribune and the answer sits under Bob's reply, in the thread of her post."""

from __future__ import annotations

import time
import uuid

import pytest
from atproto import client_utils, models
from django.utils import timezone

from tests.peers import bluesky as peer
from tribune.core.scope import brand_scope, unscoped
from tribune.inbox import ingest
from tribune.inbox.models import Message, Thread
from tribune.inbox.services.replies import do_reply
from tribune.networks.base import Credentials, PostRequest
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account
from tribune.publishing.models import Post, PostStatus, Variant

pytestmark = [pytest.mark.peer, pytest.mark.slow]


def _poll_until(account_id: int, brand, wanted: set[str], timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """The AppView indexes notifications asynchronously: poll like the job would."""
    deadline = time.monotonic() + timeout
    while True:
        ingest.poll_account(account_id)
        with brand_scope(brand):
            stored = set(
                Message.objects.filter(remote_id__in=wanted).values_list("remote_id", flat=True)
            )
        if stored == wanted:
            return
        assert time.monotonic() < deadline, f"only {len(stored)} of {len(wanted)} arrived"
        time.sleep(0.5)


def test_mentions_and_replies_on_bluesky_reach_the_inbox_once_and_answers_thread(
    tenants, bluesky_network, bluesky_accounts, settings
):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the local network lives on 127.0.0.1
    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"
    alice, bob = bluesky_accounts
    brand = tenants.brand_a
    with brand_scope(brand):
        sky = do_connect_account(
            brand,
            "bluesky",
            Credentials(
                handle=alice.handle,
                remote_id=alice.did,
                base_url=bluesky_network.pds_url,
                secrets={"app_password": alice.password},
            ),
            tenants.owner,
        )
    # Skip whatever other tests left in Alice's notifications.
    ingest.poll_account(sky.pk)

    # Alice's post, published by Tribune.
    connector = sky.connector()
    ours = connector.publish(
        PostRequest(text="Notre nouvelle gamme arrive !", idempotency_key=uuid.uuid4().hex)
    )
    with brand_scope(brand):
        post = Post.objects.create(brand=brand, text="gamme", status=PostStatus.PUBLISHED)
        variant = Variant.objects.create(
            post=post,
            brand=brand,
            account=sky,
            status=PostStatus.PUBLISHED,
            remote_id=ours.remote_id,
            published_at=timezone.now(),
        )

    bob_client = peer.logged_in_client(bluesky_network, bob)
    mention = bob_client.send_post(
        client_utils.TextBuilder()
        .mention(f"@{alice.handle}", alice.did)
        .text(" vos horaires ce week-end ?")
    )
    target = models.ComAtprotoRepoStrongRef.Main(uri=ours.uri, cid=ours.cid)
    comment = bob_client.send_post(
        "Disponible en Belgique ?",
        reply_to=models.AppBskyFeedPost.ReplyRef(parent=target, root=target),
    )
    _poll_until(sky.pk, brand, {mention.uri, comment.uri})

    with brand_scope(brand):
        rows = {
            m.remote_id: m for m in Message.objects.filter(remote_id__in=[mention.uri, comment.uri])
        }
        assert rows[mention.uri].kind == "mention" and rows[mention.uri].is_question
        assert rows[comment.uri].kind == "reply"
        assert rows[comment.uri].author.handle == bob.handle
        thread = Thread.objects.select_related("account__brand").get(pk=rows[comment.uri].thread_id)
        assert thread.variant_id == variant.pk
    # Polling again, and after a restart that lost the cursor: nothing twice.
    assert ingest.poll_account(sky.pk).stored == 0
    with unscoped():
        SocialAccount.objects.filter(pk=sky.pk).update(inbound_cursor="")
    ingest.poll_account(sky.pk)
    with brand_scope(brand):
        assert Message.objects.filter(remote_id__in=[mention.uri, comment.uri]).count() == 2

    # Alice answers Bob's comment from the inbox.
    with brand_scope(brand):
        sent = do_reply(thread, tenants.people["community_manager"], "Oui, partout en Belgique !")
    deadline = time.monotonic() + 20
    while not (
        found := bob_client.app.bsky.feed.get_posts({"uris": [sent.message.remote_id]}).posts
    ):
        assert time.monotonic() < deadline, "the answer never appeared in the AppView"
        time.sleep(0.25)
    record = found[0].record
    assert record.text == "Oui, partout en Belgique !"
    assert record.reply.parent.uri == comment.uri and record.reply.root.uri == ours.uri
