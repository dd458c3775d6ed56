"""Fault scenarios on ``tribune linkserver``: the process killed (``SIGKILL``) with clicks
still buffered, and PostgreSQL unreachable under it (a TCP proxy between the server and
the database, cut then restored). Every 302 answered must end up as exactly one row, the
link's counter equal to the non-bot rows. PostgreSQL only (the link server refuses SQLite).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.processes import database_url
from tests.publishing.linkserverlib import (
    counter,
    get,
    linkserver,
    make_link,
    needs_postgres,
    tclid,
    wait_rows,
)
from tribune.publishing import links

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def _click(port: int, code: str, agent: str = "Mozilla/5.0") -> int | None:
    answer = get(port, f"/l/{code}", User_Agent=agent)
    assert answer.status == 302, answer.status
    return links.click_pk(tclid(answer.headers["location"]))


def _clicks(port: int, code: str, n: int) -> list[int | None]:
    with ThreadPoolExecutor(8) as pool:
        return list(
            pool.map(lambda i: _click(port, code, "Googlebot" if i % 10 == 0 else "x"), range(n))
        )


def _check_exactly_once(invariants, link, answered: list[int | None], rows) -> None:  # type: ignore[no-untyped-def]
    ids = [r.pk for r in rows]
    invariants.check("every answered 302 carries a click id", None not in answered)
    invariants.check("no click lost", set(answered) <= set(ids), set(answered) - set(ids))
    invariants.check("no click duplicated", len(ids) == len(set(ids)) == len(answered), len(ids))
    humans = sum(1 for r in rows if r.agent != "bot")
    invariants.check("the counter equals the non-bot rows", counter(link) == humans)


def test_linkserver_killed_with_clicks_buffered(tenants, tmp_path, invariants):
    needs_postgres()
    link = make_link(tenants.brand_a, code="Kill9Lk")
    journal = tmp_path / "journal"
    # A flush interval far longer than the scenario: the clicks stay buffered.
    with linkserver(journal, flush=60) as server:
        answered = _clicks(server.port, link.code, 200)
        invariants.check("clicks were buffered at the kill", len(wait_rows(link, 1, 0.2)) < 200)
        saved = tmp_path / "saved"
        shutil.copytree(journal, saved)
        server.kill()
    invariants.check("the killed process left its journal", any(journal.glob("*.clicks")))
    with linkserver(journal) as server:
        rows = wait_rows(link, 200)
        _check_exactly_once(invariants, link, answered, rows)
        # The same journal again, as if a replay had been cut before its files were
        # deleted: ON CONFLICT keeps it from writing or counting anything twice.
        for path in saved.iterdir():
            if path.suffix == ".clicks":
                shutil.copy(path, journal / path.name.replace("-", "-replay", 1))
        time.sleep(6)  # the server adopts dead journals every 5 s
        rows = wait_rows(link, 201, timeout=1)
        invariants.check(
            "a replayed journal adds nothing", not list(journal.glob("*-replay*.clicks"))
        )
        _check_exactly_once(invariants, link, answered, rows)
        invariants.check("graceful stop exits 0", server.stop() == 0)
    invariants.check("nothing left in the journal", not list(journal.glob("*.clicks")))


class CuttableProxy:
    """A TCP proxy to PostgreSQL: ``cut()`` closes every connection and refuses new ones
    (what a database restart or a network cut looks like to the client)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        assert self.listener is not None
        # shutdown() wakes the thread blocked in accept() (close alone would not, on Linux).
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.conns:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.conns = []


def test_linkserver_with_postgresql_unreachable(tenants, tmp_path, invariants):
    needs_postgres()
    cached = make_link(tenants.brand_a, code="DbDown1")
    uncached = make_link(tenants.brand_a, code="DbDown2")
    from django.db import connection

    s = connection.settings_dict
    proxy = CuttableProxy((s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)))
    url = database_url().replace(f":{s['PORT'] or 5432}/", f":{proxy.port}/")
    with linkserver(tmp_path / "journal", DATABASE_URL=url) as server:
        answered = [_click(server.port, cached.code)]
        invariants.check("the first click is written", len(wait_rows(cached, 1)) == 1)
        proxy.cut()
        answered += _clicks(server.port, cached.code, 60)
        invariants.check("cached codes still redirect with the database down", len(answered) == 61)
        down = get(server.port, f"/l/{uncached.code}")
        invariants.check(
            "an uncached code is 503 with Retry-After",
            down.status == 503 and "retry-after" in down.headers,
            down.status,
        )
        time.sleep(1)
        invariants.check(
            "nothing written while the database is away", len(wait_rows(cached, 2, 0.1)) == 1
        )
        proxy.restore()
        rows = wait_rows(cached, 61, timeout=15)
        _check_exactly_once(invariants, cached, answered, rows)
        invariants.check(
            "the uncached code redirects once the database is back",
            get(server.port, f"/l/{uncached.code}").status == 302,
        )
        invariants.check("graceful stop exits 0", server.stop() == 0)
    proxy.cut()


def test_one_of_two_linkserver_processes_killed(tenants, tmp_path, invariants):
    needs_postgres()
    link = make_link(tenants.brand_a, code="TwoProc")
    journal = tmp_path / "journal"
    with linkserver(journal, flush=60, processes=2) as server:
        deadline = time.monotonic() + 20
        while len(server.children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        before = server.children()
        invariants.check("two processes serve", len(before) == 2, before)
        answered = _clicks(server.port, link.code, 120)
        os.kill(before[0], signal.SIGKILL)  # one child, its clicks still buffered
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            after = server.children()
            if len(after) == 2 and before[0] not in after:
                break
            time.sleep(0.1)
        invariants.check("the parent started another process", len(after) == 2, after)
        answered += _clicks(server.port, link.code, 40)  # served by both again
        invariants.check("graceful stop of the parent exits 0", server.stop() == 0)
    rows = wait_rows(link, 160)
    _check_exactly_once(invariants, link, answered, rows)
    invariants.check("nothing left in the journal", not list(journal.glob("*.clicks")))
