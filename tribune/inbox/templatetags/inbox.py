"""Template filters and tags of the inbox: durations, the response clock, queue rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tribune.core.http import id_url
from tribune.inbox.models import ThreadStatus
from tribune.inbox.services.stats import duration as _duration
from tribune.networks.registry import network_choices

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


@register.simple_tag(takes_context=True)
def queue_rows(
    context: template.Context, rows: list[Any], bulk: bool = False, show_brand: bool = False
) -> SafeString:
    """The rows of a queue table. Written in Python rather than as a template: the queue
    is the page community managers load most, and fifty rows of template tags were the
    larger part of its time (see docs/benchmarks.md, load test). Every value from the
    database or a network goes through ``escape``."""
    if not rows:
        return format_html(
            '<tr><td colspan="5">{}</td></tr>', _("No conversation matches these filters.")
        )
    qs = context.get("qs") or ""
    words = {
        "select": _("Select"),
        "sandbox": _("Sandbox — simulated"),
        "msg": _("msg."),
        "dm": _("Direct message"),
        "language": _("Language"),
        "question": _("Question"),
        "review": _("To review"),
        "unassigned": _("Unassigned"),
        "negative": _("Negative"),
        "positive": _("Positive"),
        "neutral": _("Neutral"),
    }
    labels = {
        **{f"status:{k}": str(v) for k, v in ThreadStatus.choices},
        **{f"network:{k}": str(v) for k, v in network_choices()},
    }
    links: dict[str, Callable[[int], str]] = {}  # brand slug -> the thread URL of an id
    when = get_format("SHORT_DATETIME_FORMAT")
    out = [
        _queue_row(t, words, labels, links, when, qs, show_brand=show_brand, bulk=bulk)
        for t in rows
    ]
    return mark_safe("\n".join(out))  # noqa: S308 - every part is escaped in _queue_row


def _queue_row(
    t: Any,
    words: dict[str, str],
    labels: dict[str, str],
    links: dict[str, Callable[[int], str]],
    when: str,
    qs: str,
    *,
    show_brand: bool,
    bulk: bool,
) -> str:
    e = escape
    slug = t.brand.slug
    if slug not in links:
        links[slug] = id_url("inbox:thread", slug)
    url = links[slug](t.pk) + (f"?{qs}" if qs else "")
    account, author = t.account, t.author
    parts = [
        f'<tr data-thread="{t.pk}" class="{"late" if t.is_late else ""}" data-testid="thread-row">'
    ]
    if bulk:
        parts.append(
            f'  <td><input type="checkbox" name="threads" value="{t.pk}" form="bulk-form" '
            f'aria-label="{e(words["select"])}"></td>'
        )
    vip = ' <span class="badge vip">VIP</span>' if author is not None and author.is_vip else ""
    meta = ([e(t.brand.name)] if show_brand else []) + [
        e(labels.get(f"network:{account.network}", account.network))
    ]
    sandbox = (
        f' <span class="badge sandbox">{e(words["sandbox"])}</span>' if account.is_sandbox else ""
    )
    dm = f" · {e(words['dm'])}" if t.kind == "dm" else ""
    parts.append(
        f'  <td>\n    <a class="preview" href="{e(url)}">\n'
        f"      <strong>{e(t.last_author_label)}{vip}</strong>\n"
        f"      {e(Truncator(t.last_text).chars(140))}\n    </a>\n"
        f'    <span class="meta">{" · ".join(meta)} · @{e(account.handle)}{sandbox}\n'
        f"      · {t.message_count} {e(words['msg'])}{dm}</span>\n  </td>"
    )
    badges = []
    if t.sentiment:
        label = words.get(t.sentiment, words["neutral"])
        badges.append(f'<span class="badge {e(t.sentiment)}">{e(label)}</span>')
    if t.language:
        badges.append(f'<span class="badge" title="{e(words["language"])}">{e(t.language)}</span>')
    if t.has_question:
        badges.append(f'<span class="badge question">{e(words["question"])}</span>')
    if t.flagged:
        badges.append(f'<span class="badge flag">{e(words["review"])}</span>')
    tags = t.tag_list if hasattr(t, "tag_list") else t.tags.all()
    badges.extend(f'<span class="badge">#{e(tag.name)}</span>' for tag in tags)
    parts.append("  <td>\n    " + "\n    ".join(badges) + "\n  </td>")
    assignee = t.assignee.display_name if t.assignee else words["unassigned"]
    status = labels.get(f"status:{t.status}", t.status)
    parts.append(
        f'  <td><span class="badge status-{e(t.status)}" data-testid="thread-status">'
        f'{e(status)}</span><br>\n    <span class="meta">{e(assignee)}</span></td>'
    )
    moment = dateformat.format(timezone.localtime(t.last_activity_at), when)
    parts.append(f'  <td>{clock(t.sla_due_at)}<br><span class="meta">{e(moment)}</span></td>')
    parts.append("</tr>")
    return "\n".join(parts)
