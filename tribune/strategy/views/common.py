"""What every strategy view shares: the decorator, object lookup in the brand's scope,
capability checks for POST actions, and the section tabs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap

TABS = [
    ("overview", _("Overview"), "strategy:overview"),
    ("charter", _("Charter"), "strategy:charter"),
    ("editorial", _("Editorial line"), "strategy:editorial"),
    ("objectives", _("Objectives"), "strategy:objectives"),
    ("campaigns", _("Campaigns"), "strategy:campaigns"),
    ("mix", _("Platforms & budget"), "strategy:mix"),
    ("plan", _("Action plan"), "strategy:plan"),
    ("reports", _("Reports"), "strategy:reports"),
    ("decisions", _("Decisions"), "strategy:decisions"),
    ("crisis", _("Crisis"), "strategy:crisis"),
]


def strategy_view(need: Cap = Cap.VIEW) -> Callable[[Callable[..., Any]], Any]:
    """``brand_view`` plus the brand's time zone for every date shown or parsed."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def in_brand_time(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            with timezone.override(request.brand.tz):  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)

        return brand_view(need)(in_brand_time)  # type: ignore[no-any-return]

    return decorator


def get_in_scope[M: models.Model](model: type[M], pk: Any) -> M:
    """The row with this id among the current brand's rows; 404 otherwise (a foreign
    brand's id looks exactly like an id that does not exist)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def require(request: HttpRequest, cap: Cap) -> None:
    if not request.access.can(cap):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Your role on this brand does not allow this."))


def can(request: HttpRequest, cap: Cap) -> bool:
    return bool(request.access.can(cap))  # type: ignore[attr-defined]


def page(request: HttpRequest, template: str, tab: str, **context: Any) -> HttpResponse:
    context.setdefault("tabs", TABS)
    context["tab"] = tab
    context["can_edit"] = can(request, Cap.STRATEGY)
    context["can_audit"] = can(request, Cap.AUDIT)
    return render(request, template, context)
