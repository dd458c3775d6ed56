"""CM action plans: recurrence by local dates across daylight-saving changes (Paris)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import PASSWORD
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.strategy.models import ActionTask
from tribune.strategy.services.plans import (
    do_complete_task,
    do_reopen_task,
    is_overdue,
    local_today,
    next_due_date,
)


def _task(brand, due: date, recurrence: str = "weekly", **extra) -> ActionTask:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return ActionTask.objects.create(
            brand=brand,
            title="Veille Instagram",
            network="instagram",
            due_date=due,
            recurrence=recurrence,
            anchor_day=due.day,
            **extra,
        )


def test_weekly_sunday_tasks_stay_on_sunday_across_both_dst_changes(tenants):
    cm = tenants.people["community_manager"]
    # Last Sunday of March 2026 is the 29th (clocks go forward), of October the 25th (back).
    task = _task(tenants.brand_a, date(2026, 3, 22))
    dates = []
    with brand_scope(tenants.brand_a):
        for _ in range(2):
            task = do_complete_task(task, cm)
            dates.append(task.due_date)
        october = _task(tenants.brand_a, date(2026, 10, 18))
        for _ in range(2):
            october = do_complete_task(october, cm)
            dates.append(october.due_date)
    assert dates == [date(2026, 3, 29), date(2026, 4, 5), date(2026, 10, 25), date(2026, 11, 1)]
    assert all(d.weekday() == 6 for d in dates)


def test_overdue_is_judged_on_the_brands_local_date_around_the_dst_change(tenants):
    task = _task(tenants.brand_a, date(2026, 3, 29))
    brand = tenants.brand_a
    # 29 March 23:30 in Paris (CEST, UTC+2) is 21:30 UTC: still due today.
    assert local_today(brand, datetime(2026, 3, 29, 21, 30, tzinfo=UTC)) == date(2026, 3, 29)
    assert not is_overdue(task, brand, datetime(2026, 3, 29, 21, 30, tzinfo=UTC))
    # 22:30 UTC is already 30 March 00:30 in Paris, while UTC still says the 29th.
    assert is_overdue(task, brand, datetime(2026, 3, 29, 22, 30, tzinfo=UTC))
    # In October, 25th 23:30 Paris (CET, UTC+1) is 22:30 UTC; 23:30 UTC is the 26th there.
    autumn = _task(brand, date(2026, 10, 25))
    assert not is_overdue(autumn, brand, datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
    assert is_overdue(autumn, brand, datetime(2026, 10, 25, 23, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    "due,anchor,expected",
    [
        (date(2026, 1, 31), 31, date(2026, 2, 28)),
        (date(2026, 2, 28), 31, date(2026, 3, 31)),  # back to the 31st, no drift
        (date(2026, 3, 31), 31, date(2026, 4, 30)),
        (date(2027, 12, 15), 15, date(2028, 1, 15)),
        (date(2028, 1, 29), 29, date(2028, 2, 29)),  # leap year
    ],
)
def test_monthly_tasks_keep_their_day_of_the_month(due, anchor, expected):
    assert next_due_date(due, "monthly", anchor) == expected


def test_a_one_off_task_has_no_next_occurrence(tenants):
    task = _task(tenants.brand_a, date(2026, 3, 2), recurrence="")
    with brand_scope(tenants.brand_a):
        assert do_complete_task(task, tenants.owner) is None
        assert ActionTask.objects.count() == 1


def test_completing_twice_creates_one_next_occurrence(tenants):
    task = _task(tenants.brand_a, date(2026, 3, 2))
    with brand_scope(tenants.brand_a):
        copy = ActionTask.objects.get(pk=task.pk)
        assert do_complete_task(task, tenants.owner) is not None
        assert do_complete_task(copy, tenants.people["community_manager"]) is None
        assert ActionTask.objects.filter(previous=task).count() == 1
        assert ActionTask.objects.count() == 2


def test_the_next_occurrence_keeps_owner_network_and_recurrence(tenants):
    cm = tenants.people["community_manager"]
    task = _task(tenants.brand_a, date(2026, 3, 2), recurrence="monthly", owner=cm, notes="n")
    with brand_scope(tenants.brand_a):
        following = do_complete_task(task, cm)
    assert following is not None
    assert (following.owner, following.network, following.recurrence, following.notes) == (
        cm,
        "instagram",
        "monthly",
        "n",
    )
    assert following.previous == task and following.done_at is None


def test_completion_and_reopening_are_audited(tenants):
    cm = tenants.people["community_manager"]
    task = _task(tenants.brand_a, date(2026, 3, 2))
    with brand_scope(tenants.brand_a):
        do_complete_task(task, cm)
        assert do_reopen_task(task, cm)
        assert not do_reopen_task(task, cm)
    events = AuditEvent.objects.filter(brand=tenants.brand_a).order_by("id")
    done, reopened = [e for e in events if e.action.startswith("task.")]
    assert (done.action, done.actor, done.after["next_due_date"]) == (
        "task.completed",
        cm,
        "2026-03-09",
    )
    assert reopened.action == "task.reopened" and reopened.after == {"done": False}


def test_the_cm_plans_and_completes_tasks_in_the_page(client, tenants):
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    response = client.post(
        "/b/alpha/strategy/plan/",
        {
            "action": "create",
            "title": "Répondre aux avis",
            "network": "instagram",
            "due_date": "2026-03-22",
            "recurrence": "weekly",
            "owner": "",
        },
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        task = ActionTask.objects.get(title="Répondre aux avis")
    assert task.anchor_day == 22
    client.post("/b/alpha/strategy/plan/", {"action": "complete", "task": task.pk})
    with brand_scope(tenants.brand_a):
        assert ActionTask.objects.get(previous=task).due_date == date(2026, 3, 29)
    page = client.get("/b/alpha/strategy/plan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Répondre aux avis" in page and "Instagram" in page


def test_readers_cannot_change_the_plan(client, tenants):
    task = _task(tenants.brand_a, date(2026, 3, 2))
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    response = client.post("/b/alpha/strategy/plan/", {"action": "complete", "task": task.pk})
    assert response.status_code == 403
    assert client.get("/b/alpha/strategy/plan/").status_code == 200
