"""A ``Mastodon.py`` client acting as one account, on Tribune's outbound HTTP session.

- ``ratelimit_method="throw"``: Mastodon.py would otherwise sleep inside the call until
  the limit resets; the domain decides when to retry.
- ``version_check_mode="none"``: no ``/api/v1/instance`` round trip before each use. A few
  Mastodon.py helpers still consult the server version (``media_post`` picks the
  asynchronous ``/api/v2/media`` from 3.1.4 on), so we state the oldest version Tribune
  supports instead of letting it guess 1.0.0.
- Every request goes through ``tribune.core.outbound`` (timeout, private-address guard:
  the instance URL is typed by a user).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mastodon import Mastodon
from requests.adapters import BaseAdapter

from tribune.core import outbound
from tribune.networks.base import Credentials, Rejected

SUPPORTED_VERSION = (4, 0, 0)
USER_AGENT = "Tribune (+https://github.com/tribune)"


def instance_url(url: str) -> str:
    """``mastodon.example`` or ``https://mastodon.example/`` → ``https://mastodon.example``."""
    url = (url or "").strip().rstrip("/")
    if url and "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Rejected("The Mastodon server address is not valid.", detail=url)
    return url


def new_api(
    base_url: str,
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    adapter: BaseAdapter | None = None,
    allow_private: bool | None = None,
) -> Mastodon:
    api = Mastodon(
        api_base_url=instance_url(base_url),
        access_token=access_token or None,
        client_id=client_id if client_id and client_secret else None,
        client_secret=client_secret if client_id and client_secret else None,
        version_check_mode="none",
        mastodon_version=".".join(map(str, SUPPORTED_VERSION)),
        ratelimit_method="throw",
        request_timeout=outbound.requests_timeout(),  # type: ignore[arg-type]  # requests takes a pair
        session=outbound.guarded_session(adapter, allow_private=allow_private),
        user_agent=USER_AGENT,
    )
    api.mastodon_major, api.mastodon_minor, api.mastodon_patch = SUPPORTED_VERSION
    return api


def api_for(
    credentials: Credentials,
    *,
    adapter: BaseAdapter | None = None,
    allow_private: bool | None = None,
) -> Mastodon:
    secrets = credentials.secrets
    return new_api(
        credentials.base_url,
        access_token=secrets.get("access_token"),
        client_id=secrets.get("client_id"),
        client_secret=secrets.get("client_secret"),
        adapter=adapter,
        allow_private=allow_private,
    )
