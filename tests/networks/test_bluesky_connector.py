"""What the Bluesky connector sends and how it reads answers (HTTP boundary stubbed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tribune.networks.base import (
    AuthExpired,
    MediaItem,
    PostRequest,
    Rejected,
    RemoteRef,
)
from tribune.networks.bluesky.connector import IDEMPOTENCY_FIELD, BlueskyConnector

DID = "did:plc:alice"
ROOT = f"at://{DID}/app.bsky.feed.post/3root"
PARENT = f"at://{DID}/app.bsky.feed.post/3parent"


def created(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, json={"uri": f"at://{DID}/app.bsky.feed.post/3new", "cid": "bafynew"}
    )


def sent_record(fake_pds) -> dict:
    (request,) = fake_pds.called("com.atproto.repo.createRecord")
    body = json.loads(request.content)
    assert body["repo"] == DID and body["collection"] == "app.bsky.feed.post"
    return body["record"]


def test_class_attributes():
    assert BlueskyConnector.name == "bluesky" and BlueskyConnector.label == "Bluesky"
    assert BlueskyConnector.limits.max_length == 300
    assert BlueskyConnector.limits.max_media == 4 and BlueskyConnector.limits.counts_graphemes
    assert {"publish", "delete", "media", "threads", "refresh"} <= BlueskyConnector.capabilities
    assert "dms" not in BlueskyConnector.capabilities


def test_publish_sends_text_facets_language_and_key(fake_pds):
    fake_pds.routes["resolveHandle"] = httpx.Response(200, json={"did": "did:plc:bob"})
    fake_pds.routes["createRecord"] = created
    text = "Été 🎉 @bob.test #jazz"
    published = fake_pds.connector().publish(
        PostRequest(text=text, idempotency_key="key-1", language="fr")
    )
    record = sent_record(fake_pds)
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == text and record["langs"] == ["fr"]
    assert record[IDEMPOTENCY_FIELD] == "key-1"
    assert "reply" not in record and "embed" not in record
    mention, tag = record["facets"]
    assert text.encode()[mention["index"]["byteStart"] : mention["index"]["byteEnd"]] == (
        b"@bob.test"
    )
    assert mention["features"] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bob"}
    ]
    assert tag["features"][0]["tag"] == "jazz"
    assert published.remote_id == published.uri == f"at://{DID}/app.bsky.feed.post/3new"
    assert published.cid == "bafynew"
    assert published.url == f"https://bsky.app/profile/{DID}/post/3new"
    assert abs(published.published_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_unknown_handle_keeps_the_text_without_a_mention(fake_pds):
    fake_pds.routes["resolveHandle"] = httpx.Response(
        400, json={"error": "HandleNotFound", "message": "Unable to resolve handle"}
    )
    fake_pds.routes["createRecord"] = created
    fake_pds.connector().publish(PostRequest(text="Salut @nobody.test", idempotency_key="k"))
    record = sent_record(fake_pds)
    assert record["text"] == "Salut @nobody.test" and "facets" not in record


def test_reply_takes_the_root_from_the_parent(fake_pds):
    def get_record(request):
        assert request.url.params["rkey"] == "3parent"
        value = {
            "$type": "app.bsky.feed.post",
            "text": "parent",
            "createdAt": "2026-01-01T00:00:00Z",
            "reply": {
                "root": {"uri": ROOT, "cid": "bafyroot"},
                "parent": {"uri": ROOT, "cid": "bafyroot"},
            },
        }
        return httpx.Response(200, json={"uri": PARENT, "cid": "bafyparent", "value": value})

    fake_pds.routes["getRecord"] = get_record
    fake_pds.routes["createRecord"] = created
    fake_pds.connector().publish(
        PostRequest(text="suite", idempotency_key="k", reply_to=RemoteRef(PARENT, PARENT))
    )
    reply = sent_record(fake_pds)["reply"]
    assert (reply["parent"]["uri"], reply["parent"]["cid"]) == (PARENT, "bafyparent")
    assert (reply["root"]["uri"], reply["root"]["cid"]) == (ROOT, "bafyroot")


def test_images_are_uploaded_with_their_type_and_alt_text(fake_pds):
    blob = {"$type": "blob", "ref": {"$link": "bafkreiblob"}, "mimeType": "image/png", "size": 9}
    fake_pds.routes["uploadBlob"] = httpx.Response(200, json={"blob": blob})
    fake_pds.routes["createRecord"] = created
    image = MediaItem(b"\x89PNGdata", "image/png", alt_text="Un chat")
    fake_pds.connector().publish(PostRequest(text="", idempotency_key="k", media=[image, image]))
    uploads = fake_pds.called("com.atproto.repo.uploadBlob")
    assert [u.headers["content-type"] for u in uploads] == ["image/png", "image/png"]
    assert uploads[0].content == b"\x89PNGdata"
    embed = sent_record(fake_pds)["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in embed["images"]] == ["Un chat", "Un chat"]
    assert embed["images"][0]["image"]["ref"] == {"$link": "bafkreiblob"}


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (PostRequest("x", "k", media=[MediaItem(b"", "image/png")] * 5), "at most 4"),
        (PostRequest("x", "k", media=[MediaItem(b"", "video/quicktime")]), "MP4"),
        (PostRequest("x", "k", media=[MediaItem(b"0" * 1_000_001, "image/jpeg")]), "1 MB"),
        (PostRequest("x", "k", visibility="followers"), "always public"),
        (PostRequest("x", "k", content_warning="spoilers"), "content warnings"),
    ],
)
def test_requests_bluesky_cannot_carry_are_rejected_before_sending(fake_pds, request_, message):
    with pytest.raises(Rejected, match=message) as caught:
        fake_pds.connector().publish(request_)
    assert caught.value.permanent and fake_pds.requests == []


def test_content_warning_becomes_a_self_label(fake_pds):
    fake_pds.routes["createRecord"] = created
    fake_pds.connector().publish(PostRequest("x", "k", content_warning="graphic-media"))
    labels = sent_record(fake_pds)["labels"]
    assert [label["val"] for label in labels["values"]] == ["graphic-media"]


def test_delete_refuses_other_accounts_posts(fake_pds):
    other = "at://did:plc:someone/app.bsky.feed.post/3k"
    with pytest.raises(Rejected, match="connected account"):
        fake_pds.connector().delete(RemoteRef(other, other))
    assert fake_pds.requests == []


def test_password_login_exposes_the_new_tokens(fake_pds):
    access, refresh = fake_pds.jwt(), fake_pds.jwt(expires_in=86400)
    fake_pds.routes["createSession"] = httpx.Response(
        200, json={"did": DID, "handle": "alice.test", "accessJwt": access, "refreshJwt": refresh}
    )
    fake_pds.routes["getProfile"] = httpx.Response(
        200,
        json={
            "did": DID,
            "handle": "alice.test",
            "followersCount": 1,
            "followsCount": 2,
            "postsCount": 3,
        },
    )
    connector = fake_pds.connector(app_password="abcd-efgh-ijkl-mnop")
    metrics = connector.fetch_account_metrics()
    assert (metrics.followers, metrics.following, metrics.posts) == (1, 2, 3)
    creds = connector.credentials
    assert creds.remote_id == DID
    assert creds.secrets["access_jwt"] == access and creds.secrets["refresh_jwt"] == refresh
    assert creds.secrets["app_password"] == "abcd-efgh-ijkl-mnop"
    assert creds.expires_at is not None and creds.expires_at > datetime.now(UTC)
    (login,) = fake_pds.called("createSession")
    assert json.loads(login.content)["identifier"] == "alice.test"


def test_refresh_keeps_the_refresh_token_when_none_comes_back(fake_pds):
    new_access = fake_pds.jwt(expires_in=7200)
    fake_pds.routes["refreshSession"] = httpx.Response(
        200, json={"did": DID, "handle": "alice.test", "accessJwt": new_access, "refreshJwt": ""}
    )
    connector = fake_pds.connector()
    old_refresh = connector.credentials.secrets["refresh_jwt"]
    refreshed = connector.refresh_credentials()
    assert refreshed.secrets["access_jwt"] == new_access
    assert refreshed.secrets["refresh_jwt"] == old_refresh
    (call,) = fake_pds.called("refreshSession")
    assert call.headers["authorization"] == f"Bearer {old_refresh}"
    assert connector.credentials is refreshed


def test_dead_refresh_token_falls_back_to_the_app_password(fake_pds):
    fake_pds.routes["refreshSession"] = httpx.Response(
        400, json={"error": "ExpiredToken", "message": "Token has expired"}
    )
    fake_pds.routes["createSession"] = httpx.Response(
        200,
        json={
            "did": DID,
            "handle": "alice.test",
            "accessJwt": fake_pds.jwt(),
            "refreshJwt": fake_pds.jwt(),
        },
    )
    connector = fake_pds.connector(
        access_jwt=fake_pds.jwt(), refresh_jwt=fake_pds.jwt(), app_password="pw"
    )
    assert connector.refresh_credentials().remote_id == DID
    assert fake_pds.called("createSession")


def test_dead_refresh_token_without_password_is_auth_expired(fake_pds):
    fake_pds.routes["refreshSession"] = httpx.Response(
        400, json={"error": "ExpiredToken", "message": "Token has expired"}
    )
    with pytest.raises(AuthExpired):
        fake_pds.connector().refresh_credentials()


def test_refresh_is_not_confused_by_a_transient_failure(fake_pds):
    """A 503 during refresh must not look like a dead token (Postiz #1822)."""
    from tribune.networks.base import Unavailable

    fake_pds.routes["refreshSession"] = httpx.Response(503)
    with pytest.raises(Unavailable):
        fake_pds.connector().refresh_credentials()


def _record(rkey: str, text: str, created: datetime, key: str | None = None) -> dict:
    value = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created.isoformat()}
    if key:
        value[IDEMPOTENCY_FIELD] = key
    return {"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}", "value": value}


def test_find_published_by_key_or_text_and_stops_at_since(fake_pds):
    now = datetime.now(UTC)
    pages = {
        None: {
            "records": [_record("3c", "autre", now), _record("3b", "x", now, key="k-b")],
            "cursor": "p2",
        },
        "p2": {"records": [_record("3a", "même texte", now - timedelta(hours=1))], "cursor": "p3"},
    }
    fake_pds.routes["listRecords"] = lambda r: httpx.Response(
        200, json=pages[r.url.params.get("cursor")]
    )
    connector = fake_pds.connector()
    found = connector.find_published("k-b", "texte modifié", now - timedelta(minutes=1))
    assert found.uri.endswith("/3b") and found.cid == "bafy3b"
    # Text matches only after ``since``; the walk stops once records are older than since.
    assert connector.find_published("k-z", "même texte", now - timedelta(minutes=1)) is None
    assert [r.url.params.get("cursor") for r in fake_pds.called("listRecords")][-2:] == [None, "p2"]
    assert connector.find_published("k-z", "même texte", now - timedelta(hours=2)).uri.endswith(
        "/3a"
    )


def test_post_metrics_batches_by_25_and_leaves_impressions_empty(fake_pds):
    def get_posts(request):
        uris = request.url.params.get_list("uris")
        posts = [
            {
                "uri": u,
                "cid": "bafy",
                "author": {"did": DID, "handle": "alice.test"},
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": "",
                    "createdAt": "2026-01-01T00:00:00Z",
                },
                "indexedAt": "2026-01-01T00:00:00Z",
                "likeCount": 2,
                "replyCount": 1,
                "repostCount": 0,
                "quoteCount": 4,
                # Older App Views send no bookmarkCount: the odd posts here.
                **({"bookmarkCount": 3} if n % 2 == 0 else {}),
            }
            for n, u in enumerate(uris)
        ]
        return httpx.Response(200, json={"posts": posts})

    fake_pds.routes["getPosts"] = get_posts
    refs = [
        RemoteRef(f"at://{DID}/app.bsky.feed.post/{i}", f"at://{DID}/app.bsky.feed.post/{i}")
        for i in range(30)
    ]
    metrics = fake_pds.connector().fetch_post_metrics(refs)
    assert len(metrics) == 30 and len(fake_pds.called("getPosts")) == 2
    first = metrics[0]
    assert (first.likes, first.replies, first.reposts, first.quotes) == (2, 1, 0, 4)
    assert first.impressions is None and first.link_clicks is None
    assert (first.saves, metrics[1].saves) == (3, None)  # bookmarkCount, or unknown
    assert all(m.video_views is None for m in metrics)  # Bluesky gives no view counts
