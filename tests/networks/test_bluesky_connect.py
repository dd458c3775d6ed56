"""Connecting a Bluesky account from the accounts page, against the real local network."""

from __future__ import annotations

import pytest

from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount

pytestmark = pytest.mark.peer


def test_connect_with_an_app_password(client, tenants, bluesky_network, bluesky_accounts, settings):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True
    alice, _bob = bluesky_accounts
    client.force_login(tenants.people["strategist"])
    url = "/b/alpha/accounts/connect/bluesky/"
    form = {
        "handle": "@" + alice.handle,
        "app_password": "wrong-password",
        "server": bluesky_network.pds_url,
        "language": "fr",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "refused" in response.content.decode() or "refusé" in response.content.decode()
    response = client.post(url, {**form, "app_password": alice.password})
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        account = SocialAccount.objects.get(network="bluesky")
    assert account.remote_id == alice.did and account.handle == alice.handle
    assert account.credentials["access_jwt"] and account.credentials["app_password"]


def test_private_servers_are_refused_by_default(client, tenants, settings):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    client.force_login(tenants.people["strategist"])
    response = client.post(
        "/b/alpha/accounts/connect/bluesky/",
        {
            "handle": "x.test",
            "app_password": "abcd-efgh",
            "server": "https://10.0.0.1",
            "language": "fr",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and ("cannot be used" in page or "ne peut pas" in page)


def test_a_cm_cannot_connect_accounts(client, tenants):
    client.force_login(tenants.people["community_manager"])
    assert client.get("/b/alpha/accounts/connect/bluesky/").status_code == 403
