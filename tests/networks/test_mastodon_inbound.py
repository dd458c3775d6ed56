"""Mastodon notifications → inbound items, and the ``min_id`` cursor that never repeats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.networks.test_mastodon_connector import ACCOUNT_ID, FakeInstance, load, query

ROUTE = "GET /api/v1/notifications"


@pytest.fixture
def instance() -> FakeInstance:
    return FakeInstance()


def newer_than(pages: dict[str, list]):
    """Answer like the server: notifications immediately newer than ``min_id``."""

    def handle(request):
        cursor = query(request).get("min_id", [""])[0]
        limit = int(query(request).get("limit", ["40"])[0])
        everything = sorted(
            (n for page in pages.values() for n in page), key=lambda n: (len(n["id"]), n["id"])
        )
        newer = [
            n for n in everything if not cursor or (len(n["id"]), n["id"]) > (len(cursor), cursor)
        ]
        chosen = newer[:limit] if cursor else newer[-limit:]
        return 200, list(reversed(chosen))  # newest first

    return handle


def test_first_poll_maps_every_kind_oldest_first(instance):
    instance.routes[ROUTE] = (200, load("notifications.json"))
    page = instance.connector().fetch_inbound()
    kinds = [(item.kind, item.remote_id) for item in page.items]
    assert kinds == [
        ("reply", "113521000000000010"),
        ("like", "notification/34975862"),
        ("dm", "113521000000000020"),
        ("mention", "113521000000000030"),
        ("repost", "notification/34975867"),
        ("follow", "notification/34975870"),
    ]  # the "status" notification (a subscribed account posting) is skipped
    assert page.cursor == "34975870"
    reply, like, dm, mention, _repost, follow = page.items
    assert reply.text == "@cafe_tribune Vous ouvrez à quelle heure ?"
    assert reply.in_reply_to == "113520480000000002"
    assert reply.url == "https://jazz.example/@bob/113521000000000010"
    assert reply.author.handle == "bob@jazz.example" and reply.author.followers == 87
    assert reply.author.bio == "Amateur de jazz"
    assert reply.created_at == datetime(2025, 3, 14, 11, 0, tzinfo=UTC)
    assert like.in_reply_to == "113520480000000002" and like.author.display_name == "Bob"
    assert dm.text.endswith("Je peux réserver pour 6 ?")
    assert mention.in_reply_to == "" and follow.author.handle == "lea"
    assert reply.raw["type"] == "mention" and reply.raw["id"] == "34975861"
    request = instance.called(ROUTE)[0]
    assert "min_id" not in query(request)
    assert set(query(request)["types[]"]) == {"mention", "quote", "reblog", "favourite", "follow"}


def test_two_polls_never_repeat_an_item(instance):
    pages = {"first": load("notifications.json")}
    instance.routes[ROUTE] = newer_than(pages)
    connector = instance.connector()
    first = connector.fetch_inbound()
    pages["later"] = load("notifications_later.json")
    second = connector.fetch_inbound(first.cursor)
    third = connector.fetch_inbound(second.cursor)
    ids_first = {i.remote_id for i in first.items}
    ids_second = [i.remote_id for i in second.items]
    assert ids_second == ["notification/34975880", "113522000000000050"]
    assert not ids_first & set(ids_second)
    assert third.items == [] and third.cursor == second.cursor == "34975890"
    assert query(instance.called(ROUTE)[1])["min_id"] == ["34975870"]


def test_a_small_limit_hands_out_the_rest_next_time(instance):
    pages = {"all": load("notifications.json") + load("notifications_later.json")}
    instance.routes[ROUTE] = newer_than(pages)
    connector = instance.connector()
    seen: list[str] = []
    cursor = "34975800"  # an older cursor: everything after it is new
    for _ in range(6):
        page = connector.fetch_inbound(cursor, limit=2)
        seen += [i.remote_id for i in page.items]
        cursor = page.cursor
    assert len(seen) == len(set(seen)) == 8  # 9 notifications, one "status" skipped
    assert seen[-1] == "113522000000000050"


def test_quote_notifications(instance):
    quoting = load("notifications_later.json")[0]
    quoting = {
        **quoting,
        "id": "34975900",
        "type": "quote",
        "status": {
            **quoting["status"],
            "quote": {"state": "accepted", "quoted_status": {"id": "113520480000000002"}},
        },
    }
    instance.routes[ROUTE] = (200, [quoting])
    (item,) = instance.connector().fetch_inbound("34975890").items
    assert item.kind == "quote" and item.in_reply_to == "113520480000000002"


def test_reply_is_told_from_mention_by_the_account_id(instance):
    instance.routes[ROUTE] = (200, load("notifications.json")[-1:])
    connector = instance.connector()
    assert connector.account_id == ACCOUNT_ID
    assert connector.fetch_inbound().items[0].kind == "reply"
