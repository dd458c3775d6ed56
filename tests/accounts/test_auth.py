import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tribune.accounts.models import BrandRole, User
from tribune.accounts.services import authenticate_api_token, do_create_api_token, do_invite
from tribune.core.models import AuditEvent


def _login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, **extra)


def test_login_lands_on_the_brand_dashboard(client, tenants):
    response = _login(client, "community_manager@example.test")
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == "/b/alpha/"
    assert AuditEvent.objects.filter(action="user.login").count() == 1


def test_login_rotates_the_session_key(client, tenants):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    _login(client, "analyst@example.test")
    assert client.session.session_key != before


def test_wrong_password_is_refused_with_a_message(client, tenants):
    response = _login(client, "analyst@example.test", "nope")
    assert response.status_code == 400
    assert (
        "Wrong email address or password" in response.content.decode()
        or "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    )


def test_login_is_rate_limited_per_account(client, tenants):
    for _ in range(5):
        assert _login(client, "analyst@example.test", "bad-guess").status_code == 400
    # Even the right password is refused while blocked.
    response = _login(client, "analyst@example.test")
    assert response.status_code == 429
    # Another account from another address is not affected.
    other = Client(REMOTE_ADDR="10.1.1.1")
    assert _login(other, "strategist@example.test").status_code == 302


def test_login_rejects_open_redirects(client, tenants):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"email": "analyst@example.test", "password": PASSWORD},
    )
    assert response["Location"] == "/"


def test_csrf_is_enforced_on_login_and_forms(tenants):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "analyst@example.test").status_code == 403
    client.force_login(tenants.people["analyst"])
    assert client.post(reverse("web:switch_brand"), {"brand": "alpha"}).status_code == 403


def test_password_reset_by_email(client, tenants):
    response = client.post(reverse("accounts:password_reset"), {"email": "analyst@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Une-nouvelle-phrase-2026", "new_password2": "Une-nouvelle-phrase-2026"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="analyst@example.test").check_password("Une-nouvelle-phrase-2026")


def test_invitation_by_email_link(client, tenants, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _raw = do_invite(
            tenants.workspace,
            "newcomer@example.test",
            tenants.owner,
            brand_roles=[{"brand": tenants.brand_b.pk, "role": "community_manager"}],
        )
    assert invitation.email == "newcomer@example.test"
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/invite/\S+/)", mail.outbox[0].body).group(1)
    response = client.post(path, {"full_name": "Nina Nouvelle", "password": "short"})
    assert response.status_code == 200  # weak password refused, nothing created
    assert not User.objects.filter(email="newcomer@example.test").exists()
    response = client.post(
        path, {"full_name": "Nina Nouvelle", "password": "Un mot de passe solide"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.test")
    assert BrandRole.objects.filter(
        user=user, brand=tenants.brand_b, role="community_manager"
    ).exists()
    # The link works once.
    assert Client().get(path).status_code == 404


def test_only_admins_can_invite(client, tenants):
    client.force_login(tenants.people["strategist"])
    response = client.post(
        reverse("web:workspace", args=["agence-test"]),
        {"email": "x@example.test", "workspace_role": "member"},
    )
    assert response.status_code == 403
    assert not mail.outbox


def test_api_tokens_are_hashed_and_revocable(client, tenants):
    user = tenants.people["analyst"]
    token, raw = do_create_api_token(user, "script")
    assert raw.startswith(f"trb_{token.prefix}_") and raw not in token.token_hash
    assert authenticate_api_token(raw).user == user
    assert authenticate_api_token(raw + "x") is None
    client.force_login(user)
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    assert authenticate_api_token(raw) is None
    # Someone else's token id is not found.
    other, _ = do_create_api_token(tenants.people["strategist"], "theirs")
    assert client.post(reverse("accounts:revoke_token", args=[other.pk])).status_code == 404


def test_security_headers(client, tenants):
    response = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
