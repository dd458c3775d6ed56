"""What analytics views share: the decorator, tabs, the date range and CSV export."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.analytics.dashboard import Table
from tribune.analytics.forms import PRESETS, RangeForm
from tribune.analytics.kpis import Period

TABS = [
    ("dashboard", _("Overview"), "analytics:dashboard"),
    ("conversions", _("Conversions"), "analytics:conversions"),
    ("competitors", _("Competitors"), "analytics:competitors"),
    ("reports", _("Reports"), "analytics:reports"),
]
# Reading needs REPORTS (analysts, strategists, community managers, client reviewers);
# configuring goals, reports and competitors needs STRATEGY.
READ = Cap.REPORTS
CONFIGURE = Cap.STRATEGY


def analytics_view(need: Cap = READ) -> Callable[[Callable[..., Any]], Any]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def in_brand_time(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            with timezone.override(request.brand.tz):  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)

        return brand_view(need)(in_brand_time)  # type: ignore[no-any-return]

    return decorator


def require(request: HttpRequest, cap: Cap) -> None:
    if not request.access.can(cap):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Your role on this brand does not allow this."))


def get_in_scope[M](model: type[M], pk: Any) -> M:
    obj = model._default_manager.filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None:
        raise Http404
    return obj  # type: ignore[no-any-return]


def period_from(request: HttpRequest, default_days: int = 30) -> tuple[Period, RangeForm]:
    form = RangeForm(request.GET or None)
    today = timezone.localdate(timezone=request.brand.tz)  # type: ignore[attr-defined]
    return form.period(today, default_days), form


def page_context(request: HttpRequest, tab: str, period: Period, form: RangeForm) -> dict[str, Any]:
    return {
        "tabs": TABS,
        "tab": tab,
        "period": period,
        "previous": period.previous(),
        "range_form": form,
        "presets": PRESETS,
        "can_configure": request.access.can(CONFIGURE),  # type: ignore[attr-defined]
        "query": request.GET.urlencode(),
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection); a handle
    # such as "@brand" stays readable, "@SUM(…)" does not pass.
    risky = text[:1] in ("=", "+", "-", "\t", "\r") or (text[:1] == "@" and "(" in text)
    return "'" + text if risky and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(table: Table, slug: str, period: Period) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{slug}-{table.key}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(response)
    writer.writerow([str(label) for _key, label in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(key)) for key, _label in table.columns])
    return response


def export(request: HttpRequest, tables: list[Table], period: Period) -> HttpResponse | None:
    """``?export=<table key>`` answers that table as CSV; None when not asked."""
    key = request.GET.get("export")
    if not key:
        return None
    for table in tables:
        if table.key == key:
            return csv_response(table, request.brand.slug, period)  # type: ignore[attr-defined]
    raise Http404("No such table.")
