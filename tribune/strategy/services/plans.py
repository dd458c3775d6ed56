"""CM action plans: completing a recurring task creates its next occurrence.

Due dates are dates in the brand's time zone. Adding a week to a date is the same on
both sides of a daylight-saving change, so "every Sunday" never drifts to Saturday 23:00
or Monday 01:00 the way an instant plus 7 × 24 h would.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.strategy.auditing import audit
from tribune.strategy.models import ActionTask

TASK_FIELDS = ["title", "notes", "network", "owner", "due_date", "recurrence"]


def local_today(brand: Brand, now: datetime | None = None) -> date:
    """Today's date where the brand is (its time zone), not on the server."""
    return (now or timezone.now()).astimezone(brand.tz).date()


def next_due_date(due: date, recurrence: str, anchor_day: int) -> date | None:
    """The following occurrence's date; monthly tasks keep their day of the month,
    falling back to the month's last day (31 → 30 April, 29 February)."""
    if recurrence == ActionTask.Recurrence.WEEKLY:
        return due + timedelta(days=7)
    if recurrence == ActionTask.Recurrence.MONTHLY:
        year, month = (due.year + 1, 1) if due.month == 12 else (due.year, due.month + 1)
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(anchor_day, last))
    return None


def is_overdue(task: ActionTask, brand: Brand, now: datetime | None = None) -> bool:
    return task.done_at is None and task.due_date < local_today(brand, now)


def prepare_task(task: ActionTask) -> ActionTask:
    """Fill the fields derived from the form's (anchor day of a monthly task)."""
    task.anchor_day = task.due_date.day
    return task


@transaction.atomic
def do_complete_task(
    task: ActionTask, actor: Any, now: datetime | None = None
) -> ActionTask | None:
    """Mark the task done (once, even if two people click at the same time) and create
    the next occurrence of a recurring task. Returns the next occurrence, if any."""
    now = now or timezone.now()
    won = ActionTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now, done_by=actor if getattr(actor, "pk", None) else None
    )
    if not won:
        return None
    task.refresh_from_db()
    following = None
    due = next_due_date(task.due_date, task.recurrence, task.anchor_day)
    if due is not None:
        following = ActionTask.objects.create(
            brand_id=task.brand_id,
            title=task.title,
            notes=task.notes,
            network=task.network,
            owner_id=task.owner_id,
            due_date=due,
            recurrence=task.recurrence,
            anchor_day=task.anchor_day,
            previous=task,
        )
    audit(
        "task.completed",
        brand=task.brand,
        actor=actor,
        obj=task,
        before={"done": False},
        after={"done": True, "next_due_date": due.isoformat() if due else None},
    )
    return following


@transaction.atomic
def do_reopen_task(task: ActionTask, actor: Any) -> bool:
    """Undo a completion. The next occurrence, already created, stays."""
    reopened = ActionTask.objects.filter(pk=task.pk, done_at__isnull=False).update(
        done_at=None, done_by=None
    )
    if reopened:
        audit(
            "task.reopened",
            brand=task.brand,
            actor=actor,
            obj=task,
            before={"done": True},
            after={"done": False},
        )
    return bool(reopened)
