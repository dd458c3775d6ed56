import pytest

from tribune.core.scope import ScopeError, brand_scope, unscoped
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account


def _connect(brand, handle):
    with brand_scope(brand):
        return do_connect_account(brand, "sandbox", Credentials(handle=handle), None)


def test_query_without_scope_fails(tenants):
    _connect(tenants.brand_a, "a.sandbox")
    with pytest.raises(ScopeError, match="brand data"):
        list(SocialAccount.objects.all())


def test_scope_limits_rows_to_its_brands(tenants):
    _connect(tenants.brand_a, "a.sandbox")
    _connect(tenants.brand_b, "b.sandbox")
    with brand_scope(tenants.brand_a):
        assert [a.handle for a in SocialAccount.objects.all()] == ["a.sandbox"]
        # Even an explicit filter on another brand finds nothing.
        assert not SocialAccount.objects.filter(brand=tenants.brand_b).exists()
    with brand_scope(tenants.brand_a, tenants.brand_b):
        assert SocialAccount.objects.count() == 2
    with unscoped():
        assert SocialAccount.objects.count() == 2


def test_scope_is_restored_after_the_block(tenants):
    with brand_scope(tenants.brand_a):
        pass
    with pytest.raises(ScopeError):
        SocialAccount.objects.count()
