"""The screens: API tokens on the account page, webhooks and their delivery log."""

from __future__ import annotations

import re

from tests.api.api_factories import Api
from tests.conftest import PASSWORD
from tribune.accounts.models import ApiToken
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.webhooks.models import Delivery, Subscription


def test_token_with_scopes_and_brands_is_shown_once_and_works(client, tenants) -> None:  # type: ignore[no-untyped-def]
    client.login(email=tenants.owner.email, password=PASSWORD)
    page = client.get("/me/").content.decode()
    assert 'value="posts:read"' in page and "Beta" in page
    response = client.post(
        "/me/",
        {"name": "BI", "scopes": ["posts:read", "brands:read"], "brands": [tenants.brand_a.pk]},
    )
    html = response.content.decode()
    secret = re.search(r'data-testid="new-token">(trb_[^<]+)<', html).group(1)
    token = ApiToken.objects.get(name="BI")
    assert token.scopes == ["posts:read", "brands:read"]
    assert list(token.brands.all()) == [tenants.brand_a]
    assert secret not in client.get("/me/").content.decode()  # shown once
    api = Api(secret)
    assert [b["slug"] for b in api.get("/brands")[1]["items"]] == ["alpha"]
    assert api.get("/brands/alpha/posts")[0] == 200
    assert api.get("/brands/alpha/inbox/threads")[0] == 403
    assert api.get("/brands/beta/posts")[0] == 404
    client.post(f"/me/tokens/{token.pk}/revoke/")
    assert api.get("/brands")[0] == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_a_person_cannot_offer_a_token_a_brand_they_do_not_see(client, tenants) -> None:  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    response = client.post("/me/", {"name": "x", "brands": [tenants.brand_c.pk]})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_webhook_screens(client, tenants, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    assert "Webhooks" in client.get("/b/alpha/integrations/").content.decode()
    # A private address is refused with a sentence, nothing is created.
    response = client.post(
        "/b/alpha/integrations/webhooks/new/",
        {"url": "http://127.0.0.1:8000/x", "events": ["post.published"]},
    )
    assert "private network" in response.content.decode() or "réseau privé" in (
        response.content.decode()
    )
    response = client.post(
        "/b/alpha/integrations/webhooks/new/",
        {"url": "https://hooks.example.com/tribune", "events": ["post.published", "alert.raised"]},
    )
    html = response.content.decode()
    secret = re.search(r'data-testid="webhook-secret"><code>(whsec_[^<]+)<', html).group(1)
    with brand_scope(tenants.brand_a):
        sub = Subscription.objects.get()
    assert sub.signing_key == secret and sub.events == ["alert.raised", "post.published"]
    page = client.get(f"/b/alpha/integrations/webhooks/{sub.pk}/").content.decode()
    assert secret not in page
    client.post(f"/b/alpha/integrations/webhooks/{sub.pk}/ping/")
    with brand_scope(tenants.brand_a):
        ping = Delivery.objects.get(event="ping")
    assert "ping" in client.get(f"/b/alpha/integrations/webhooks/{sub.pk}/").content.decode()
    response = client.post(f"/b/alpha/integrations/deliveries/{ping.pk}/replay/")
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        assert Delivery.objects.filter(replay_of=ping).count() == 1
    client.post(f"/b/alpha/integrations/webhooks/{sub.pk}/disable/")
    with brand_scope(tenants.brand_a):
        assert Subscription.objects.get().active is False
    client.post(f"/b/alpha/integrations/webhooks/{sub.pk}/delete/")
    with brand_scope(tenants.brand_a):
        assert not Subscription.objects.exists()
    assert AuditEvent.objects.filter(action="webhook.deleted", brand=tenants.brand_a).exists()


def test_roles_on_the_integrations_screens(client, tenants) -> None:  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    page = client.get("/b/alpha/integrations/").content.decode()
    assert "webhooks/new" not in page and "integrations/import" not in page
    assert client.get("/b/alpha/integrations/webhooks/new/").status_code == 403
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    page = client.get("/b/alpha/integrations/").content.decode()
    assert "integrations/import" in page and "webhooks/new" not in page
