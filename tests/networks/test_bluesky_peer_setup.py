"""The peer set-up itself: the install script's errors and the skip/fail policy."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import nullcontext

import pytest

from tests.peers import bluesky as peer
from tests.peers import peer_unavailable


@pytest.fixture
def no_npm_path(tmp_path):
    """A PATH with bash and coreutils but no node/npm."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    tools = ("bash", "uname", "dirname", "cat", "mkdir", "rm", "date", "tail", "readlink")
    for tool in (*tools, "cksum", "cut", "cmp", "cp", "flock"):
        found = shutil.which(tool)
        if found:
            (bindir / tool).symlink_to(found)
    return str(bindir)


def test_install_without_npm_fails_with_a_clear_message(tmp_path, no_npm_path, monkeypatch):
    monkeypatch.setenv("TRIBUNE_PEERS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", no_npm_path)
    with pytest.raises(peer.PeerUnavailable, match="npm is not on PATH"):
        peer.install(timeout=30)


@pytest.mark.parametrize(
    ("env", "outcome"),
    [
        ({}, pytest.skip.Exception),
        ({"CI": "true"}, pytest.fail.Exception),
        ({"TRIBUNE_REQUIRE_PEERS": "1"}, pytest.fail.Exception),
    ],
)
def test_unavailable_peer_skips_locally_and_fails_in_ci(monkeypatch, env, outcome):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TRIBUNE_REQUIRE_PEERS", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    skipping = outcome is pytest.skip.Exception
    loud = pytest.warns(UserWarning, match="PEER SKIPPED") if skipping else nullcontext()
    with pytest.raises(outcome, match="unavailable: no node"), loud:
        peer_unavailable("Bluesky network", "no node")


@pytest.mark.peer
def test_install_is_a_fast_no_op_once_installed(bluesky_network):
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(peer.INSTALL_SCRIPT), "--print-node"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert time.monotonic() - started < 5
    node = done.stdout.strip()
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("v22.")


@pytest.mark.peer
def test_a_taken_port_fails_with_a_clear_message_and_cleans_up(monkeypatch):
    try:
        peer.install()
    except peer.PeerUnavailable as exc:
        peer_unavailable("Bluesky network", str(exc))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("ATP_PDS_PORT", str(taken.getsockname()[1]))
        expected = pytest.raises(peer.PeerStartFailed, match="port is already in use")
        with expected as caught, peer.running_network(ready_timeout=60):
            pass
    assert "EADDRINUSE" in str(caught.value)  # the log tail is in the message
