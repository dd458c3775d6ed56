"""The brand's audit log: who did what, filtered, and exported as CSV (streamed)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from tribune.accounts.roles import Cap
from tribune.core.models import AuditEvent
from tribune.strategy.audit_labels import action_label
from tribune.strategy.views.common import page, strategy_view


class AuditFilter(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.ChoiceField(label=_("Person"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, events: QuerySet[AuditEvent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = sorted(set(events.values_list("action", flat=True)))
        self.fields["action"].choices = [("", _("All actions"))] + [  # type: ignore[attr-defined]
            (a, action_label(a)) for a in actions
        ]
        actors = sorted(set(events.values_list("actor_label", flat=True)))
        self.fields["actor"].choices = [("", _("Everyone"))] + [(a, a) for a in actors]  # type: ignore[attr-defined]

    def apply(self, events: QuerySet[AuditEvent], tz: Any) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_label=data["actor"])
        if data["since"]:  # local dates of the brand
            events = events.filter(created_at__gte=datetime.combine(data["since"], time(0), tz))
        if data["until"]:
            end = datetime.combine(data["until"] + timedelta(days=1), time(0), tz)
            events = events.filter(created_at__lt=end)
        return events


def _events(request: HttpRequest) -> tuple[AuditFilter, QuerySet[AuditEvent]]:
    brand = request.brand  # type: ignore[attr-defined]
    events = AuditEvent.objects.filter(brand=brand)
    form = AuditFilter(request.GET or None, events=events)
    return form, form.apply(events, brand.tz).order_by("-created_at", "-id")


@strategy_view(Cap.AUDIT)
def audit(request: HttpRequest) -> HttpResponse:
    form, events = _events(request)
    paginator = Paginator(events, 50)
    current = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page(
        request,
        "strategy/audit.html",
        "audit",
        form=form,
        page_obj=current,
        rows=[(e, action_label(e.action)) for e in current.object_list],
        query=query.urlencode(),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; make them plain text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@strategy_view(Cap.AUDIT)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    _form, events = _events(request)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so spreadsheet programs read the accents as UTF-8
        yield writer.writerow(
            ["time", "person", "action", "label", "object", "object_id", "before", "after"]
        )
        for e in events.iterator(chunk_size=500):
            yield writer.writerow(
                _cell(str(value))
                for value in [
                    e.created_at.astimezone(brand.tz).isoformat(),
                    e.actor_label,
                    e.action,
                    action_label(e.action),
                    e.object_type,
                    e.object_id,
                    json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                    json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"audit-{brand.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
