from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from tribune.core import crypto
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account, do_store_refreshed_credentials


def _raw_credentials(account_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM networks_socialaccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


def test_tokens_are_encrypted_at_rest(tenants):
    creds = Credentials(
        handle="alpha.sandbox",
        secrets={"access_token": "very-secret-value", "refresh_token": "refresh-me"},
    )
    with brand_scope(tenants.brand_a):
        account = do_connect_account(tenants.brand_a, "sandbox", creds, tenants.owner)
        raw = _raw_credentials(account.pk)
        assert "very-secret-value" not in raw and "refresh-me" not in raw
        reloaded = SocialAccount.objects.get(pk=account.pk)
        assert reloaded.credentials["access_token"] == "very-secret-value"


def test_refresh_never_drops_the_refresh_token(tenants):
    creds = Credentials(
        handle="alpha.sandbox", secrets={"access_token": "old", "refresh_token": "keep-me"}
    )
    with brand_scope(tenants.brand_a):
        account = do_connect_account(tenants.brand_a, "sandbox", creds, tenants.owner)
        # The network answered with a new access token but no refresh token.
        do_store_refreshed_credentials(
            account,
            Credentials(
                handle="alpha.sandbox", secrets={"access_token": "new", "refresh_token": ""}
            ),
        )
        stored = SocialAccount.objects.get(pk=account.pk).credentials
    assert stored == {"access_token": "new", "refresh_token": "keep-me"}


def test_key_rotation_keeps_old_ciphertexts_readable():
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[old_key]):
        token = crypto.encrypt_text("secret")
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[new_key, old_key]):
        assert crypto.decrypt_text(token) == "secret"
        rotated = crypto.rotate_text(token)
    with override_settings(TRIBUNE_ENCRYPTION_KEYS=[new_key]):
        assert crypto.decrypt_text(rotated) == "secret"
        try:
            crypto.decrypt_text(token)
        except crypto.DecryptionError as exc:
            assert "TRIBUNE_ENCRYPTION_KEYS" in str(exc)
        else:
            raise AssertionError("a token from a dropped key must not decrypt")
