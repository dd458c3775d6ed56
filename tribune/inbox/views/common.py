"""What every inbox view shares: the decorator, lookups in the brand scope, tabs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap

TABS = [
    ("queue", _("Queue"), "inbox:queue", Cap.VIEW),
    ("stats", _("Response times"), "inbox:stats", Cap.VIEW),
    ("rules", _("Moderation rules"), "inbox:rules", Cap.VIEW),
    ("log", _("Automatic actions"), "inbox:moderation_log", Cap.VIEW),
    ("saved", _("Saved replies"), "inbox:saved_replies", Cap.VIEW),
]


def inbox_view(need: Cap = Cap.VIEW) -> Callable[[Callable[..., Any]], Any]:
    """``brand_view`` plus the brand's time zone for every time shown."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def in_brand_time(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            with timezone.override(request.brand.tz):  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)

        return brand_view(need)(in_brand_time)  # type: ignore[no-any-return]

    return decorator


def get_in_scope[M: models.Model](model: type[M] | QuerySet[M], pk: Any, **extra: Any) -> M:
    """The row among the current brand's rows; 404 otherwise (a foreign brand's id looks
    exactly like one that does not exist). ``model`` may be a queryset of the brand-scoped
    manager (with its ``select_related``), to load the row and its relations at once."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    rows = model if isinstance(model, QuerySet) else model._default_manager.all()
    obj = rows.filter(pk=pk, **extra).first()
    if obj is None:
        raise Http404
    return obj


def require(request: HttpRequest, cap: Cap) -> None:
    if not request.access.can(cap):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Your role on this brand does not allow this."))


def tabs_context(request: HttpRequest, tab: str) -> dict[str, Any]:
    access = request.access  # type: ignore[attr-defined]
    return {
        "tabs": [(key, label, url) for key, label, url, cap in TABS if access.can(cap)],
        "tab": tab,
        "can_moderate": access.can(Cap.MODERATE),
        "can_strategy": access.can(Cap.STRATEGY),
    }
