"""Resolve ids and slugs coming from requests into objects the user may see.

A brand the user has no role on is answered with 404, never 403, so its existence does
not leak. A brand the user can see but lacks the capability for gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from tribune.accounts.models import Brand, BrandRole, User, Workspace, WorkspaceMembership
from tribune.accounts.roles import Cap, caps_for_roles
from tribune.core.scope import brand_scope


@dataclass(frozen=True)
class BrandAccess:
    brand: Brand
    roles: frozenset[str]
    caps: frozenset[Cap]
    workspace_admin: bool

    def can(self, cap: Cap | str) -> bool:
        return Cap(cap) in self.caps


def _admin_memberships(user: User) -> QuerySet[WorkspaceMembership]:
    return WorkspaceMembership.objects.filter(
        user=user, role__in=[WorkspaceMembership.Role.OWNER, WorkspaceMembership.Role.ADMIN]
    )


def admin_workspace_ids(user: User) -> set[int]:
    return set(_admin_memberships(user).values_list("workspace_id", flat=True))


def brands_for_user(user: User) -> QuerySet[Brand]:
    if not user.is_authenticated:
        return Brand.objects.none()
    # The workspaces the person administers as a subquery: one round trip (every page
    # lists these brands in its navigation).
    administered = _admin_memberships(user).values("workspace_id")
    return (
        Brand.objects.filter(Q(roles__user=user) | Q(workspace_id__in=administered))
        .select_related("workspace")
        .distinct()
        .order_by("workspace__name", "name")
    )


def brand_access(user: User, brand: Brand) -> BrandAccess | None:
    if not user.is_authenticated or not user.is_active:
        return None
    roles = frozenset(
        BrandRole.objects.filter(user=user, brand=brand).values_list("role", flat=True)
    )
    is_admin = brand.workspace_id in admin_workspace_ids(user)
    if not roles and not is_admin:
        return None
    return BrandAccess(brand, roles, caps_for_roles(set(roles), is_admin), is_admin)


def access_brand_by_slug(user: User, slug: str, need: Cap | str = Cap.VIEW) -> BrandAccess:
    brand = Brand.objects.select_related("workspace").filter(slug=slug).first()
    access = brand_access(user, brand) if brand is not None else None
    if access is None:
        raise Http404("No such brand.")
    if not access.can(need):
        raise PermissionDenied("Your role on this brand does not allow this.")
    return access


def access_workspace_by_slug(user: User, slug: str, admin: bool = False) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None or not user.is_authenticated:
        raise Http404("No such workspace.")
    membership = WorkspaceMembership.objects.filter(workspace=workspace, user=user).first()
    has_brand_role = BrandRole.objects.filter(user=user, brand__workspace=workspace).exists()
    if membership is None and not has_brand_role:
        raise Http404("No such workspace.")
    if admin and not (membership and membership.is_admin):
        raise PermissionDenied("Only workspace owners and administrators can do this.")
    return workspace


def brand_view(need: Cap | str = Cap.VIEW) -> Callable[[Callable[..., HttpResponseBase]], Any]:
    """Decorate a view taking ``brand_slug``: checks the role, enters the tenant scope and
    sets ``request.access`` / ``request.brand``."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, brand_slug: str, *args: Any, **kwargs: Any) -> Any:
            access = access_brand_by_slug(request.user, brand_slug, need)  # type: ignore[arg-type]
            request.access = access  # type: ignore[attr-defined]
            request.brand = access.brand  # type: ignore[attr-defined]
            if request.session.get("brand") != access.brand.slug:
                # written only when it changes: saving the session is a database write
                request.session["brand"] = access.brand.slug
            with brand_scope(access.brand):
                return view(request, *args, **kwargs)

        return wrapped

    return decorator
