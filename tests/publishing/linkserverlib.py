"""Helpers for the tests of ``tribune linkserver``: start it as a real process on the test
database, talk raw HTTP/1.1 to it, wait for its batched writes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

from tests.processes import ROOT, TRIBUNE, env, free_port
from tribune.core.scope import brand_scope, unscoped
from tribune.publishing import links
from tribune.publishing.models import LinkClick, TrackedLink

TARGET = "https://shop.example/p?utm_source=sandbox&utm_campaign=c"


def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the link server needs PostgreSQL (the SQLite run checks it refuses)")


def make_link(brand, code: str = "Srv1Lnk", target: str = TARGET) -> TrackedLink:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return TrackedLink.objects.create(
            brand=brand,
            code=code,
            original_url="https://shop.example/p",
            target_url=target,
            network="sandbox",
            campaign="c",
        )


@dataclass
class Server:
    port: int
    proc: subprocess.Popen  # type: ignore[type-arg]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)


@contextmanager
def linkserver(
    journal: Path,
    *,
    flush: float = 0.05,
    port: int | None = None,
    processes: int = 1,
    args: tuple[str, ...] = (),
    **environ: str,
) -> Iterator[Server]:
    """A link server (one process unless told) on a free port, answering when this yields."""
    port = port or free_port()
    journal.mkdir(parents=True, exist_ok=True)
    log = journal.parent / f"linkserver-{port}-{time.monotonic_ns()}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                *TRIBUNE,
                "linkserver",
                f"--bind=127.0.0.1:{port}",
                f"--processes={processes}",
                f"--journal-dir={journal}",
                f"--flush-interval={flush}",
                *args,
            ],
            cwd=ROOT,
            env=env(**environ),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, proc, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(port, "GET /l/none HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"link server did not start\n{server.tail()}")
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    names: list[str]
    body: bytes


def read_answers(sock: socket.socket, count: int, head_only: tuple[int, ...] = ()) -> list[Answer]:
    """``count`` responses read off ``sock`` (bodies by Content-Length; none after HEAD,
    whose positions are in ``head_only``)."""
    data = b""
    answers: list[Answer] = []
    sock.settimeout(5)
    while len(answers) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            lines = data[:end].decode("latin-1").split("\r\n")
            pairs = [line.split(": ", 1) for line in lines[1:]]
            headers = {k.lower(): v for k, v in pairs}
            length = 0 if len(answers) in head_only else int(headers.get("content-length", 0))
            if len(data) >= end + 4 + length:
                body = data[end + 4 : end + 4 + length]
                answers.append(Answer(int(lines[0].split()[1]), headers, sorted(headers), body))
                data = data[end + 4 + length :]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return answers


def request(port: int, raw: str | bytes, count: int = 1) -> list[Answer]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw.encode("latin-1") if isinstance(raw, str) else raw)
        return read_answers(sock, count)


def get(port: int, path: str, **headers: str) -> Answer:
    lines = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    if "Host" not in headers:
        lines = "Host: 127.0.0.1\r\n" + lines
    (answer,) = request(port, f"GET {path} HTTP/1.1\r\n{lines}Connection: close\r\n\r\n")
    return answer


def tclid(location: str) -> str:
    return parse_qs(urlsplit(location).query)[links.CLICK_PARAM][0]


def clicks_of(link: TrackedLink) -> list[LinkClick]:
    with unscoped():
        return list(LinkClick.objects.filter(link_id=link.pk).order_by("pk"))


def counter(link: TrackedLink) -> int:
    with unscoped():
        return TrackedLink.objects.get(pk=link.pk).clicks


def wait_rows(link: TrackedLink, expected: int, timeout: float = 10.0) -> list[LinkClick]:
    deadline = time.monotonic() + timeout
    while True:
        rows = clicks_of(link)
        if len(rows) >= expected or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)
