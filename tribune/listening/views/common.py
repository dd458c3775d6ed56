"""What every listening view shares: the decorator (brand time zone), lookups, tabs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap

TABS = [
    ("dashboard", _("Overview"), "listening:dashboard"),
    ("mentions", _("Mentions"), "listening:mentions"),
    ("alerts", _("Alerts"), "listening:alerts"),
    ("queries", _("Queries"), "listening:queries"),
    ("sources", _("Sources"), "listening:sources"),
    ("on_call", _("On call"), "listening:on_call"),
]

# Who edits queries, sources and the on-call schedule: community managers and
# strategists (the people who answer a crisis).
CONFIGURE = Cap.MODERATE


def listening_view(need: Cap = Cap.VIEW) -> Callable[[Callable[..., Any]], Any]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def in_brand_time(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            with timezone.override(request.brand.tz):  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)

        return brand_view(need)(in_brand_time)  # type: ignore[no-any-return]

    return decorator


def get_in_scope[M: models.Model](model: type[M], pk: Any) -> M:
    """The row among the current brand's rows; 404 otherwise."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def require(request: HttpRequest, cap: Cap) -> None:
    if not request.access.can(cap):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Your role on this brand does not allow this."))


def tabs(request: HttpRequest, tab: str) -> dict[str, Any]:
    return {
        "tabs": TABS,
        "tab": tab,
        "can_configure": request.access.can(CONFIGURE),  # type: ignore[attr-defined]
    }
