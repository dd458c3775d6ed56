"""Fixtures for network connector tests.

``bluesky_network`` starts one real local Bluesky network per test session (see
docs/testing-peers.md). When the peer cannot be installed it skips loudly, or fails when
``CI`` is set or ``TRIBUNE_REQUIRE_PEERS=1``: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # ``tests.peers`` lives beside the tests, not in the package
    sys.path.insert(0, str(ROOT))

from tests.peers import bluesky as bluesky_peer  # noqa: E402


def peers_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("TRIBUNE_REQUIRE_PEERS") == "1"


def _unavailable(reason: str) -> None:
    if peers_required():
        pytest.fail(f"Peer required (CI or TRIBUNE_REQUIRE_PEERS=1) but unavailable: {reason}")
    message = f"PEER SKIPPED — Bluesky network unavailable: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="session")
def bluesky_network():
    """A running local Bluesky network: ``.pds_url``, ``.appview_url``, ``.plc_url``."""
    try:
        manager = bluesky_peer.running_network()
        network = manager.__enter__()
    except bluesky_peer.PeerUnavailable as exc:
        _unavailable(str(exc))
    # PeerStartFailed propagates: an installed peer that does not start is a real failure.
    try:
        yield network
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def bluesky_accounts(bluesky_network):
    """Two fresh accounts, ``alice`` (the one Tribune manages) and ``bob`` (the audience)."""
    alice = bluesky_peer.create_account(bluesky_network, "alice")
    bob = bluesky_peer.create_account(bluesky_network, "bob")
    return alice, bob
