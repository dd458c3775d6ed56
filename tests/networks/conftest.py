"""Fixtures for network connector tests.

``bluesky_network`` starts one real local Bluesky network per test session (see
docs/testing-peers.md). When the peer cannot be installed it skips loudly, or fails when
``CI`` is set or ``TRIBUNE_REQUIRE_PEERS=1``: CI must never pass by skipping.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # ``tests.peers`` lives beside the tests, not in the package
    sys.path.insert(0, str(ROOT))

from tests.peers import bluesky as bluesky_peer  # noqa: E402
from tests.peers import peer_unavailable  # noqa: E402
from tribune.networks.base import Credentials  # noqa: E402
from tribune.networks.bluesky.connector import BlueskyConnector  # noqa: E402


@pytest.fixture(scope="session")
def bluesky_network():
    """A running local Bluesky network: ``.pds_url``, ``.appview_url``, ``.plc_url``."""
    try:
        manager = bluesky_peer.running_network()
        network = manager.__enter__()
    except bluesky_peer.PeerUnavailable as exc:
        peer_unavailable("Bluesky network", str(exc))
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


# --- a stubbed Bluesky HTTP boundary --------------------------------------------------
def fake_jwt(did: str = "did:plc:alice", expires_in: float = 3600) -> str:
    """An unsigned token shaped like the PDS's (the connector only reads ``exp``/``sub``)."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"sub": did, "exp": int(time.time() + expires_in), "scope": "com.atproto.access"}
    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(claims)}.c2ln"


class FakePds:
    """``httpx.MockTransport`` answering XRPC methods by name; records every request.

    ``routes["createRecord"] = response_or_callable`` (or the full NSID) where a callable
    takes the ``httpx.Request``; an exception instance is raised (transport failures).
    """

    did = "did:plc:alice"
    jwt = staticmethod(fake_jwt)

    def __init__(self) -> None:
        self.routes: dict = {}
        self.requests: list = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request):
        self.requests.append(request)
        method = request.url.path.rsplit("/", 1)[-1]  # the NSID, e.g. app.bsky.actor.getProfile
        answer = self.routes.get(method, self.routes.get(method.rsplit(".", 1)[-1]))
        if answer is None:
            return httpx.Response(501, json={"error": "MethodNotImplemented", "message": method})
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def called(self, method: str) -> list:
        """Requests to ``method`` (full NSID or its last part)."""
        return [r for r in self.requests if method in _names(r.url.path.rsplit("/", 1)[-1])]

    def connector(self, **secrets: str) -> BlueskyConnector:
        """A connector for ``alice.test``; by default with valid-looking stored tokens."""
        if not secrets:
            secrets = {"access_jwt": fake_jwt(self.did), "refresh_jwt": fake_jwt(self.did)}
        credentials = Credentials(
            handle="alice.test",
            secrets=secrets,
            base_url="https://pds.example",
            remote_id=self.did if "access_jwt" in secrets else "",
        )
        return BlueskyConnector(credentials, transport=self.transport, allow_private=True)


def _names(nsid: str) -> tuple[str, str]:
    return nsid, nsid.rsplit(".", 1)[-1]


@pytest.fixture
def fake_pds() -> FakePds:
    return FakePds()


# --- chat peers for listening alerts: Matrix (Synapse) and XMPP (prosody) --------------
@pytest.fixture(scope="session")
def matrix_homeserver():
    """A running local Synapse: ``.url``, ``.server_name``; users via
    ``tests.peers.synapse.register(server, "name")`` (docs/testing-peers.md)."""
    from tests.peers import synapse as synapse_peer

    try:
        manager = synapse_peer.running_homeserver()
        server = manager.__enter__()
    except synapse_peer.PeerUnavailable as exc:
        peer_unavailable("Matrix homeserver (Synapse)", str(exc))
    # PeerStartFailed propagates: installed but not starting is a real failure.
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def xmpp_server():
    """A running local prosody: ``.host``, ``.port``, ``.domain``; accounts via
    ``tests.peers.prosody.register(server, "name")``."""
    from tests.peers import prosody as prosody_peer

    try:
        manager = prosody_peer.running_server()
        server = manager.__enter__()
    except prosody_peer.PeerUnavailable as exc:
        peer_unavailable("XMPP server (prosody)", str(exc))
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)
