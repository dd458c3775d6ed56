"""X mentions → inbound items, and the ``since_id`` cursor that never repeats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.networks.test_x_connector import USER_ID, FakeX, load, query

ROUTE = f"GET /2/users/{USER_ID}/mentions"


@pytest.fixture
def fake_x() -> FakeX:
    return FakeX()


def test_first_poll_reads_the_newest_page_and_maps_kinds(fake_x):
    fake_x.routes[ROUTE] = (200, load("mentions_first.json"))
    page = fake_x.connector().fetch_inbound(limit=20)
    assert [(i.kind, i.remote_id) for i in page.items] == [
        ("reply", "1880030000000000010"),
        ("mention", "1880030000000000020"),
        ("quote", "1880030000000000030"),
        ("mention", "1880030000000000040"),  # a reply to someone else that mentions us
    ]
    assert page.cursor == "1880030000000000040"
    reply, mention, quote, other = page.items
    assert reply.in_reply_to == "1880028106020515840" and reply.root_id == "1880028106020515840"
    assert reply.author.handle == "bob_jazz" and reply.author.followers == 87
    assert reply.url == "https://x.com/bob_jazz/status/1880030000000000010"
    assert reply.created_at == datetime(2025, 3, 14, 11, 0, tzinfo=UTC)
    assert mention.in_reply_to == "" and mention.author.display_name == "Léa"
    assert quote.in_reply_to == "1880028106020515840"
    assert other.in_reply_to == "1880030000000000020"
    assert reply.raw["id"] == "1880030000000000010"
    params = query(fake_x.called(ROUTE)[0])
    assert "since_id" not in params and params["max_results"] == ["20"]
    assert params["expansions"] == ["author_id"]


def test_next_polls_walk_every_page_since_the_cursor_and_never_repeat(fake_x):
    def answer(request):
        params = query(request)
        if params.get("since_id") == ["1880040000000000070"]:
            return 200, load("mentions_empty.json")
        if params.get("pagination_token") == ["7140dibdnow9c7btw3z2"]:
            return 200, load("mentions_newer_page2.json")
        if "since_id" in params:
            return 200, load("mentions_newer_page1.json")
        return 200, load("mentions_first.json")

    fake_x.routes[ROUTE] = answer
    connector = fake_x.connector()
    first = connector.fetch_inbound()
    second = connector.fetch_inbound(first.cursor)
    third = connector.fetch_inbound(second.cursor)
    assert [i.remote_id for i in second.items] == [
        "1880040000000000050",
        "1880040000000000060",
        "1880040000000000070",
    ]
    assert not {i.remote_id for i in first.items} & {i.remote_id for i in second.items}
    assert third.items == [] and third.cursor == second.cursor == "1880040000000000070"
    assert query(fake_x.called(ROUTE)[1])["since_id"] == [first.cursor]


def test_a_small_limit_hands_out_the_oldest_and_the_rest_next_time(fake_x):
    newer = [load("mentions_newer_page1.json"), load("mentions_newer_page2.json")]

    def answer(request):
        since = int(query(request)["since_id"][0])
        page = newer[1] if query(request).get("pagination_token") else newer[0]
        data = [t for t in page["data"] if int(t["id"]) > since]
        next_token = page["meta"].get("next_token") if data else None
        return 200, {**page, "data": data, "meta": {"next_token": next_token}}

    fake_x.routes[ROUTE] = answer
    connector = fake_x.connector()
    first = connector.fetch_inbound("1880030000000000040", limit=2)
    second = connector.fetch_inbound(first.cursor, limit=2)
    assert [i.remote_id for i in first.items] == ["1880040000000000050", "1880040000000000060"]
    assert [i.remote_id for i in second.items] == ["1880040000000000070"]
