"""A real local Bluesky network (``@atproto/dev-env``) for integration tests.

``running_network()`` installs the peer if needed (``scripts/peers/install_bluesky.sh``),
creates a fresh PostgreSQL database, starts ``network.mjs`` on free ports, waits for it,
yields its URLs, then stops the process group and drops the database.

Environment:
- ``TRIBUNE_PEERS_POSTGRES_URL``: a PostgreSQL URL allowed to create databases
  (default ``postgresql://postgres@127.0.0.1:5432/postgres``);
- ``TRIBUNE_PEERS_REDIS``: Redis ``host:port`` (default ``127.0.0.1:6379``);
- ``TRIBUNE_PEERS_CACHE``: where peers are installed (default ``<repo>/.cache/peers``).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.peers.process import stop as _stop
from tests.peers.process import tail as _tail

ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = ROOT / "scripts" / "peers" / "install_bluesky.sh"
NETWORK_SCRIPT = Path(__file__).resolve().parent / "network.mjs"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "127.0.0.1:6379"
PASSWORD = "tribune-test-password"


class PeerUnavailable(RuntimeError):
    """The peer cannot be installed or its services are missing (environment problem)."""


class PeerStartFailed(RuntimeError):
    """The peer was installed but did not start (a bug, a port clash, a timeout)."""


@dataclass(frozen=True)
class BlueskyNetwork:
    pds_url: str
    appview_url: str
    plc_url: str
    database: str
    log_path: Path
    start_seconds: float


def cache_dir() -> Path:
    return Path(os.environ.get("TRIBUNE_PEERS_CACHE") or ROOT / ".cache" / "peers") / "bluesky"


def install(timeout: float = 900) -> Path:
    """Run the idempotent installer; return the Node 22 binary."""
    try:
        done = subprocess.run(
            ["bash", str(INSTALL_SCRIPT), "--print-node"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PeerUnavailable(f"Bluesky peer install did not finish: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise PeerUnavailable(f"Bluesky peer install failed ({INSTALL_SCRIPT.name}):\n{tail}")
    return Path(done.stdout.strip().splitlines()[-1])


def _check_tcp(host: str, port: int, what: str) -> None:
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError as exc:
        raise PeerUnavailable(f"{what} is not reachable at {host}:{port} ({exc}).") from exc


def _admin_sql(admin_url: str, statement: str) -> None:
    import psycopg

    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(statement)
    except psycopg.OperationalError as exc:
        raise PeerUnavailable(f"PostgreSQL refused {statement.split()[0]}: {exc}") from exc


def _database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _wait_ready(proc: subprocess.Popen, log_path: Path, timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        for line in text.splitlines():
            if line.startswith("READY "):
                return dict(part.split("=", 1) for part in line.split()[1:])
        if proc.poll() is not None:
            hint = " (a port is already in use)" if "PORT IN USE" in text else ""
            raise PeerStartFailed(
                f"Bluesky network exited with code {proc.returncode}{hint}. "
                f"Log tail ({log_path}):\n{_tail(log_path)}"
            )
        time.sleep(0.2)
    raise PeerStartFailed(
        f"Bluesky network not READY after {timeout:.0f} s. Log tail ({log_path}):\n"
        f"{_tail(log_path)}"
    )


@contextmanager
def running_network(ready_timeout: float = 60) -> Iterator[BlueskyNetwork]:
    """Install if needed, start a fresh network, yield its URLs, stop and clean up."""
    node = install()
    admin_url = os.environ.get("TRIBUNE_PEERS_POSTGRES_URL") or DEFAULT_POSTGRES
    redis = os.environ.get("TRIBUNE_PEERS_REDIS") or DEFAULT_REDIS
    pg = urlsplit(admin_url)
    _check_tcp(pg.hostname or "127.0.0.1", pg.port or 5432, "PostgreSQL")
    redis_host, _, redis_port = redis.rpartition(":")
    _check_tcp(redis_host, int(redis_port), "Redis")

    database = f"atp_test_{secrets.token_hex(4)}"
    _admin_sql(admin_url, f'CREATE DATABASE "{database}"')
    log_dir = Path(tempfile.mkdtemp(prefix="tribune-bluesky-"))
    log_path = log_dir / "network.log"
    env = {
        **os.environ,
        "ATP_DIR": str(cache_dir() / "atp"),
        "DB_POSTGRES_URL": _database_url(admin_url, database),
        "REDIS_HOST": redis,
        "NODE_NO_WARNINGS": "1",
    }
    started = time.monotonic()
    proc = None
    try:
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [str(node), str(NETWORK_SCRIPT)],
                cwd=log_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: we stop exactly what we started
            )
        urls = _wait_ready(proc, log_path, ready_timeout)
        yield BlueskyNetwork(
            pds_url=urls["pds"],
            appview_url=urls["appview"],
            plc_url=urls["plc"],
            database=database,
            log_path=log_path,
            start_seconds=time.monotonic() - started,
        )
    finally:
        if proc is not None:
            _stop(proc)
        _admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- accounts ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TestAccount:
    __test__ = False  # not a pytest class

    handle: str
    did: str
    password: str
    access_jwt: str
    refresh_jwt: str


def create_account(network: BlueskyNetwork, name: str) -> TestAccount:
    """Create an account on the PDS (handles must end in ``.test``)."""
    from atproto import Client, models

    handle = f"{name}-{secrets.token_hex(3)}.test"
    client = Client(base_url=network.pds_url)
    created = client.com.atproto.server.create_account(
        models.ComAtprotoServerCreateAccount.Data(
            handle=handle, email=f"{handle}@example.com", password=PASSWORD
        )
    )
    return TestAccount(handle, created.did, PASSWORD, created.access_jwt, created.refresh_jwt)


def logged_in_client(network: BlueskyNetwork, account: TestAccount, attempts: int = 40):
    """An SDK client for acting as another user (likes, replies) in tests.

    Right after ``create_account`` the AppView may not know the profile yet: retry.
    """
    from atproto import Client

    last: Exception | None = None
    for _ in range(attempts):
        client = Client(base_url=network.pds_url)
        try:
            client.login(account.handle, account.password)
            return client
        except Exception as exc:  # noqa: BLE001 - indexing lag, retried below
            last = exc
            time.sleep(0.25)
    raise RuntimeError(f"could not log in as {account.handle}: {last}")
