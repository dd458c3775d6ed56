"""A real local Matrix homeserver (Synapse from PyPI) for chat-alert tests.

``running_homeserver()`` installs Synapse in its own venv if needed
(``scripts/peers/install_synapse.sh``), generates a config in a temporary directory
(server name ``localhost``, SQLite, one client listener on a free 127.0.0.1 port, no
federation key servers, rate limits raised), starts it in its own process group, waits for
``/_matrix/client/versions``, yields it, then stops the group and removes the directory.

``register(server, "alice")`` creates a user with ``register_new_matrix_user`` (shared
secret) and logs in: ``MatrixUser(user_id, access_token)``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.peers.process import free_port
from tests.peers.process import stop as _stop
from tests.peers.process import tail as _tail

ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = ROOT / "scripts" / "peers" / "install_synapse.sh"
PASSWORD = "tribune-test-password"


class PeerUnavailable(RuntimeError):
    """Synapse cannot be installed (environment problem)."""


class PeerStartFailed(RuntimeError):
    """Synapse was installed but did not start."""


@dataclass(frozen=True)
class Homeserver:
    url: str
    server_name: str
    config_path: Path
    python: Path
    log_path: Path
    start_seconds: float


@dataclass(frozen=True)
class MatrixUser:
    user_id: str
    access_token: str


def install(timeout: float = 900) -> Path:
    """Run the idempotent installer; return the venv's python."""
    try:
        done = subprocess.run(
            ["bash", str(INSTALL_SCRIPT), "--print-python"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PeerUnavailable(f"Synapse install did not finish: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise PeerUnavailable(f"Synapse install failed ({INSTALL_SCRIPT.name}):\n{tail}")
    return Path(done.stdout.strip().splitlines()[-1])


_CONFIGURE = r"""
import sys, yaml
path, port, data = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    config = yaml.safe_load(f)
config["listeners"] = [{
    "port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
    "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}],
}]
config["trusted_key_servers"] = []
config["suppress_key_server_warning"] = True
config["enable_registration"] = False
config["report_stats"] = False
config["presence"] = {"enabled": False}
config["url_preview_enabled"] = False
for name in ("rc_message", "rc_registration", "rc_joins", "rc_invites"):
    config[name] = {"per_second": 1000, "burst_count": 1000}
config["rc_login"] = {
    k: {"per_second": 1000, "burst_count": 1000}
    for k in ("address", "account", "failed_attempts")
}
config["rc_invites"] = {
    k: {"per_second": 1000, "burst_count": 1000} for k in ("per_room", "per_user", "per_issuer")
}
config["rc_joins"] = {k: {"per_second": 1000, "burst_count": 1000} for k in ("local", "remote")}
with open(path, "w") as f:
    yaml.safe_dump(config, f)
"""


@contextmanager
def running_homeserver(ready_timeout: float = 60) -> Iterator[Homeserver]:
    python = install()
    workdir = Path(tempfile.mkdtemp(prefix="tribune-synapse-"))
    config = workdir / "homeserver.yaml"
    log_path = workdir / "synapse.out"
    port = free_port()
    started = time.monotonic()
    generate = subprocess.run(
        [
            str(python),
            "-m",
            "synapse.app.homeserver",
            "--server-name",
            "localhost",
            "--config-path",
            str(config),
            "--generate-config",
            "--report-stats=no",
            "--data-directory",
            str(workdir / "data"),
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if generate.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        raise PeerStartFailed(f"Synapse --generate-config failed:\n{generate.stderr[-2000:]}")
    subprocess.run(
        [str(python), "-c", _CONFIGURE, str(config), str(port), str(workdir / "data")],
        check=True,
        timeout=60,
    )
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(python), "-m", "synapse.app.homeserver", "-c", str(config)],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise PeerStartFailed(
                    f"Synapse exited with code {proc.returncode}. Log tail ({log_path}):\n"
                    f"{_tail(log_path)}"
                )
            try:
                if httpx.get(f"{url}/_matrix/client/versions", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise PeerStartFailed(
                    f"Synapse not ready after {ready_timeout:.0f} s. Log tail ({log_path}):\n"
                    f"{_tail(log_path)}"
                )
            time.sleep(0.2)
        yield Homeserver(
            url=url,
            server_name="localhost",
            config_path=config,
            python=python,
            log_path=log_path,
            start_seconds=time.monotonic() - started,
        )
    finally:
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def register(server: Homeserver, localpart: str) -> MatrixUser:
    """A new user on the homeserver (shared-secret registration), logged in."""
    done = subprocess.run(
        [
            str(server.python),
            "-m",
            "synapse._scripts.register_new_matrix_user",
            "-u",
            localpart,
            "-p",
            PASSWORD,
            "--no-admin",
            "-c",
            str(server.config_path),
            server.url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise PeerStartFailed(f"register_new_matrix_user {localpart} failed: {done.stderr}")
    response = httpx.post(
        f"{server.url}/_matrix/client/v3/login",
        json={
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": localpart},
            "password": PASSWORD,
        },
        timeout=10,
    )
    response.raise_for_status()
    body = response.json()
    return MatrixUser(user_id=body["user_id"], access_token=body["access_token"])


def api(server: Homeserver, user: MatrixUser, method: str, path: str, **kwargs: object) -> dict:
    """A client-server API call as ``user``; asserts success."""
    response = httpx.request(
        method,
        server.url + path,
        headers={"Authorization": f"Bearer {user.access_token}"},
        timeout=10,
        **kwargs,  # type: ignore[arg-type]
    )
    assert response.status_code < 300, response.text
    return dict(response.json())


def room_messages(server: Homeserver, user: MatrixUser, room_id: str) -> list[dict]:
    """The text messages of a room, oldest first, read by ``user`` (joins if invited)."""
    from urllib.parse import quote

    room = quote(room_id, safe="")
    api(server, user, "POST", f"/_matrix/client/v3/join/{room}", json={})
    data = api(
        server,
        user,
        "GET",
        f"/_matrix/client/v3/rooms/{room}/messages",
        params={"dir": "b", "limit": 50},
    )
    events = [e for e in data["chunk"] if e["type"] == "m.room.message"]
    return list(reversed(events))
