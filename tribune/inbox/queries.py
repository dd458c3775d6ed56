"""The queue: threads of the brands in scope, newest activity first, filtered.

One function, ``queue``, serves the brand inbox, the cross-brand inbox and the
benchmark. Pages are keyset-paginated on ``(last_activity_at, id)`` (no OFFSET, no
COUNT over the whole queue): the indexes in ``models/threads.py`` answer the first page
and every "older" page by reading 50 index entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tribune.inbox import conf
from tribune.inbox.models import Thread, ThreadStatus


@dataclass(frozen=True)
class QueueFilters:
    status: str = ThreadStatus.OPEN  # "" = every status
    brand_ids: tuple[int, ...] = ()  # cross-brand inbox: narrow to some brands
    network: str = ""
    account_id: int | None = None
    sentiment: str = ""
    language: str = ""
    assignee: str = ""  # "" any, "none", "me" or a user id
    tag_id: int | None = None
    question: bool = False
    vip: bool = False
    flagged: bool = False
    late: bool = False
    before: tuple[datetime, int] | None = None  # keyset: older than this (time, id)


def parse_before(value: str) -> tuple[datetime, int] | None:
    """``<iso time>_<id>`` as written by ``next_cursor``; None when malformed."""
    moment, _, pk = value.rpartition("_")
    parsed = parse_datetime(moment) if moment else None
    if parsed is None or not pk.isdigit():
        return None
    return parsed, int(pk)


def next_cursor(thread: Thread) -> str:
    return f"{thread.last_activity_at.isoformat()}_{thread.pk}"


def queue(filters: QueueFilters, user_id: int) -> QuerySet[Thread]:
    """Threads matching ``filters`` in the current brand scope, newest first."""
    qs = Thread.objects.all()
    if filters.brand_ids:
        qs = qs.filter(brand_id__in=filters.brand_ids)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.network:
        qs = qs.filter(network=filters.network)
    if filters.account_id:
        qs = qs.filter(account_id=filters.account_id)
    if filters.sentiment:
        qs = qs.filter(sentiment=filters.sentiment)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee == "me":
        qs = qs.filter(assignee_id=user_id)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.tag_id:
        qs = qs.filter(tags__id=filters.tag_id)
    if filters.question:
        qs = qs.filter(has_question=True)
    if filters.vip:
        qs = qs.filter(author__followers__gte=conf.vip_followers())
    if filters.flagged:
        qs = qs.filter(flagged=True)
    if filters.late:
        qs = qs.filter(sla_due_at__lt=timezone.now())
    if filters.before:
        moment, pk = filters.before
        qs = qs.filter(
            Q(last_activity_at__lt=moment) | Q(last_activity_at=moment, id__lt=pk),
            last_activity_at__lte=moment,  # redundant, so the index range starts there
        )
    return qs.order_by("-last_activity_at", "-id")


def page(
    filters: QueueFilters, user_id: int, size: int = conf.PAGE_SIZE
) -> tuple[list[Thread], str]:
    """One page of the queue with what the list shows, and the cursor of the next page."""
    rows = list(
        queue(filters, user_id)
        .select_related("account", "assignee", "author", "brand")
        # the account's credentials are encrypted: decrypting them for every row of a list
        # that never shows them was a tenth of the page's time
        .defer("account__credentials")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, (next_cursor(rows[-1]) if more and rows else "")
