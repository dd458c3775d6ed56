"""What every community view shares: access (community managers and strategists
write, analysts read), the brand time zone, lookups and tabs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap

READ = Cap.REPORTS  # analysts (and client reviewers) read
WRITE = Cap.COMMUNITY  # community managers, strategists, workspace admins

TABS = [
    ("members", _("Members"), "community:members"),
    ("leaders", _("Opinion leaders"), "community:leaders"),
    ("pipeline", _("Outreach"), "community:pipeline"),
    ("events", _("Events"), "community:events"),
    ("briefings", _("Briefings"), "community:briefings"),
    ("feedback", _("Feedback"), "community:feedback"),
    ("segments", _("Segments"), "community:segments"),
    ("competitors", _("Competitors"), "community:competitors"),
]


def community_view(need: Cap = READ) -> Callable[[Callable[..., Any]], Any]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def in_brand_time(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            with timezone.override(request.brand.tz):  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)

        return brand_view(need)(in_brand_time)  # type: ignore[no-any-return]

    return decorator


def get_in_scope[M: models.Model](model: type[M], pk: Any, **extra: Any) -> M:
    obj = model._default_manager.filter(pk=pk, **extra).first()
    if obj is None:
        raise Http404
    return obj


def require_write(request: HttpRequest) -> None:
    if not request.access.can(WRITE):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Your role on this brand does not allow this."))


def tabs(request: HttpRequest, tab: str) -> dict[str, Any]:
    return {"tabs": TABS, "tab": tab, "can_write": request.access.can(WRITE)}  # type: ignore[attr-defined]


def back(request: HttpRequest, url: str, error: Exception | None = None) -> HttpResponseRedirect:
    if error is not None:
        messages.error(request, str(error))
    return HttpResponseRedirect(url)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")
