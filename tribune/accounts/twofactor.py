"""Two-factor authentication with an authenticator app (TOTP, RFC 6238) and one-time
recovery codes.

- Anyone may enrol from "My account"; a workspace can *require* it (``require_2fa``)
  for the people who can change everything: its owners and administrators and the
  strategists of its brands. They are sent to the enrolment page after logging in and
  cannot use Tribune until they have confirmed a code.
- At login, a person with a confirmed device gives their password, then a code. The
  session is not authenticated in between; the second step is throttled like the
  password (per account and per address, in the database).
- A code is accepted in the current 30-second step or the one before/after (clock
  drift) and never twice (``last_step``); a recovery code works once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone

from tribune.accounts.models import (
    BrandRole,
    RecoveryCode,
    TOTPDevice,
    User,
    WorkspaceMembership,
)
from tribune.core.audit import record_audit

ISSUER = "Tribune"
RECOVERY_CODES = 10
DRIFT_STEPS = 1


def required_for(user: User) -> bool:
    """Whether a workspace policy obliges this person to use a second factor."""
    admin = WorkspaceMembership.objects.filter(
        user=user,
        role__in=[WorkspaceMembership.Role.OWNER, WorkspaceMembership.Role.ADMIN],
        workspace__require_2fa=True,
    ).exists()
    if admin:
        return True
    return BrandRole.objects.filter(
        user=user, role="strategist", brand__workspace__require_2fa=True
    ).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_2fa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


# --- enrolment -------------------------------------------------------------------------------
def start_enrolment(user: User) -> TOTPDevice:
    """A new, unconfirmed secret (replacing an unconfirmed one); a confirmed device is
    kept until the new one is confirmed."""
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is None and device.secret.get("key"):
        return device
    if device is not None and device.confirmed_at is not None:
        return device
    key = pyotp.random_base32()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret": {"key": key}, "confirmed_at": None, "last_step": 0}
    )
    return device


def provisioning_uri(user: User, device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret["key"]).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element (no script, no external image: CSP-safe)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _step_matching(device: TOTPDevice, code: str, now: float | None = None) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(device.secret["key"])
    now = time.time() if now is None else now
    current = int(now) // totp.interval
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(device: TOTPDevice, code: str, now: float | None = None) -> bool:
    """True once per accepted code: the step is recorded with a conditional UPDATE, so
    the same code sent twice (or by two processes at once) is refused the second time."""
    step = _step_matching(device, code, now)
    if step is None or step <= device.last_step:
        return False
    won = TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    if won:
        device.last_step = step
    return bool(won)


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns them (shown once)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(5)).decode().lower()
        codes.append(f"{raw[:4]}-{raw[4:]}")
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(c)) for c in codes])
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return bool(used)


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def do_confirm_enrolment(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a first code; returns fresh recovery codes, or None when
    the code is wrong."""
    if not verify_totp(device, code):
        return None
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    codes = new_recovery_codes(user)
    record_audit("user.2fa_enabled", actor=user)
    return codes


@transaction.atomic
def do_disable(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    record_audit("user.2fa_disabled", actor=user)


def check_second_factor(user: User, code: str) -> str | None:
    """``"totp"`` or ``"recovery"`` when ``code`` is accepted, else None."""
    device = confirmed_device(user)
    if device is None:
        return None
    if verify_totp(device, code):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery"
    return None
