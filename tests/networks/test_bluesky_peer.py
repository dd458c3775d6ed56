"""The Bluesky connector against a real local network (PDS + AppView + PLC).

The network and two accounts are shared by the module; each test makes its own posts.
"""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from atproto import client_utils, models
from PIL import Image

from tests.peers import bluesky as peer
from tribune.networks.base import (
    AuthExpired,
    Credentials,
    MediaItem,
    PostRequest,
    RemoteRef,
    UnknownOutcome,
)
from tribune.networks.bluesky.connector import IDEMPOTENCY_FIELD, BlueskyConnector

pytestmark = pytest.mark.peer


def eventually(read, check, timeout=15.0):
    """The AppView indexes writes asynchronously: poll until ``check(read())``."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if check(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


@pytest.fixture(scope="module")
def alice(bluesky_network, bluesky_accounts):
    account = bluesky_accounts[0]
    # Connect as a user would: with an app password, not the account password.
    owner = peer.logged_in_client(bluesky_network, account)
    app_password = owner.com.atproto.server.create_app_password(
        models.ComAtprotoServerCreateAppPassword.Data(name="tribune")
    ).password
    return account, app_password


@pytest.fixture
def connector(bluesky_network, alice):
    account, app_password = alice
    credentials = Credentials(
        handle=account.handle,
        secrets={"app_password": app_password},
        base_url=bluesky_network.pds_url,
    )
    return BlueskyConnector(credentials, allow_private=True)


@pytest.fixture(scope="module")
def bob(bluesky_network, bluesky_accounts):
    account = bluesky_accounts[1]
    return account, peer.logged_in_client(bluesky_network, account)


def png(width=40, height=20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def read_post(client, uri):
    posts = eventually(lambda: client.get_posts([uri]).posts, bool)
    assert posts, f"{uri} never reached the AppView"
    return posts[0]


def sliced(text: str, facet) -> str:
    return text.encode()[facet.index.byte_start : facet.index.byte_end].decode()


def test_publish_with_facets_image_and_language(connector, bob):
    bob_account, bob_client = bob
    text = (
        f"Café ☕ élégant 🎉 avec @{bob_account.handle} : voir https://exemple.fr/été?x=1, "
        "puis #Tribune! et #réseau."
    )
    post = PostRequest(
        text=text,
        idempotency_key=str(uuid.uuid4()),
        media=[MediaItem(png(), "image/png", alt_text="Un carré rouge")],
        language="fr",
    )
    published = connector.publish(post)
    assert published.uri.startswith(f"at://{connector.credentials.remote_id}/app.bsky.feed.post/")
    assert published.url.startswith("https://bsky.app/profile/")

    view = read_post(bob_client, published.uri)  # as another user, through the AppView
    record = view.record
    assert record.text == text
    assert record.langs == ["fr"]
    features = {
        sliced(text, facet): facet.features[0] for facet in record.facets
    }  # slice → feature
    assert features[f"@{bob_account.handle}"].did == bob_account.did
    assert features["https://exemple.fr/été?x=1"].uri == "https://exemple.fr/été?x=1"
    assert features["#Tribune"].tag == "Tribune"
    assert features["#réseau"].tag == "réseau"
    assert len(record.facets) == 4
    assert record.model_extra[IDEMPOTENCY_FIELD] == post.idempotency_key
    image = view.embed.images[0]
    assert image.alt == "Un carré rouge"
    assert (image.aspect_ratio.width, image.aspect_ratio.height) == (40, 20)
    assert image.fullsize.startswith("http")


def test_reply_thread_keeps_root(connector, bob):
    _, bob_client = bob
    key = uuid.uuid4().hex
    root = connector.publish(PostRequest(text="Fil 1/3", idempotency_key=key + "1"))
    ref = RemoteRef(remote_id=root.uri, uri=root.uri, cid=root.cid)
    second = connector.publish(PostRequest(text="Fil 2/3", idempotency_key=key + "2", reply_to=ref))
    # No thread_root given: the connector takes it from the parent's own reply field.
    third = connector.publish(
        PostRequest(
            text="Fil 3/3", idempotency_key=key + "3", reply_to=RemoteRef(second.uri, second.uri)
        )
    )
    record = read_post(bob_client, third.uri).record
    assert record.reply.parent.uri == second.uri and record.reply.parent.cid == second.cid
    assert record.reply.root.uri == root.uri and record.reply.root.cid == root.cid
    thread = eventually(
        lambda: bob_client.get_post_thread(root.uri).thread,
        lambda t: t.replies and t.replies[0].replies,
    )
    assert thread.replies[0].post.uri == second.uri
    assert thread.replies[0].replies[0].post.uri == third.uri


def _drain(connector, cursor=""):
    page = connector.fetch_inbound(cursor)
    return page.items, page.cursor


def test_inbound_returns_each_item_once(connector, bob):
    bob_account, bob_client = bob
    alice_did = connector.did
    _, cursor = _drain(connector)  # whatever came before this test
    _, cursor = _drain(connector, cursor)

    target = connector.publish(PostRequest(text="Qui répond ?", idempotency_key=uuid.uuid4().hex))
    target_ref = models.ComAtprotoRepoStrongRef.Main(uri=target.uri, cid=target.cid)
    mention = bob_client.send_post(
        client_utils.TextBuilder().text("Salut ").mention("@alice", alice_did).text(" 👋")
    )
    reply = bob_client.send_post(
        "Moi !", reply_to=models.AppBskyFeedPost.ReplyRef(parent=target_ref, root=target_ref)
    )
    first = eventually(lambda: connector.fetch_inbound(cursor), lambda p: len(p.items) >= 2)
    seen = {item.remote_id: item for item in first.items}
    assert set(seen) == {mention.uri, reply.uri}
    assert seen[mention.uri].kind == "mention" and "Salut" in seen[mention.uri].text
    assert seen[reply.uri].kind == "reply" and seen[reply.uri].in_reply_to == target.uri
    assert seen[reply.uri].root_id == target.uri
    assert seen[reply.uri].author.handle == bob_account.handle

    # Answering from the inbox: the thread root comes from Bob's reply, not from us.
    answer = connector.publish(
        PostRequest(text="Merci !", idempotency_key=uuid.uuid4().hex, reply_to=RemoteRef(reply.uri))
    )
    answer_record = read_post(bob_client, answer.uri).record
    assert answer_record.reply.parent.uri == reply.uri
    assert answer_record.reply.root.uri == target.uri

    like = bob_client.like(target.uri, target.cid)
    follow = bob_client.follow(alice_did)
    quote = bob_client.send_post(
        "Citation", embed=models.AppBskyEmbedRecord.Main(record=target_ref)
    )
    second = eventually(lambda: connector.fetch_inbound(first.cursor), lambda p: len(p.items) >= 3)
    kinds = {item.remote_id: item.kind for item in second.items}
    assert kinds == {like.uri: "like", follow.uri: "follow", quote.uri: "quote"}
    assert not set(kinds) & set(seen)  # nothing returned twice
    times = [item.created_at for item in second.items]
    assert times == sorted(times)  # oldest first

    again = connector.fetch_inbound(second.cursor)
    assert again.items == [] and again.cursor == second.cursor


def test_metrics_follow_likes_and_follows(connector, bluesky_network):
    fan = peer.create_account(bluesky_network, "fan")
    fan_client = peer.logged_in_client(bluesky_network, fan)
    post = connector.publish(PostRequest(text="À aimer", idempotency_key=uuid.uuid4().hex))
    ref = RemoteRef(post.uri, post.uri, post.cid)
    before = eventually(lambda: connector.fetch_post_metrics([ref]), bool)[0]
    assert (before.likes, before.replies, before.reposts, before.quotes) == (0, 0, 0, 0)
    assert before.impressions is None and before.link_clicks is None
    followers_before = connector.fetch_account_metrics().followers

    fan_client.like(post.uri, post.cid)
    fan_client.repost(post.uri, post.cid)
    fan_client.follow(connector.did)
    after = eventually(
        lambda: connector.fetch_post_metrics([ref])[0], lambda m: m.likes == 1 and m.reposts == 1
    )
    assert (after.likes, after.reposts) == (1, 1)
    account = eventually(
        connector.fetch_account_metrics, lambda m: m.followers == followers_before + 1
    )
    assert account.followers == followers_before + 1
    assert account.posts >= 1 and account.following is not None


def test_delete_removes_post(connector, bob):
    _, bob_client = bob
    post = connector.publish(PostRequest(text="Éphémère", idempotency_key=uuid.uuid4().hex))
    read_post(bob_client, post.uri)
    ref = RemoteRef(post.uri, post.uri, post.cid)
    connector.delete(ref)
    assert eventually(lambda: bob_client.get_posts([post.uri]).posts, lambda p: not p) == []
    assert connector.fetch_post_metrics([ref]) == []
    connector.delete(ref)  # deleting again is harmless


class TimeoutAfterSending(httpx.BaseTransport):
    """Sends createRecord for real, then loses the answer: a read timeout after a write."""

    def __init__(self):
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request):
        response = self.inner.handle_request(request)
        if request.url.path.endswith("com.atproto.repo.createRecord"):
            response.read()
            raise httpx.ReadTimeout("simulated", request=request)
        return response


def test_find_published_after_a_timeout(bluesky_network, connector):
    since = datetime.now(UTC)
    lossy = BlueskyConnector(
        connector.credentials, transport=TimeoutAfterSending(), allow_private=True
    )
    post = PostRequest(text="Publié malgré le délai", idempotency_key=uuid.uuid4().hex)
    with pytest.raises(UnknownOutcome):
        lossy.publish(post)

    found = connector.find_published(post.idempotency_key, post.text, since)
    assert found is not None and found.uri.startswith("at://")
    assert found.url == f"https://bsky.app/profile/{connector.did}/post/{found.uri.split('/')[-1]}"
    # Same text under another key, posted before ``since``: not ours to claim.
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert connector.find_published("other-key", post.text, later) is None
    # Text match alone (older clients, no key) counts only after ``since``.
    assert connector.find_published("other-key", post.text, since).uri == found.uri


def test_refresh_keeps_a_usable_session(bluesky_network, connector):
    connector.fetch_account_metrics()  # logs in with the app password
    first = connector.credentials
    assert first.secrets["access_jwt"] and first.secrets["refresh_jwt"]
    assert first.remote_id.startswith("did:plc:") and first.expires_at > datetime.now(UTC)

    refreshed = BlueskyConnector(first, allow_private=True).refresh_credentials()
    assert refreshed.secrets["refresh_jwt"] != first.secrets["refresh_jwt"]  # rotated
    assert refreshed.secrets["app_password"] == first.secrets["app_password"]
    tokens_only = Credentials(
        handle=refreshed.handle,
        secrets={k: refreshed.secrets[k] for k in ("access_jwt", "refresh_jwt")},
        base_url=bluesky_network.pds_url,
        remote_id=refreshed.remote_id,
    )
    again = BlueskyConnector(tokens_only, allow_private=True)
    assert again.fetch_account_metrics().posts is not None
    post = again.publish(PostRequest(text="Après rafraîchissement", idempotency_key="r1"))
    assert post.uri.startswith(f"at://{refreshed.remote_id}/")


def test_bad_access_token_is_auth_expired_then_refresh_recovers(bluesky_network, connector):
    connector.fetch_account_metrics()
    good = connector.credentials
    broken = Credentials(
        handle=good.handle,
        secrets={"access_jwt": "not-a-token", "refresh_jwt": good.secrets["refresh_jwt"]},
        base_url=bluesky_network.pds_url,
        remote_id=good.remote_id,
    )
    stale = BlueskyConnector(broken, allow_private=True)
    with pytest.raises(AuthExpired):
        stale.fetch_account_metrics()
    stale.refresh_credentials()
    assert stale.fetch_account_metrics().followers is not None
