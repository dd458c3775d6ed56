"""Two-factor authentication (TOTP): enrolment with a QR code and recovery codes, the
second login step (throttled, no replay), and the workspace policy for owners,
administrators and strategists."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tribune.accounts import twofactor
from tribune.accounts.models import RecoveryCode, TOTPDevice, Workspace
from tribune.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _enrol(client: Client, user) -> tuple[pyotp.TOTP, list[str]]:  # type: ignore[no-untyped-def]
    client.login(email=user.email, password=PASSWORD)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<script>" not in body  # the QR code: inline SVG, no script
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', body).group(1)
    totp = pyotp.TOTP(secret)
    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000", "action": "confirm"})
    assert "not valid" in wrong.content.decode() or "pas valide" in wrong.content.decode()
    done = client.post(reverse("accounts:two_factor"), {"code": totp.now(), "action": "confirm"})
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", done.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODES
    client.post(reverse("accounts:logout"))
    return totp, codes


def _next(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step (the current one was spent at enrolment;
    the next is accepted for clock drift)."""
    return totp.at(time.time() + totp.interval)


def _login(client: Client, user, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"email": user.email, "password": password})


def test_enrolment_stores_an_encrypted_secret_and_hashed_recovery_codes(client, tenants):
    user = tenants.people["strategist"]
    totp, codes = _enrol(client, user)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed_at is not None and device.secret["key"] == totp.secret
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        raw = cursor.fetchone()[0]
    assert totp.secret not in raw  # Fernet ciphertext at rest
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert not any(code in stored for code in codes) and len(stored) == len(codes)
    assert AuditEvent.objects.filter(action="user.2fa_enabled", actor=user).exists()


def test_login_asks_for_the_code_and_only_then_authenticates(client, tenants):
    user = tenants.people["strategist"]
    totp, _codes = _enrol(client, user)
    first = _login(client, user)
    assert first.status_code == 302 and first["Location"] == reverse("accounts:login_2fa")
    # Not logged in between the two steps.
    assert client.get(reverse("web:home")).status_code == 302
    assert "_auth_user_id" not in client.session
    key_before = client.session.session_key
    ok = client.post(reverse("accounts:login_2fa"), {"code": _next(totp)})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != key_before  # rotated again at login
    event = AuditEvent.objects.filter(action="user.login", actor=user).latest("created_at")
    assert event.after == {"second_factor": "totp"}


def test_a_code_cannot_be_used_twice(client, tenants):
    user = tenants.people["strategist"]
    totp, _codes = _enrol(client, user)
    code = _next(totp)
    _login(client, user)
    client.post(reverse("accounts:login_2fa"), {"code": code})
    client.post(reverse("accounts:logout"))
    _login(client, user)
    replay = client.post(reverse("accounts:login_2fa"), {"code": code})
    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once(client, tenants):
    user = tenants.people["strategist"]
    _totp, codes = _enrol(client, user)
    _login(client, user)
    assert client.post(reverse("accounts:login_2fa"), {"code": codes[0]}).status_code == 302
    client.post(reverse("accounts:logout"))
    _login(client, user)
    assert client.post(reverse("accounts:login_2fa"), {"code": codes[0]}).status_code == 400
    assert twofactor.remaining_recovery_codes(user) == len(codes) - 1


def test_second_step_is_throttled(client, tenants, settings):
    settings.TRIBUNE_LOGIN_MAX_FAILURES = 3
    user = tenants.people["strategist"]
    totp, _codes = _enrol(client, user)
    _login(client, user)
    for _ in range(3):
        assert client.post(reverse("accounts:login_2fa"), {"code": "123456"}).status_code == 400
    blocked = client.post(reverse("accounts:login_2fa"), {"code": _next(totp)})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_wrong_password_never_reaches_the_second_step(client, tenants):
    user = tenants.people["strategist"]
    _enrol(client, user)
    response = _login(client, user, "not the password at all")
    assert response.status_code == 400
    assert client.get(reverse("accounts:login_2fa")).status_code == 302  # back to login


def test_workspace_policy_forces_enrolment_of_owners_and_strategists(client, tenants):
    owner, strategist, cm = (
        tenants.owner,
        tenants.people["strategist"],
        tenants.people["community_manager"],
    )
    client.login(email=owner.email, password=PASSWORD)
    # Only owners/admins may change the policy.
    cm_client = Client()
    cm_client.login(email=cm.email, password=PASSWORD)
    url = reverse("accounts:workspace_2fa_policy", args=[tenants.workspace.slug])
    assert cm_client.post(url, {"require_2fa": "on"}).status_code in (403, 404)
    assert client.post(url, {"require_2fa": "on"}).status_code == 302
    assert Workspace.objects.get(pk=tenants.workspace.pk).require_2fa
    assert AuditEvent.objects.filter(action="workspace.2fa_policy").exists()
    # The owner (no device yet) is sent to the enrolment page everywhere.
    home = client.get(reverse("web:dashboard", args=[tenants.brand_a.slug]))
    assert home.status_code == 302 and home["Location"] == reverse("accounts:two_factor")
    # A strategist too; a community manager is not concerned.
    s_client = Client()
    s_client.login(email=strategist.email, password=PASSWORD)
    assert s_client.get(reverse("web:home"))["Location"] == reverse("accounts:two_factor")
    assert cm_client.get(reverse("web:dashboard", args=[tenants.brand_a.slug])).status_code == 200
    # Once enrolled, the strategist works normally and cannot turn it off.
    _totp, _codes = _enrol(s_client, strategist)
    _login(s_client, strategist)
    s_client.post(reverse("accounts:login_2fa"), {"code": _next(_totp)})
    assert s_client.get(reverse("web:dashboard", args=[tenants.brand_a.slug])).status_code == 200
    refused = s_client.post(
        reverse("accounts:two_factor"), {"code": _codes[1], "action": "disable"}
    )
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=strategist).exists()


def test_turning_off_needs_a_valid_code(client, tenants):
    user = tenants.people["analyst"]
    totp, codes = _enrol(client, user)
    _login(client, user)
    client.post(reverse("accounts:login_2fa"), {"code": codes[0]})
    client.post(reverse("accounts:two_factor"), {"code": "000000", "action": "disable"})
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("accounts:two_factor"), {"code": codes[1], "action": "disable"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
