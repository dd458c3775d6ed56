"""CSRF on every URL, session fixation, password policy, security headers (HSTS when
served over HTTPS), and secrets never written to the logs."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.security.securitylib import csrf_failures
from tribune.accounts.models import User
from tribune.core.audit import record_audit  # noqa: F401  (audit rows are checked below)
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.services import do_connect_account


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_on_every_url(tenants):
    client = Client(enforce_csrf_checks=True)
    client.login(email=tenants.owner.email, password=PASSWORD)
    assert csrf_failures(client) == []


@pytest.mark.django_db
def test_anonymous_post_without_token_is_refused_too(db):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(reverse("accounts:login"), {"email": "a@b.c", "password": "x"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_login_rotates_the_session_key(tenants):
    """Session fixation: a session id planted before login is worthless after it."""
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client = Client()
    client.cookies["sessionid"] = planted.session_key
    response = client.post(
        reverse("accounts:login"), {"email": tenants.owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    new_key = client.cookies["sessionid"].value
    assert new_key and new_key != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    # The planted cookie alone does not open an authenticated session.
    attacker = Client()
    attacker.cookies["sessionid"] = planted.session_key
    assert attacker.get(reverse("web:home")).status_code == 302


@pytest.mark.django_db
def test_logout_ends_the_session_server_side(tenants):
    client = Client()
    client.login(email=tenants.owner.email, password=PASSWORD)
    key = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    assert not SessionStore().exists(key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "azertyuiop", "1234567890123", "owner@example.test"],
)
def test_password_policy_refuses_weak_passwords(password):
    user = User(email="owner@example.test", full_name="Olive Owner")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_password_policy_accepts_a_passphrase():
    validate_password("cheval agrafe pile correcte", User(email="x@example.test"))


@pytest.mark.django_db
def test_security_headers_on_pages(client, tenants):
    client.login(email=tenants.owner.email, password=PASSWORD)
    response = client.get(reverse("web:home"), follow=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # plain HTTP in tests


@pytest.mark.django_db
def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def _settings_with(**environ: str) -> dict[str, str]:
    code = (
        "import json; from tribune import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'cookie': s.SESSION_COOKIE_SECURE, "
        "'csrf': s.CSRF_COOKIE_SECURE}))"
    )
    import json
    import os

    env = {**os.environ, **environ}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_site_url_turns_on_hsts_and_secure_cookies():
    https = _settings_with(TRIBUNE_SITE_URL="https://tribune.example")
    assert https == {"hsts": 31536000, "cookie": True, "csrf": True}
    plain = _settings_with(TRIBUNE_SITE_URL="http://127.0.0.1:8000")
    assert plain == {"hsts": 0, "cookie": False, "csrf": False}


# --- secrets never logged ------------------------------------------------------------------
SECRET = "sk-live-7d1f9e2a4b6c8d0e"


@pytest.mark.django_db
def test_secrets_never_reach_the_logs_or_the_audit_log(client, tenants, caplog, settings):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    caplog.set_level(logging.DEBUG)
    brand = tenants.brand_a
    with brand_scope(brand):
        account = do_connect_account(
            brand,
            "mastodon",
            Credentials(
                handle="cafe",
                base_url="http://127.0.0.1:9",
                secrets={"access_token": SECRET, "client_secret": SECRET},
                remote_id="1",
            ),
            tenants.owner,
        )
        # A call that fails (refused address) and is logged with its error.
        from tribune.networks.base import NetworkError

        try:
            account.connector().fetch_account_metrics()
        except NetworkError as exc:
            logging.getLogger("tribune.networks").warning("metrics failed: %s", exc)
    # A login with a wrong password that looks like a secret.
    client.post(reverse("accounts:login"), {"email": tenants.owner.email, "password": SECRET})
    logged = "\n".join(
        [r.getMessage() for r in caplog.records]
        + [str(r.args) for r in caplog.records]
        + [caplog.text]
    )
    assert SECRET not in logged
    audit = [str(e.before) + str(e.after) for e in AuditEvent.objects.all()]
    assert not any(SECRET in row for row in audit)
    with brand_scope(brand):
        from tribune.networks.models import SocialAccount

        assert SocialAccount.objects.get(pk=account.pk).credentials["access_token"] == SECRET


def test_the_log_filter_masks_secrets_that_slip_into_messages(caplog):
    from tribune.core.logging import SecretsFilter

    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "calling %s with Authorization: Bearer %s and password=%s",
        ("https://api.example/?access_token=abc123secret", SECRET, "hunter2hunter2"),
        None,
    )
    SecretsFilter().filter(record)
    text = record.getMessage()
    assert SECRET not in text and "abc123secret" not in text and "hunter2hunter2" not in text
    assert "https://api.example/" in text
