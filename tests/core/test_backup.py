"""`tribune backup` / `tribune restore` round trip, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tribune.accounts.models import Brand, User
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_brings_everything_back(tenants, tmp_path):
    with brand_scope(tenants.brand_a):
        do_connect_account(
            tenants.brand_a,
            "sandbox",
            Credentials(handle="a.sandbox", secrets={"token": "s3cret"}),
            None,
        )
    target = tmp_path / "backup.bin"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    # Things go wrong after the backup…
    Brand.objects.filter(slug="beta").delete()
    User.objects.filter(email="analyst@example.test").delete()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))
    call_command("restore", str(target), "--yes")
    assert Brand.objects.filter(slug="beta").exists()
    assert User.objects.filter(email="analyst@example.test").exists()
    with brand_scope(tenants.brand_a):
        # Encrypted secrets are still readable with the same keys.
        assert SocialAccount.objects.get().credentials == {"token": "s3cret"}


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "not-a-backup"
    bogus.write_text("hello")
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
