import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tribune.accounts.access import access_brand_by_slug, brands_for_user
from tribune.accounts.roles import Cap


def test_roles_give_their_capabilities(tenants):
    cm = tenants.people["community_manager"]
    access = access_brand_by_slug(cm, "alpha", Cap.DRAFT)
    assert access.can(Cap.MODERATE) and not access.can(Cap.APPROVE)
    with pytest.raises(PermissionDenied):
        access_brand_by_slug(tenants.people["analyst"], "alpha", Cap.DRAFT)
    assert access_brand_by_slug(tenants.people["client_reviewer"], "alpha", Cap.APPROVE)


def test_no_role_means_not_found(tenants):
    with pytest.raises(Http404):
        access_brand_by_slug(tenants.people["strategist"], "beta")
    with pytest.raises(Http404):
        access_brand_by_slug(tenants.outsider, "alpha")
    with pytest.raises(Http404):
        access_brand_by_slug(tenants.owner, "does-not-exist")


def test_workspace_owner_sees_every_brand_of_the_workspace_only(tenants):
    assert [b.slug for b in brands_for_user(tenants.owner)] == ["alpha", "beta"]
    assert access_brand_by_slug(tenants.owner, "beta", Cap.ADMIN).workspace_admin
    with pytest.raises(Http404):
        access_brand_by_slug(tenants.owner, "gamma")


def test_inactive_user_has_no_access(tenants):
    cm = tenants.people["community_manager"]
    cm.is_active = False
    cm.save()
    with pytest.raises(Http404):
        access_brand_by_slug(cm, "alpha")
