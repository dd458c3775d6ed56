"""Key rotation end to end: new key first, ``tribune rotate_keys``, old key removed —
every stored secret is still readable."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from tribune.core.crypto import encrypt_text
from tribune.core.management.commands.rotate_keys import encrypted_columns
from tribune.core.scope import brand_scope
from tribune.listening.models import OnCallSchedule
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account

pytestmark = pytest.mark.django_db


def test_every_encrypted_column_is_found():
    names = {f"{m._meta.label}.{c}" for m, c in encrypted_columns()}
    assert "networks.SocialAccount.credentials" in names
    assert "listening.OnCallSchedule.webhook_secret_encrypted" in names


def test_rotation_then_removing_the_old_key(tenants):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    brand = tenants.brand_a
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[old]), brand_scope(brand):
        account = do_connect_account(
            brand, "sandbox", Credentials(handle="a.sb", secrets={"access_token": "s3"}), None
        )
        OnCallSchedule.objects.create(
            brand=brand, webhook_secret_encrypted=encrypt_text("hook-secret")
        )
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_keys", verbosity=0)
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[new]), brand_scope(brand):
        assert SocialAccount.objects.get(pk=account.pk).credentials == {"access_token": "s3"}
        from tribune.core.crypto import decrypt_text

        stored = OnCallSchedule.objects.get(brand=brand).webhook_secret_encrypted
        assert decrypt_text(stored) == "hook-secret"


def test_an_unreadable_secret_stops_the_rotation_with_its_row(tenants):
    lost, other = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[lost]), brand_scope(tenants.brand_a):
        do_connect_account(
            tenants.brand_a, "sandbox", Credentials(handle="b.sb", secrets={"t": "x"}), None
        )
    refused = pytest.raises(CommandError, match="cannot be decrypted")
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[other]), refused:
        call_command("rotate_keys", verbosity=0)
