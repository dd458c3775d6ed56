"""OAuth 2.0 connect flows for X, LinkedIn pages, YouTube channels, Facebook Pages and
Instagram professional accounts: what the networks have in common.

The flow (RFC 6749 §4.1, with PKCE from RFC 7636 where the network takes it):

1. ``begin``: a random ``state`` (and a PKCE verifier) kept server-side in the person's
   session, bound to the brand and the network, for ten minutes.
2. The network sends the person back with ``?code=…&state=…``; ``finish`` checks the state
   (it is consumed: a second use fails) and its age.
3. The provider exchanges the code through the SSRF-guarded HTTP client and lists what the
   login administers (organization pages, Pages, channels, the X account itself).
4. One candidate is connected at once; several are offered on a selection page. The
   candidates, tokens included, wait in the session **encrypted** with the at-rest key.

Each network has a ``Provider`` in its own package (``x/connect.py`` …); the views are in
``oauth_views.py``. The app credentials (client id and secret) come from the workspace's
own application (``NetworkApp``) or from the settings (``TRIBUNE_X_CLIENT_ID`` …).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.urls import reverse

from tribune.accounts.models import Brand, User, Workspace
from tribune.core import outbound
from tribune.core.audit import record_audit
from tribune.core.crypto import DecryptionError, decrypt_text, encrypt_text
from tribune.core.outbound import PrivateAddressBlocked
from tribune.networks.base import (
    AuthExpired,
    Credentials,
    NetworkError,
    RateLimited,
    Rejected,
    Unavailable,
)
from tribune.networks.models import NetworkApp, SocialAccount
from tribune.networks.services import do_connect_account

FLOWS_KEY = "oauth_flows"
CHOICES_KEY = "oauth_choices"
FLOW_SECONDS = 600  # a person who has not come back after ten minutes starts again
MAX_FLOWS = 5  # flows started in one session and not finished


@dataclass(frozen=True)
class App:
    """The OAuth application Tribune uses on a network."""

    client_id: str
    client_secret: str
    origin: str  # "workspace" (NetworkApp) or "settings"

    def stored_secrets(self) -> dict[str, str]:
        """What an account keeps to refresh its tokens later: a workspace's own app must be
        remembered; the settings' app is read from the settings at refresh time."""
        if self.origin != "workspace":
            return {}
        kept = {"client_id": self.client_id}
        if self.client_secret:
            kept["client_secret"] = self.client_secret
        return kept


@dataclass(frozen=True)
class Candidate:
    """Something the login can connect: an organization page, a Page, a channel."""

    remote_id: str
    handle: str
    display_name: str
    secrets: dict[str, str] = field(default_factory=dict)
    detail: str = ""  # shown on the selection page

    def credentials(self) -> Credentials:
        return Credentials(handle=self.handle, secrets=self.secrets, remote_id=self.remote_id)


class FlowError(Exception):
    """The flow cannot go on. ``kind`` picks the page shown (``oauth_views.ERRORS``)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


class Provider:
    """One network's side of the flow. Subclasses set the class attributes and implement
    ``authorization_url``, ``exchange`` and ``candidates``."""

    network: ClassVar[str]  # SocialAccount.network
    label: ClassVar[str]  # "X", "LinkedIn" …
    app_provider: ClassVar[str]  # NetworkApp.provider: "x", "linkedin", "google", "meta"
    setting_names: ClassVar[tuple[str, str]]  # client id, client secret
    pkce: ClassVar[bool] = False
    needs_secret: ClassVar[bool] = True
    docs: ClassVar[str] = ""  # the network's OAuth documentation

    def __init__(
        self, *, transport: httpx.BaseTransport | None = None, allow_private: bool | None = None
    ) -> None:
        self.transport = transport  # tests pass httpx.MockTransport
        self.allow_private = allow_private

    def authorization_url(self, app: App, redirect_uri: str, state: str, challenge: str) -> str:
        raise NotImplementedError

    def exchange(self, app: App, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        """The token endpoint's JSON answer (``access_token`` at least)."""
        raise NotImplementedError

    def candidates(self, app: App, token: dict[str, Any]) -> list[Candidate]:
        raise NotImplementedError

    # --- helpers for subclasses -----------------------------------------------------------
    def http(self, token: str = "") -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return outbound.http_client(
            self.transport, allow_private=self.allow_private, headers=headers
        )

    def get_json(self, url: str, *, token: str = "", **params: Any) -> dict[str, Any]:
        """A GET during the flow (reads only: safe to retry), errors typed."""
        try:
            response = self.http(token).get(url, params=params or None)
        except (httpx.TransportError, PrivateAddressBlocked) as exc:
            raise Unavailable(f"{self.label} could not be reached.", detail=repr(exc)) from exc
        if response.status_code == 429:
            raise RateLimited(f"{self.label} asked us to slow down.", retry_after=60)
        if response.status_code == 401:
            raise AuthExpired(f"{self.label} refused the access token.", detail=response.text[:200])
        if response.status_code >= 500:
            raise Unavailable(f"{self.label} is unavailable.", detail=response.text[:200])
        try:
            body = response.json()
        except ValueError:
            raise Unavailable(f"{self.label} sent an unexpected answer.") from None
        if response.is_error:
            raise Rejected(f"{self.label} refused the request.", detail=response.text[:300])
        return body if isinstance(body, dict) else {"data": body}


def unreachable(label: str) -> Callable[..., NetworkError]:
    """A token request that could not reach the network (it is safe to try again)."""

    def translate(exc: Exception, *, write: bool = False) -> NetworkError:
        return Unavailable(f"{label} could not be reached.", detail=repr(exc))

    return translate


def endpoint(name: str, default: str) -> str:
    """A network endpoint, overridable with ``TRIBUNE_OAUTH_ENDPOINTS`` (tests point the flow
    at a fake authorization server on 127.0.0.1)."""
    overrides = outbound.setting("TRIBUNE_OAUTH_ENDPOINTS", {}) or {}
    return str(overrides.get(name, default))


def token_secrets(app: App, body: dict[str, Any], *, default_lifetime: int) -> dict[str, str]:
    """The secrets an account stores from a token answer (refresh token kept when sent)."""
    kept = {"access_token": str(body["access_token"]), **app.stored_secrets()}
    if body.get("refresh_token"):
        kept["refresh_token"] = str(body["refresh_token"])
    lifetime = int(body.get("expires_in") or default_lifetime)
    if lifetime:
        kept["expires_at"] = (datetime.now(UTC) + timedelta(seconds=lifetime)).isoformat()
    return kept


# --- app credentials ----------------------------------------------------------------------
def app_for(provider: Provider, workspace: Workspace) -> App | None:
    row = NetworkApp.objects.filter(workspace=workspace, provider=provider.app_provider).first()
    if row is not None and row.client_id:
        return App(row.client_id, str(row.secrets.get("client_secret", "")), "workspace")
    id_name, secret_name = provider.setting_names
    client_id = str(getattr(settings, id_name, "") or "")
    secret = str(getattr(settings, secret_name, "") or "")
    if client_id and (secret or not provider.needs_secret):
        return App(client_id, secret, "settings")
    return None


def redirect_uri(provider: Provider) -> str:
    return settings.SITE_URL + reverse(f"oauth:callback_{provider.network}")


# --- the flow state in the session ---------------------------------------------------------
def begin(session: SessionBase, provider: Provider, brand: Brand) -> tuple[str, str]:
    """A new flow: returns ``(state, code_challenge)``; the verifier stays in the session."""
    from tribune.networks.oauth2 import pkce_pair

    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair() if provider.pkce else ("", "")
    flows = {
        k: v
        for k, v in dict(session.get(FLOWS_KEY) or {}).items()
        if time.time() - float(v.get("started", 0)) < FLOW_SECONDS
    }
    while len(flows) >= MAX_FLOWS:  # keep the most recent ones
        flows.pop(min(flows, key=lambda k: flows[k]["started"]))
    flows[state] = {
        "network": provider.network,
        "brand": brand.slug,
        "verifier": verifier,
        "started": time.time(),
    }
    session[FLOWS_KEY] = flows
    return state, challenge


def finish(session: SessionBase, provider: Provider, state: str) -> dict[str, Any]:
    """The flow ``state`` names, removed from the session (a state works once)."""
    flows = dict(session.get(FLOWS_KEY) or {})
    flow = flows.pop(state, None) if state else None
    session[FLOWS_KEY] = flows
    if flow is None or flow["network"] != provider.network:
        raise FlowError("state")
    if time.time() - float(flow["started"]) > FLOW_SECONDS:
        raise FlowError("expired")
    return dict(flow)


def _choices_key(network: str, brand_slug: str) -> str:
    return f"{network}:{brand_slug}"


def store_choices(
    session: SessionBase, provider: Provider, brand: Brand, candidates: list[Candidate]
) -> None:
    sealed = encrypt_text(json.dumps([asdict(c) for c in candidates]))
    choices = dict(session.get(CHOICES_KEY) or {})
    choices[_choices_key(provider.network, brand.slug)] = {"sealed": sealed, "at": time.time()}
    session[CHOICES_KEY] = choices


def load_choices(session: SessionBase, provider: Provider, brand: Brand) -> list[Candidate]:
    entry = (session.get(CHOICES_KEY) or {}).get(_choices_key(provider.network, brand.slug))
    if not entry or time.time() - float(entry["at"]) > FLOW_SECONDS:
        return []
    try:
        return [Candidate(**item) for item in json.loads(decrypt_text(entry["sealed"]))]
    except (DecryptionError, ValueError, TypeError):
        return []


def drop_choices(session: SessionBase, provider: Provider, brand: Brand) -> None:
    choices = dict(session.get(CHOICES_KEY) or {})
    choices.pop(_choices_key(provider.network, brand.slug), None)
    session[CHOICES_KEY] = choices


# --- services -------------------------------------------------------------------------------
def check_exchange(
    provider: Provider, app: App, code: str, verifier: str, uri: str
) -> list[Candidate]:
    """Code → candidates, with the network's failures turned into ``FlowError``."""
    try:
        token = provider.exchange(app, code, verifier, uri)
        return provider.candidates(app, token)
    except AuthExpired as exc:  # invalid_grant: the code expired or was already used
        raise FlowError("code", exc.detail or exc.message) from exc
    except (Unavailable, RateLimited) as exc:
        raise FlowError("network", exc.message) from exc
    except NetworkError as exc:
        raise FlowError("refused", exc.detail or exc.message) from exc


@transaction.atomic
def do_connect_candidates(
    brand: Brand,
    provider: Provider,
    chosen: list[Candidate],
    actor: User,
    language: str,
) -> list[SocialAccount]:
    """Connect every chosen candidate to the brand (all or none)."""
    return [
        do_connect_account(
            brand,
            provider.network,
            candidate.credentials(),
            actor,
            display_name=candidate.display_name,
            language=language,
        )
        for candidate in chosen
    ]


@transaction.atomic
def do_save_network_app(
    workspace: Workspace, provider: str, client_id: str, client_secret: str, actor: User
) -> None:
    """Set or remove a workspace's application; the audit log never holds the secret."""
    row = NetworkApp.objects.filter(workspace=workspace, provider=provider).first()
    if not client_id:
        if row is not None:
            row.delete()
            record_audit(
                "network_app.removed", actor=actor, workspace=workspace, after={"app": provider}
            )
        return
    secrets = dict(row.secrets) if row is not None else {}
    if client_secret:
        secrets["client_secret"] = client_secret
    NetworkApp.objects.update_or_create(
        workspace=workspace,
        provider=provider,
        defaults={"client_id": client_id, "secrets": secrets},
    )
    record_audit(
        "network_app.saved",
        actor=actor,
        workspace=workspace,
        after={"app": provider, "client_id": client_id, "secret_changed": bool(client_secret)},
    )
