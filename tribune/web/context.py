"""Template context shared by every page: the brands a person can switch between."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tribune.accounts.access import brands_for_user
from tribune.accounts.models import BrandRole

# The product areas, in the order of the navigation. ``url`` is a URL name taking the
# brand slug, or None while the area is still being built (shown as "coming soon").
AREAS: list[dict[str, Any]] = [
    {"key": "dashboard", "label": _("Dashboard"), "url": "web:dashboard"},
    {"key": "publishing", "label": _("Publishing"), "url": "publishing:calendar"},
    {"key": "inbox", "label": _("Inbox"), "url": "inbox:queue"},
    {"key": "listening", "label": _("Listening"), "url": "listening:dashboard"},
    {"key": "analytics", "label": _("Analytics"), "url": "analytics:dashboard"},
    {"key": "community", "label": _("Community"), "url": "community:members"},
    {"key": "strategy", "label": _("Strategy"), "url": "strategy:overview"},
    {"key": "accounts", "label": _("Social accounts"), "url": "web:accounts"},
    {"key": "team", "label": _("Team"), "url": "web:team"},
    {"key": "integrations", "label": _("Integrations"), "url": "webhooks:overview"},
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    brands = list(brands_for_user(request.user))  # type: ignore[arg-type]
    access = getattr(request, "access", None)
    labels = dict(BrandRole.Role.choices)
    return {
        "current_role_labels": sorted((r, labels.get(r, r)) for r in access.roles)
        if access
        else [],
        "nav_brands": brands,
        "nav_areas": AREAS,
        "current_brand": getattr(request, "brand", None),
        "current_access": getattr(request, "access", None),
    }
