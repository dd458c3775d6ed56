"""Real protocol peers for integration tests, installed and started by the test set-up.

Policy (docs/testing-peers.md): a peer that cannot be installed skips its tests loudly,
except in CI (``CI`` set) or with ``TRIBUNE_REQUIRE_PEERS=1``, where it fails them.
"""

from __future__ import annotations

import os
import warnings

import pytest


def peers_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("TRIBUNE_REQUIRE_PEERS") == "1"


def peer_unavailable(peer: str, reason: str) -> None:
    """Fail (CI, or required) or skip with a reason nobody can miss. Never returns."""
    if peers_required():
        pytest.fail(
            f"{peer} peer required (CI or TRIBUNE_REQUIRE_PEERS=1) but unavailable: {reason}"
        )
    message = f"PEER SKIPPED — {peer} unavailable: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)
