"""SSRF: every place where a user types a URL Tribune will call (feed sources, the
Mastodon instance, the Bluesky server, alert webhooks, outgoing API webhooks) refuses
loopback, private, link-local and metadata addresses under every spelling — checked
against a real trap server on 127.0.0.1 that must receive nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD
from tests.listening.factories import make_alert
from tests.security.securitylib import Trap, private_targets, ssrf_failures
from tribune.core.scope import brand_scope
from tribune.listening.feeds import fetch
from tribune.listening.models import AlertDelivery, OnCallSchedule
from tribune.listening.services.delivery import plan_page, send_pending
from tribune.networks.base import Credentials
from tribune.networks.bluesky.connector import BlueskyConnector
from tribune.networks.mastodon.connector import MastodonConnector

ROOT = Path(__file__).resolve().parents[2]


def entry_points(client, tenants) -> dict:  # type: ignore[no-untyped-def]
    """Each user-supplied-URL entry point as ``probe(url) -> None | what happened``."""
    brand = tenants.brand_a

    def feed_source(url: str) -> str | None:
        fetch(url)
        return "fetched"

    def mastodon_instance(url: str) -> str | None:
        connector = MastodonConnector(
            Credentials(handle="x", base_url=url, secrets={"access_token": "t"}, remote_id="1")
        )
        connector.fetch_account_metrics()
        return "answered"

    def bluesky_server(url: str) -> str | None:
        BlueskyConnector(
            Credentials(handle="a.test", base_url=url, secrets={"app_password": "p"})
        ).fetch_account_metrics()
        return "answered"

    def alert_webhook(url: str) -> str | None:
        alert = make_alert(brand)
        with brand_scope(brand):
            OnCallSchedule.objects.update_or_create(brand=brand, defaults={"webhook_url": url})
            with transaction.atomic():
                plan_page(alert, level=0, reason="raised", now=alert.raised_at)
            send_pending(alert)
            row = AlertDelivery.objects.get(alert=alert, channel="webhook")
        refused = "non-public" in row.error or "private network" in row.error
        return None if refused else f"{row.status} {row.error}"

    def mastodon_connect_view(url: str) -> str | None:
        client.login(email=tenants.owner.email, password=PASSWORD)
        client.post(
            reverse("mastodon:connect", args=[brand.slug]), {"instance": url, "language": "fr"}
        )
        return None  # the trap decides

    def bluesky_connect_view(url: str) -> str | None:
        client.login(email=tenants.owner.email, password=PASSWORD)
        client.post(
            reverse("bluesky:connect", args=[brand.slug]),
            {"handle": "a.test", "app_password": "abcd-efgh-ijkl-mnop", "server": url},
        )
        return None

    def webhook_subscription(url: str) -> str | None:
        from tribune.webhooks.services import WebhookError, do_create_subscription

        with brand_scope(brand), translation.override("en"):  # the check reads English
            try:
                do_create_subscription(brand, tenants.owner, url=url, events=["post.published"])
            except WebhookError as exc:
                text = str(exc)
                return None if ("private" in text or "non-public" in text) else text
        return "subscription accepted"

    def webhook_delivery(url: str) -> str | None:
        """The address was public when subscribed; it resolves privately now."""
        from django.utils import timezone

        from tribune.webhooks.models import Delivery, Subscription
        from tribune.webhooks.services import deliver, do_ping

        with brand_scope(brand):
            sub = Subscription.objects.create(
                brand=brand, url=url, events=["post.published"], secret={"key": "k"}
            )
            delivery = do_ping(sub, tenants.owner)
            deliver(delivery.pk, timezone.now())
            error = Delivery.objects.get(pk=delivery.pk).last_error
        return None if "private" in error or "non-public" in error else error or "delivered"

    return {
        "outgoing webhook (subscription)": webhook_subscription,
        "outgoing webhook (delivery)": webhook_delivery,
        "listening feed source": feed_source,
        "Mastodon instance (connector)": mastodon_instance,
        "Bluesky server (connector)": bluesky_server,
        "alert webhook": alert_webhook,
        "Mastodon connect screen": mastodon_connect_view,
        "Bluesky connect screen": bluesky_connect_view,
    }


@pytest.mark.django_db
def test_every_entry_point_refuses_private_addresses(client, tenants, settings):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    settings.TRIBUNE_HTTP_TIMEOUT = 2
    with Trap() as trap:
        failures = ssrf_failures(
            entry_points(client, tenants), trap, trap.urls() + private_targets()
        )
    assert failures == []
    assert trap.hits == []


@pytest.mark.django_db
def test_the_trap_is_reachable_when_private_addresses_are_allowed(client, tenants, settings):
    """Control: with ``TRIBUNE_ALLOW_PRIVATE_URLS`` (self-hosted peers on a LAN) the same
    calls do reach the trap, so the test above is not passing by accident."""
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True
    settings.TRIBUNE_HTTP_TIMEOUT = 2
    probes = entry_points(client, tenants)
    with Trap() as trap:
        ssrf_failures(
            {k: probes[k] for k in ("listening feed source", "alert webhook")},
            trap,
            trap.urls()[:1],
        )
    assert len(trap.hits) == 2


# Code that builds its own HTTP client would bypass the guard: allowed only with a reason.
OWN_HTTP_ALLOWED: dict[str, str] = {}
OWN_HTTP = re.compile(
    r"httpx\.(Client|AsyncClient|get|post|request)\(|requests\.(Session|get|post|put|request)\(|"
    r"urlopen\(|urllib\.request|aiohttp|http\.client"
)


def test_all_outbound_http_goes_through_the_guard():
    offenders = []
    for path in sorted((ROOT / "tribune").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "tribune/core/outbound.py" or rel in OWN_HTTP_ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if OWN_HTTP.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "use tribune.core.outbound (http_client / guarded_session)"
