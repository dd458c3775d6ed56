"""Who may be named on a brand's strategy rows (owners, assignees): its team."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tribune.accounts.models import Brand, User, WorkspaceMembership


def brand_people(brand: Brand) -> QuerySet[User]:
    admins = WorkspaceMembership.objects.filter(
        workspace_id=brand.workspace_id,
        role__in=[WorkspaceMembership.Role.OWNER, WorkspaceMembership.Role.ADMIN],
    ).values("user_id")
    return (
        User.objects.filter(Q(brand_roles__brand=brand) | Q(pk__in=admins), is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )
