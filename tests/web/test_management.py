from django.urls import reverse

from tribune.accounts.models import Brand, BrandRole
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount


def test_admin_creates_a_brand_with_validation(client, tenants):
    client.force_login(tenants.owner)
    url = reverse("web:workspace", args=["agence-test"])
    response = client.post(
        url,
        {
            "create_brand": "1",
            "name": "Delta",
            "slug": "delta",
            "timezone": "Mars/Olympus",
            "language": "fr",
        },
    )
    assert response.status_code == 200
    assert "Mars/Olympus" in response.content.decode()  # the error names the bad zone
    assert not Brand.objects.filter(slug="delta").exists()
    response = client.post(
        url,
        {
            "create_brand": "1",
            "name": "Delta",
            "slug": "delta",
            "timezone": "America/Montreal",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    assert Brand.objects.get(slug="delta").workspace == tenants.workspace
    assert AuditEvent.objects.filter(action="brand.created", brand__slug="delta").exists()


def test_non_admin_cannot_create_brands(client, tenants):
    client.force_login(tenants.people["strategist"])
    response = client.post(
        reverse("web:workspace", args=["agence-test"]),
        {
            "create_brand": "1",
            "name": "X",
            "slug": "x",
            "timezone": "Europe/Paris",
            "language": "fr",
        },
    )
    assert response.status_code == 403
    assert not Brand.objects.filter(slug="x").exists()


def test_admin_grants_and_revokes_roles_for_members_only(client, tenants):
    client.force_login(tenants.owner)
    url = reverse("web:team", args=["beta"])
    analyst = tenants.people["analyst"]
    response = client.post(url, {"email": "stranger@example.test", "role": "analyst"})
    assert (
        "invite them first" in response.content.decode() or "invitez" in response.content.decode()
    )
    client.post(url, {"email": analyst.email, "role": "analyst"})
    grant = BrandRole.objects.get(brand=tenants.brand_b, user=analyst)
    client.post(url, {"revoke": grant.pk})
    assert not BrandRole.objects.filter(brand=tenants.brand_b, user=analyst).exists()
    # A role id of another brand is not found from this brand's page.
    other = BrandRole.objects.filter(brand=tenants.brand_a).first()
    assert client.post(url, {"revoke": other.pk}).status_code == 404


def test_strategist_connects_a_sandbox_account(client, tenants, django_capture_on_commit_callbacks):
    client.force_login(tenants.people["strategist"])
    url = reverse("web:accounts", args=["alpha"])
    assert (
        client.post(
            url, {"handle": "Bad Handle!", "display_name": "A", "language": "fr"}
        ).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"handle": "@alpha-shop", "display_name": "Alpha Shop", "language": "fr"}
        )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        account = SocialAccount.objects.get()
    assert account.handle == "alpha-shop.sandbox" and account.connector().fetch_account_metrics()
    # The same handle cannot be connected to another brand.
    client.force_login(tenants.owner)
    response = client.post(
        reverse("web:accounts", args=["beta"]),
        {"handle": "alpha-shop", "display_name": "X", "language": "fr"},
    )
    assert (
        response.status_code == 200
        and "already taken" in response.content.decode()
        or "déjà pris" in response.content.decode()
    )


def test_cm_cannot_connect_accounts(client, tenants):
    client.force_login(tenants.people["community_manager"])
    response = client.post(
        reverse("web:accounts", args=["alpha"]),
        {"handle": "x", "display_name": "X", "language": "fr"},
    )
    assert response.status_code == 403
