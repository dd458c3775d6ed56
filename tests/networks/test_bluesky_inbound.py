"""Notifications → inbound items, and the cursor that never repeats one (stubbed boundary).

The payload shape is the one a local AppView (``@atproto/dev-env`` 0.6.7) returned.
"""

from __future__ import annotations

import httpx
import pytest

from tribune.networks.bluesky.inbound import Cursor

ALICE = "did:plc:alice"
BOB = "did:plc:bob"
TARGET = f"at://{ALICE}/app.bsky.feed.post/3target"
RECORDS = {
    "like": ("app.bsky.feed.like", lambda: {"subject": {"uri": TARGET, "cid": "bafyt"}}),
    "repost": ("app.bsky.feed.repost", lambda: {"subject": {"uri": TARGET, "cid": "bafyt"}}),
    "follow": ("app.bsky.graph.follow", lambda: {"subject": ALICE}),
    "mention": ("app.bsky.feed.post", lambda: {"text": "Salut @alice.test"}),
    "reply": (
        "app.bsky.feed.post",
        lambda: {
            "text": "Moi !",
            "reply": {
                "root": {"uri": TARGET, "cid": "bafyt"},
                "parent": {"uri": TARGET, "cid": "bafyt"},
            },
        },
    ),
    "quote": ("app.bsky.feed.post", lambda: {"text": "Citation"}),
    "starterpack-joined": ("app.bsky.graph.starterpack", lambda: {"name": "x", "list": "y"}),
}


def notification(reason: str, rkey: str, at: str) -> dict:
    collection, extra = RECORDS[reason]
    record = {"$type": collection, "createdAt": at.replace("Z", "+00:00"), **extra()}
    return {
        "uri": f"at://{BOB}/{collection}/{rkey}",
        "cid": f"bafy{rkey}",
        "author": {"did": BOB, "handle": "bob.test", "displayName": "Bob", "labels": []},
        "reason": reason,
        **({"reasonSubject": TARGET} if reason in {"like", "repost", "quote"} else {}),
        "record": record,
        "isRead": False,
        "indexedAt": at,
        "labels": [],
    }


class Notifications:
    """listNotifications over a list: newest first, paged by offset like the AppView."""

    def __init__(self, fake_pds):
        self.items: list[dict] = []
        fake_pds.routes["listNotifications"] = self.page
        self.fake_pds = fake_pds

    def add(self, reason: str, rkey: str, second: int, millis: int = 0) -> str:
        at = f"2026-03-29T01:{second // 60:02d}:{second % 60:02d}.{millis:03d}Z"
        self.items.append(notification(reason, rkey, at))
        return self.items[-1]["uri"]

    def page(self, request: httpx.Request) -> httpx.Response:
        ordered = sorted(self.items, key=lambda n: n["indexedAt"], reverse=True)
        start = int(request.url.params.get("cursor") or 0)
        size = int(request.url.params["limit"])
        chunk = ordered[start : start + size]
        more = start + size < len(ordered)
        return httpx.Response(
            200, json={"notifications": chunk, **({"cursor": str(start + size)} if more else {})}
        )


@pytest.fixture
def notes(fake_pds):
    return Notifications(fake_pds)


def test_items_carry_kind_author_text_and_thread(fake_pds, notes):
    reply = notes.add("reply", "r1", 1)
    like = notes.add("like", "l1", 2)
    follow = notes.add("follow", "f1", 3)
    quote = notes.add("quote", "q1", 4)
    page = fake_pds.connector().fetch_inbound()
    by_id = {item.remote_id: item for item in page.items}
    assert [i.remote_id for i in page.items] == [reply, like, follow, quote]  # oldest first
    assert by_id[reply].kind == "reply" and by_id[reply].text == "Moi !"
    assert by_id[reply].in_reply_to == TARGET and by_id[reply].root_id == TARGET
    assert by_id[reply].url == "https://bsky.app/profile/did:plc:bob/post/r1"
    assert by_id[reply].author.handle == "bob.test" and by_id[reply].author.display_name == "Bob"
    assert by_id[like].kind == "like" and by_id[like].in_reply_to == TARGET
    assert by_id[like].text == "" and by_id[like].url == ""
    assert by_id[follow].kind == "follow" and by_id[follow].in_reply_to == ""
    assert by_id[quote].kind == "quote" and by_id[quote].in_reply_to == TARGET
    assert by_id[quote].raw["record"]["text"] == "Citation"
    assert by_id[quote].created_at.isoformat() == "2026-03-29T01:00:04+00:00"


def test_repeated_polls_never_repeat_an_item(fake_pds, notes):
    connector = fake_pds.connector()
    notes.add("mention", "m1", 1)
    first = connector.fetch_inbound()
    assert len(first.items) == 1
    assert connector.fetch_inbound(first.cursor).items == []
    reply = notes.add("reply", "r1", 2)
    second = connector.fetch_inbound(first.cursor)
    assert [i.remote_id for i in second.items] == [reply]
    third = connector.fetch_inbound(second.cursor)
    assert third.items == [] and third.cursor == second.cursor


def test_items_at_the_same_instant_are_handed_out_once_each(fake_pds, notes):
    connector = fake_pds.connector()
    a = notes.add("like", "a", 5, millis=120)
    first = connector.fetch_inbound()
    b = notes.add("repost", "b", 5, millis=120)  # indexed in the same millisecond
    second = connector.fetch_inbound(first.cursor)
    assert [i.remote_id for i in first.items] == [a]
    assert [i.remote_id for i in second.items] == [b]
    assert connector.fetch_inbound(second.cursor).items == []


def test_limit_returns_the_oldest_and_the_rest_next_time(fake_pds, notes):
    connector = fake_pds.connector()
    notes.add("follow", "before", 0)
    start = connector.fetch_inbound()
    uris = [notes.add("mention", f"m{i:03d}", i + 1) for i in range(250)]  # three API pages
    seen = []
    cursor = start.cursor
    for _ in range(4):
        page = connector.fetch_inbound(cursor, limit=100)
        seen += [i.remote_id for i in page.items]
        cursor = page.cursor
    assert seen == uris


def test_first_poll_reads_only_the_newest_page(fake_pds, notes):
    for i in range(30):
        notes.add("follow", f"f{i:02d}", i)
    page = fake_pds.connector().fetch_inbound(limit=10)
    assert [i.remote_id[-3:] for i in page.items] == [f"f{i}" for i in range(20, 30)]
    assert len(fake_pds.called("listNotifications")) == 1


def test_other_reasons_are_skipped_but_move_the_cursor(fake_pds, notes):
    connector = fake_pds.connector()
    notes.add("starterpack-joined", "s1", 1)
    page = connector.fetch_inbound()
    assert page.items == [] and page.cursor
    assert Cursor.decode(page.cursor).after.second == 1


def test_cursor_round_trip_and_foreign_cursors():
    cursor = Cursor.decode("2026-03-29T01:00:05.120000+00:00~abc,def")
    assert cursor.encode() == "2026-03-29T01:00:05.120000+00:00~abc,def"
    assert Cursor.decode("not-ours") == Cursor()
    assert Cursor.decode("") == Cursor() and Cursor().encode() == ""
