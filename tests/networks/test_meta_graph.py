"""The Graph API client and its error mapping, and the shared time cursor
(HTTP stubbed with ``httpx.MockTransport``, answers recorded from Meta's documentation)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from tribune.networks import meta
from tribune.networks.base import (
    AuthExpired,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.meta.cursor import TimeCursor
from tribune.networks.meta.graph import GRAPH_VERSION, Graph

FIXTURES = Path(meta.__file__).parent / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def error(key: str, status: int = 400, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=load("errors.json")[key], headers=headers)


class FakeGraph:
    """Graph API routes ``"METHOD /path"`` (without the version) → response, callable or
    exception. Unknown routes answer 501 so a stray request shows up."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.host == "graph.facebook.com"
        key = f"{request.method} {request.url.path.removeprefix('/' + GRAPH_VERSION)}"
        answer = self.routes.get(key)
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if answer is None:
            return httpx.Response(501, json={"error": {"message": f"no route {key}"}})
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, dict | list):
            return httpx.Response(200, json=answer)
        return answer

    def called(self, key: str) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if f"{r.method} {r.url.path.removeprefix('/' + GRAPH_VERSION)}" == key
        ]

    def graph(self) -> Graph:
        return Graph("tok", label="Facebook", transport=self.transport, allow_private=True)


def params(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


@pytest.fixture
def fake_graph() -> FakeGraph:
    return FakeGraph()


def test_token_goes_in_the_header_not_the_url(fake_graph):
    fake_graph.routes["GET /me"] = {"id": "1"}
    fake_graph.graph().get("me", fields="id")
    (request,) = fake_graph.requests
    assert request.headers["Authorization"] == "Bearer tok"
    assert "tok" not in str(request.url)


@pytest.mark.parametrize("key", ["page_rate_limit", "app_rate_limit"])
def test_rate_limit_codes_wait_for_the_business_use_case_estimate(fake_graph, key):
    usage = {
        "106123456789012": [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 20,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    fake_graph.routes["GET /me"] = error(
        key, 400, **{"X-Business-Use-Case-Usage": json.dumps(usage)}
    )
    with pytest.raises(RateLimited) as caught:
        fake_graph.graph().get("me")
    assert caught.value.retry_after == 7 * 60


def test_rate_limit_without_an_estimate_waits_ten_minutes(fake_graph):
    fake_graph.routes["GET /me"] = error("page_rate_limit")
    with pytest.raises(RateLimited) as caught:
        fake_graph.graph().get("me")
    assert caught.value.retry_after == 600


@pytest.mark.parametrize("key", ["token_expired", "token_invalid"])
def test_code_190_is_auth_expired(fake_graph, key):
    fake_graph.routes["GET /me"] = error(key, 400)
    with pytest.raises(AuthExpired):
        fake_graph.graph().get("me")


@pytest.mark.parametrize(
    ("key", "permanent", "text"),
    [
        ("permission", True, "permission is missing"),
        ("duplicate", True, "Duplicate status message"),
        ("invalid_parameter", True, "Invalid parameter"),
        ("policy_block", False, "temporarily blocked"),
    ],
)
def test_refusals(fake_graph, key, permanent, text):
    fake_graph.routes["POST /1/feed"] = error(key, 403 if key == "permission" else 400)
    with pytest.raises(Rejected) as caught:
        fake_graph.graph().post("1/feed", {"message": "x"})
    assert caught.value.permanent is permanent and text in caught.value.message
    assert len(caught.value.message) <= 160


def test_transient_errors_are_unavailable(fake_graph):
    fake_graph.routes["POST /1/feed"] = error("transient", 500)
    with pytest.raises(Unavailable):
        fake_graph.graph().post("1/feed", {"message": "x"})


def test_gateway_timeout_on_a_write_is_an_unknown_outcome(fake_graph):
    fake_graph.routes["POST /1/feed"] = httpx.Response(504, text="Gateway Timeout")
    with pytest.raises(UnknownOutcome):
        fake_graph.graph().post("1/feed", {"message": "x"})
    fake_graph.routes["GET /1"] = httpx.Response(504, text="Gateway Timeout")
    with pytest.raises(Unavailable):
        fake_graph.graph().get("1")


def test_read_timeout_after_sending_a_write_is_an_unknown_outcome(fake_graph):
    fake_graph.routes["POST /1/feed"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome, match="may have been published"):
        fake_graph.graph().post("1/feed", {"message": "x"})


def test_read_timeout_on_a_safe_write_or_a_read_is_unavailable(fake_graph):
    fake_graph.routes["POST /1/photos"] = httpx.ReadTimeout("timed out")
    fake_graph.routes["GET /1"] = httpx.ReadTimeout("timed out")
    with pytest.raises(Unavailable):
        fake_graph.graph().post("1/photos", {"published": "false"}, write=False)
    with pytest.raises(Unavailable):
        fake_graph.graph().get("1")


def test_connection_refused_is_unavailable_even_for_a_write(fake_graph):
    fake_graph.routes["POST /1/feed"] = httpx.ConnectError("Connection refused")
    with pytest.raises(Unavailable):
        fake_graph.graph().post("1/feed", {"message": "x"})


def test_no_token_is_auth_expired_without_a_request(fake_graph):
    graph = Graph("", transport=fake_graph.transport, allow_private=True)
    with pytest.raises(AuthExpired):
        graph.get("me")
    assert fake_graph.requests == []


def test_pages_follow_the_after_cursor(fake_graph):
    first = {"data": [{"id": "a"}], "paging": {"cursors": {"after": "X"}, "next": "https://n"}}
    second = {"data": [{"id": "b"}], "paging": {"cursors": {"after": "Y"}}}
    fake_graph.routes["GET /1/feed"] = lambda r: httpx.Response(
        200, json=second if params(r).get("after") == "X" else first
    )
    assert [i["id"] for i in fake_graph.graph().pages("1/feed", max_pages=5)] == ["a", "b"]


# --- the time cursor ----------------------------------------------------------------------
def at(minute: int) -> datetime:
    return datetime(2025, 3, 14, 11, minute, tzinfo=UTC)


def test_time_cursor_hands_out_ties_once_and_keeps_order():
    items = [(at(0), "b"), (at(0), "a"), (at(1), "c"), (at(2), "d")]
    key = lambda i: i  # noqa: E731
    first, cursor = TimeCursor().take(items, key, 2)
    assert first == [(at(0), "a"), (at(0), "b")]
    cursor = TimeCursor.decode(cursor.encode())
    second, cursor = cursor.take(items + [(at(0), "late")], key, 10)
    assert second == [(at(0), "late"), (at(1), "c"), (at(2), "d")]
    third, same = cursor.take(items, key, 10)
    assert third == [] and same == cursor


def test_time_cursor_ignores_what_it_did_not_write():
    assert TimeCursor.decode("not-a-date") == TimeCursor()
    assert TimeCursor().encode() == ""
    assert TimeCursor(at(0) - timedelta(days=1)).is_new(at(0), "x")
