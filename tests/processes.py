"""Start real Tribune processes (workers, web servers) on the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
TRIBUNE = [sys.executable, "-m", "tribune.cli"]


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def env(**extra: str) -> dict[str, str]:
    from django.conf import settings

    # Same secret and keys as this process, so encrypted tokens stay readable.
    base = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "TRIBUNE_ENCRYPTION_KEYS": ",".join(settings.TRIBUNE_ENCRYPTION_KEYS),
    }
    base.update(extra)
    return base


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def processes(
    commands: list[list[str]], environ: dict[str, str], log_dir: Path
) -> Iterator[list[subprocess.Popen]]:
    procs = []
    try:
        for index, args in enumerate(commands):
            log = open(log_dir / f"proc-{index}.log", "wb")  # noqa: SIM115
            procs.append(
                subprocess.Popen(
                    [*TRIBUNE, *args],
                    cwd=ROOT,
                    env=environ,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_http(url: str, timeout: float = 30.0, status: int | None = None) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2)
            if status is None or response.status_code == status:
                return response
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {timeout}s ({last})")


def log_tail(log_dir: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
        for p in sorted(log_dir.glob("proc-*.log"))
    )
