"""A real local XMPP server (Debian's prosody) for chat-alert tests.

``running_server()`` installs prosody if needed (``scripts/peers/install_prosody.sh``),
writes a config in a temporary directory (virtual host ``localhost``, client port on a free
127.0.0.1 port, no server-to-server, no HTTP, plain authentication allowed because the
stream never leaves loopback), starts ``prosody`` in its own process group, waits for the
port, yields it, stops the group and removes the directory. ``register(server, "ana")``
creates an account with ``prosodyctl register``. ``read_messages(...)`` logs in as a
user with slixmpp and returns the chat messages the server hands over (offline ones too).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.peers.process import free_port

ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = ROOT / "scripts" / "peers" / "install_prosody.sh"
PASSWORD = "tribune-test-password"


class PeerUnavailable(RuntimeError):
    """prosody cannot be installed (no apt-get, no root)."""


class PeerStartFailed(RuntimeError):
    """prosody was installed but did not start."""


@dataclass(frozen=True)
class XmppServer:
    host: str
    port: int
    domain: str
    config_path: Path
    log_path: Path


def install(timeout: float = 600) -> Path:
    try:
        done = subprocess.run(
            ["bash", str(INSTALL_SCRIPT), "--print-bin"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PeerUnavailable(f"prosody install did not finish: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise PeerUnavailable(f"prosody install failed ({INSTALL_SCRIPT.name}):\n{tail}")
    return Path(done.stdout.strip().splitlines()[-1])


def _config(workdir: Path, port: int) -> str:
    user = "root" if os.geteuid() == 0 else os.environ.get("USER", "")
    run_as = f'prosody_user = "{user}"\nprosody_group = "{user}"\nrun_as_root = true\n'
    return f"""-- written by tests/peers/prosody.py
daemonize = false
{run_as if os.geteuid() == 0 else ""}pidfile = "{workdir}/prosody.pid"
data_path = "{workdir}/data"
certificates = "{workdir}/certs"
log = {{ info = "{workdir}/prosody.log" }}
c2s_ports = {{ {port} }}
c2s_interfaces = {{ "127.0.0.1" }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
component_ports = {{ }}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
modules_enabled = {{ "roster"; "saslauth"; "disco"; "offline"; "ping"; "posix" }}
modules_disabled = {{ "s2s"; "tls" }}
VirtualHost "localhost"
"""


def _prosodyctl(server: XmppServer, *args: str) -> None:
    done = subprocess.run(
        ["prosodyctl", "--config", str(server.config_path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise PeerStartFailed(f"prosodyctl {' '.join(args[:2])} failed: {done.stderr[-1500:]}")


@contextmanager
def running_server(ready_timeout: float = 30) -> Iterator[XmppServer]:
    binary = install()
    workdir = Path(tempfile.mkdtemp(prefix="tribune-prosody-"))
    (workdir / "data").mkdir()
    (workdir / "certs").mkdir()
    port = free_port()
    config = workdir / "prosody.cfg.lua"
    config.write_text(_config(workdir, port))
    log_path = workdir / "prosody.out"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(binary), "--config", str(config)],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise PeerStartFailed(
                    f"prosody exited with code {proc.returncode}:\n"
                    f"{log_path.read_text(errors='replace')[-2000:]}"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise PeerStartFailed(
                        f"prosody not listening after {ready_timeout:.0f} s"
                    ) from None
                time.sleep(0.1)
        yield XmppServer("127.0.0.1", port, "localhost", config, log_path)
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        shutil.rmtree(workdir, ignore_errors=True)


def register(server: XmppServer, localpart: str) -> str:
    """Create ``localpart@localhost`` with the test password; returns the JID."""
    _prosodyctl(server, "register", localpart, server.domain, PASSWORD)
    return f"{localpart}@{server.domain}"


def read_messages(
    server: XmppServer, jid: str, expect: int = 1, timeout: float = 10
) -> list[dict[str, str]]:
    """Log in as ``jid`` and collect chat messages (offline ones are delivered at login)
    until ``expect`` arrived or ``timeout`` passed."""
    import slixmpp

    got: list[dict[str, str]] = []

    async def run() -> None:
        done = asyncio.Event()
        client = slixmpp.ClientXMPP(jid, PASSWORD)
        client.enable_direct_tls = False
        client.enable_plaintext = True
        client.plugin["feature_mechanisms"].unencrypted_plain = True

        async def on_start(_event: object) -> None:
            client.send_presence()  # offline messages are flushed on available presence

        def on_message(message: object) -> None:
            if message["type"] in ("chat", "normal"):  # type: ignore[index]
                got.append(
                    {
                        "id": message["id"],  # type: ignore[index]
                        "from": str(message["from"].bare),  # type: ignore[index]
                        "body": message["body"],  # type: ignore[index]
                        "thread": message["thread"],  # type: ignore[index]
                    }
                )
                if len(got) >= expect:
                    done.set()

        client.add_event_handler("session_start", on_start)
        client.add_event_handler("message", on_message)
        client.connect(server.host, server.port)
        with suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout)
        await client.disconnect(wait=1.0)

    asyncio.run(run())
    return got
