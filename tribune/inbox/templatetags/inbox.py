"""Template filters of the inbox: durations and the response clock."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tribune.inbox.services.stats import duration as _duration

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    return _duration(seconds)


@register.filter
def clock(due_at: datetime | None) -> SafeString | str:
    """ "Late by 2 h 05 min" (red) or "Due in 35 min" for a thread waiting for an answer."""
    if due_at is None:
        return ""
    left = (due_at - timezone.now()).total_seconds()
    if left < 0:
        return format_html(
            '<span class="badge late" data-testid="sla-late">{}</span>',
            _("Late by %(time)s") % {"time": _duration(-left)},
        )
    css = "badge soon" if left < 1800 else "badge"
    return format_html(
        '<span class="{}" data-testid="sla-due">{}</span>',
        css,
        _("Answer within %(time)s") % {"time": _duration(left)},
    )


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"
