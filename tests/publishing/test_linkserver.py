"""``tribune linkserver`` (tribune/publishing/linkserver.py), a real process on the test
database: the Django view's answer, every click written once by the batch flusher, and a
server that stays up whatever a client sends. PostgreSQL only (the SQLite run checks the
command refuses with a clear message)."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from tests.publishing.linkserverlib import (
    TARGET,
    Answer,
    clicks_of,
    counter,
    get,
    linkserver,
    make_link,
    needs_postgres,
    read_answers,
    request,
    tclid,
    wait_rows,
)
from tribune.core.scope import unscoped
from tribune.publishing import links
from tribune.publishing.clickjournal import Click, dedupe
from tribune.publishing.clickstore import ClickStore
from tribune.publishing.models import TrackedLink

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def link(tenants):  # type: ignore[no-untyped-def]
    return make_link(tenants.brand_a)


@pytest.fixture
def server(tmp_path):  # type: ignore[no-untyped-def]
    needs_postgres()
    with linkserver(tmp_path / "journal") as running:
        yield running


def test_refuses_to_run_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("linkserver", "--processes=1")


def test_redirect_records_the_click_with_its_signed_id(server, link, tenants):
    answer = get(
        server.port,
        f"/l/{link.code}",
        User_Agent="Mozilla/5.0 (iPhone)",
        Referer="https://t.co/abc",
    )
    assert answer.status == 302, server.tail()
    location = answer.headers["location"]
    assert location.startswith(TARGET + "&" + links.CLICK_PARAM + "=")
    (row,) = wait_rows(link, 1)
    assert links.click_pk(tclid(location)) == row.pk
    assert location == links.with_click_id(TARGET, row.pk)
    assert (row.agent, row.referrer_host, row.brand_id) == ("mobile", "t.co", tenants.brand_a.pk)
    assert counter(link) == 1


def test_bots_logged_not_counted_unknown_404_bad_host_400(server, link):
    assert get(server.port, f"/l/{link.code}", User_Agent="Googlebot/2.1").status == 302
    assert get(server.port, "/l/Nope404").status == 404
    assert get(server.port, f"/l/{link.code}", Host="evil.example").status == 400
    assert get(server.port, "/l/bad-shape!").status == 404
    assert get(server.port, "/admin/").status == 404
    (post,) = request(server.port, f"POST /l/{link.code} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert post.status == 405 and post.headers["allow"] == "GET, HEAD"
    (row,) = wait_rows(link, 1)
    assert row.agent == "bot"
    assert counter(link) == 0


@pytest.mark.parametrize("language", ["", "en"])
def test_same_headers_as_the_django_view(server, link, language):
    extra = {"Accept_Language": language} if language else {}
    served = get(server.port, f"/l/{link.code}", User_Agent="Mozilla/5.0 (X11)", **extra)
    django = Client().get(
        f"/l/{link.code}",
        HTTP_USER_AGENT="Mozilla/5.0 (X11)",
        **({"HTTP_ACCEPT_LANGUAGE": language} if language else {}),
    )
    assert served.status == django.status_code == 302
    ignored = {"date", "location", "expires", "connection"}
    ours = {k: v for k, v in served.headers.items() if k not in ignored}
    theirs = {k.lower(): v for k, v in django.headers.items() if k.lower() not in ignored}
    assert ours == theirs
    assert "expires" in served.headers and "date" in served.headers


def test_garbage_and_oversized_requests_are_answered_and_the_server_lives(server, link):
    (garbage,) = request(server.port, b"\x00\xff\xfe nonsense\r\n\r\n")
    assert garbage.status == 400
    (no_colon,) = request(server.port, "GET /l/x HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")
    assert no_colon.status == 400
    (version,) = request(server.port, "GET /l/x HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n")
    assert version.status == 400
    (chunked,) = request(
        server.port,
        "GET /l/x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert chunked.status == 400
    (huge,) = request(server.port, "GET /l/x HTTP/1.1\r\nX-Big: " + "a" * 20000)
    assert huge.status == 431
    (huge_body,) = request(
        server.port, "GET /l/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999\r\n\r\n"
    )
    assert huge_body.status == 413
    with socket.create_connection(("127.0.0.1", server.port)) as half:
        half.sendall(b"GET /l/")  # a half-sent request left open while others are served
        assert get(server.port, f"/l/{link.code}").status == 302
    assert server.proc.poll() is None


def test_keep_alive_and_pipelined_requests_in_order(server, link):
    host = "Host: 127.0.0.1\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(f"GET /l/{link.code} HTTP/1.1\r\n{host}\r\n".encode())
        (first,) = read_answers(sock, 1)
        pipeline = (
            f"GET /l/Unknown1 HTTP/1.1\r\n{host}\r\n"  # a lookup holds the ones behind it
            f"HEAD /l/{link.code} HTTP/1.1\r\n{host}\r\n"
            f"GET /l/{link.code}?utm=1 HTTP/1.1\r\n{host}User-Agent: bot\r\n\r\n"
            f"GET /l/{link.code} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
        )
        sock.sendall(pipeline.encode())
        answers: list[Answer] = read_answers(sock, 4, head_only=(1,))
        assert sock.recv(10) == b""  # closed after Connection: close
    assert [first.status] + [a.status for a in answers] == [302, 404, 302, 302, 302]
    assert answers[1].body == b""
    assert answers[3].headers["connection"] == "close"
    ids = [links.click_pk(tclid(a.headers["location"])) for a in (first, *answers[1:])]
    assert len(set(ids)) == 4
    rows = wait_rows(link, 4)
    assert sorted(r.pk for r in rows) == sorted(ids)
    assert counter(link) == 3  # the bot is logged, not counted


def test_concurrent_clicks_all_recorded_exactly_once(server, link):
    def hit(_i: int) -> str:
        answer = get(server.port, f"/l/{link.code}", User_Agent="Mozilla/5.0")
        assert answer.status == 302
        return tclid(answer.headers["location"])

    with ThreadPoolExecutor(16) as pool:
        ids = [links.click_pk(t) for t in pool.map(hit, range(400))]
    assert len(set(ids)) == 400
    rows = wait_rows(link, 400)
    assert sorted(r.pk for r in rows) == sorted(ids)  # type: ignore[type-var]
    assert counter(link) == 400
    assert server.stop() == 0
    assert len(clicks_of(link)) == 400


def test_journal_lines_round_trip_and_replay_keeps_one_copy():
    odd = Click("", 7, 1, 2, 1_700_000_000_000_001, "desktop", 'a\tb"c')
    assert Click.parse(odd.line().rstrip(b"\n")) == odd
    late = Click("owner:3", None, 1, 2, 5, "bot", "")
    assigned = Click("owner:3", 99, 1, 2, 5, "bot", "")
    kept = dedupe([late, odd, assigned, late, odd])
    assert sorted(c.id for c in kept) == [7, 99]  # type: ignore[type-var]


def test_clicks_without_a_reserved_id_and_a_dead_journal_are_written_once(link, tmp_path):
    """In process: no id reserved ahead (as after a long outage), and a dead process's
    journal holding a click twice — taken without an id, then journaled with one."""
    needs_postgres()
    journal = tmp_path / "journal"
    journal.mkdir()
    store = ClickStore(journal, reserve=0, adopt_every=0.1)
    (known,) = store._reserve(1)
    brand = link.brand_id
    dead = [
        Click("999-dead:1", None, link.pk, brand, 1_700_000_000_000_000, "mobile", "t.co"),
        Click("999-dead:1", known, link.pk, brand, 1_700_000_000_000_000, "mobile", "t.co"),
        Click("999-dead:2", None, link.pk, brand, 1_700_000_000_000_001, "bot", ""),
    ]
    (journal / "999-dead.00000000.clicks").write_bytes(b"".join(c.line() for c in dead))
    store.start()
    assert [store.record(link.pk, brand, "desktop", "") for _ in range(3)] == [None] * 3
    rows = wait_rows(link, 5)
    assert store.stop() is True
    assert len(clicks_of(link)) == 5 and known in {r.pk for r in rows}
    assert counter(link) == 4  # the bot is not counted
    assert not list(journal.iterdir())  # every segment and lock file gone


def test_same_headers_as_the_django_view_over_https_behind_the_proxy(link, tmp_path, settings):
    needs_postgres()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    proxy_env = {"TRIBUNE_BEHIND_PROXY": "true", "TRIBUNE_SITE_URL": "https://tribune.test"}
    with linkserver(tmp_path / "journal", **proxy_env) as server:
        served = get(server.port, f"/l/{link.code}", X_Forwarded_Proto="https")
        plain = get(server.port, f"/l/{link.code}")
    django = Client().get(f"/l/{link.code}", HTTP_X_FORWARDED_PROTO="https")
    ignored = {"date", "location", "expires", "connection"}
    ours = {k: v for k, v in served.headers.items() if k not in ignored}
    theirs = {k.lower(): v for k, v in django.headers.items() if k.lower() not in ignored}
    assert ours == theirs
    assert "strict-transport-security" in ours
    assert "strict-transport-security" not in plain.headers  # HSTS only over HTTPS


def test_a_deleted_link_stops_redirecting_within_the_cache_time(link, tmp_path):
    needs_postgres()
    journal = tmp_path / "journal"
    with linkserver(journal, flush=60, args=("--cache-seconds=3",)) as server:
        assert get(server.port, f"/l/{link.code}").status == 302  # cached, click buffered
        with unscoped():
            TrackedLink.objects.filter(pk=link.pk).delete()
        assert get(server.port, f"/l/{link.code}").status == 302  # from the cache
        time.sleep(3.5)
        assert get(server.port, f"/l/{link.code}").status == 404
        # The clicks on the deleted link are dropped with it, not retried for ever.
        assert server.stop() == 0
    assert not list(journal.glob("*.clicks"))
    assert "left in the journal" not in server.tail()


def test_each_process_reports_itself_for_metrics_until_it_stops(tmp_path, link):
    """The flusher writes its row (clicks written, clicks waiting) after its database
    writes; ``/metrics`` shows it; a graceful stop removes it."""
    from tribune.publishing.models import LinkServerBeat

    needs_postgres()
    with linkserver(tmp_path / "journal") as running:
        for _ in range(3):
            assert get(running.port, f"/l/{link.code}", User_Agent="Mozilla/5.0").status == 302
        wait_rows(link, 3)
        deadline = time.monotonic() + 15  # a row every 5 s at most
        while True:
            beat = LinkServerBeat.objects.filter(clicks_written__gte=3).first()
            if beat is not None or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert beat is not None, running.tail()
        assert beat.pid in running.children() or beat.pid == running.proc.pid
        assert beat.clicks_buffered == 0
        body = Client().get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
        assert "tribune_linkserver_processes 1" in body
        assert f'tribune_linkserver_clicks_written_total{{server="{beat.server_id}"}}' in body
        assert running.stop() == 0
    assert not LinkServerBeat.objects.exists()
