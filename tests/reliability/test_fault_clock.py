"""Clock jumps (NTP step, VM resume, a wrong clock fixed by hand), forward and backward,
for the periodic scheduler, publishing and crisis-alert escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.listening.factories import make_alert
from tests.publishing.conftest import sandbox_posts
from tests.reliability.faultlib import check_publishing_invariants, drive_publisher, schedule_posts
from tribune.core.scope import brand_scope
from tribune.listening.models import Alert, AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.listening.services.delivery import do_acknowledge, escalate_due, plan_page
from tribune.worker import periodic
from tribune.worker.models import JobRun, PeriodicJob

pytestmark = [pytest.mark.fault, pytest.mark.django_db]


def _runs() -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in JobRun.objects.values_list("job_name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return counts


# --- the scheduler ------------------------------------------------------------------------
def test_scheduler_forward_jump_runs_each_job_once_not_every_missed_slot(invariants):
    t0 = timezone.now().replace(microsecond=0)
    periodic.sync_jobs(t0)
    first = periodic.tick("w1", t0)
    invariants.check("every job runs at start", set(first) == set(periodic.REGISTRY), first)
    later = t0 + timedelta(hours=5)
    after_jump = periodic.tick("w1", later) + periodic.tick("w2", later)
    due = [name for name, p in periodic.REGISTRY.items() if p.every <= 5 * 3600]
    invariants.check(
        "after a 5 h jump each job runs once (missed slots are skipped, not replayed)",
        sorted(after_jump) == sorted(due),
        after_jump,
    )
    runs = _runs()
    invariants.check(
        "two runs per due job in the history",
        all(runs[name] == (2 if name in due else 1) for name in periodic.REGISTRY),
        runs,
    )
    upcoming = PeriodicJob.objects.filter(next_run_at__lte=later).count()
    invariants.check("every job is scheduled after the new time", upcoming == 0)


def test_scheduler_backward_jump_does_not_stall_the_jobs(invariants):
    t0 = timezone.now().replace(microsecond=0)
    periodic.sync_jobs(t0)
    periodic.tick("w1", t0)
    back = t0 - timedelta(hours=3)  # the clock is put back three hours
    longest = max(p.every for p in periodic.REGISTRY.values() if p.every <= 300)
    ran: list[str] = []
    now = back
    while now <= back + timedelta(seconds=longest):
        ran += periodic.tick("w1", now) + periodic.tick("w2", now)
        now += timedelta(seconds=10)
    frequent = {name for name, p in periodic.REGISTRY.items() if p.every <= 300}
    invariants.check(
        "every frequent job (publishing dispatch, alerts…) runs within one interval of the jump",
        frequent <= set(ran),
        sorted(frequent - set(ran)),
    )
    dispatch = [name for name in ran if name == "publishing.dispatch"]
    every = periodic.REGISTRY["publishing.dispatch"].every
    expected = longest // every + 1
    invariants.check(
        "no storm: the dispatch runs at its own pace after the jump",
        len(dispatch) <= expected,
        (len(dispatch), expected),
    )
    invariants.check(
        "no job runs twice in one slot",
        JobRun.objects.count() == len(set(JobRun.objects.values_list("job_name", "slot"))),
    )


# --- publishing ----------------------------------------------------------------------------
def test_posts_due_during_a_forward_jump_are_published_once(tenants, accounts, invariants):
    t0 = timezone.now()
    ids = []
    for i in range(6):
        ids += schedule_posts(
            tenants, [accounts[0]], 1, at=t0 + timedelta(minutes=10 * (i + 1)), prefix=f"J{i}"
        )
    drive_publisher(ids, t0 + timedelta(hours=3))  # the clock jumped over all of them

    def on_network(variant) -> int:  # type: ignore[no-untyped-def]
        return sandbox_posts("alpha.sandbox").filter(text=variant.outgoing_text.strip()).count()

    check_publishing_invariants(invariants, ids, on_network)


def test_backward_jump_publishes_nothing_early_and_then_everything(tenants, accounts, invariants):
    t0 = timezone.now()
    ids = schedule_posts(tenants, [accounts[0]], 3, at=t0 + timedelta(minutes=30))
    from tribune.publishing import publisher

    claimed = publisher.claim_due(now=t0 - timedelta(hours=2))
    invariants.check("nothing is published before its time on the new clock", claimed == [])
    drive_publisher(ids, t0 + timedelta(minutes=31))

    def on_network(variant) -> int:  # type: ignore[no-untyped-def]
        return sandbox_posts("alpha.sandbox").filter(text=variant.outgoing_text.strip()).count()

    check_publishing_invariants(invariants, ids, on_network)


# --- crisis alert escalation ---------------------------------------------------------------
@pytest.fixture
def alert(tenants):  # type: ignore[no-untyped-def]
    """An alert paged at level 0; the schedule pages the community manager, then the
    analyst, then the strategists (level 2), then nobody."""
    brand = tenants.brand_a
    alert = make_alert(brand)
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.create(brand=brand, escalate_after_minutes=15)
        for position, role in enumerate(["community_manager", "analyst"]):
            OnCallPerson.objects.create(
                brand=brand,
                schedule=schedule,
                user=tenants.people[role],
                position=position,
                tz="UTC",
                start_hour=0,
                end_hour=24,
            )
        with transaction.atomic():
            plan_page(alert, level=0, reason="raised", now=alert.raised_at)
    return alert


def _levels(alert: Alert) -> list[int]:
    with brand_scope(alert.brand_id):
        return list(
            AlertDelivery.objects.filter(alert=alert, channel="email")
            .order_by("level", "pk")
            .values_list("level", flat=True)
        )


def _escalate(alert: Alert, now) -> int:  # type: ignore[no-untyped-def]
    with brand_scope(alert.brand_id):
        return len(escalate_due(alert.brand, now))


def test_escalation_after_a_forward_jump_climbs_one_level_at_a_time(alert, tenants, invariants):
    t0 = alert.raised_at
    jumped = t0 + timedelta(hours=6)
    steps = [_escalate(alert, jumped) for _ in range(3)]
    invariants.check("one level per delay, not every level at once", steps == [1, 0, 0], steps)
    steps = [_escalate(alert, jumped + timedelta(minutes=15 * k)) for k in (1, 2, 3)]
    invariants.check("then one level each delay, until the strategists", steps == [1, 0, 0], steps)
    levels = _levels(alert)
    strategists = 1  # brand Alpha has one strategist
    invariants.check(
        "each level paged once (no alert lost, none repeated)",
        levels == [0, 1, *[2] * strategists],
        levels,
    )


def test_escalation_after_a_backward_jump_is_not_stalled(alert, invariants):
    t0 = alert.raised_at
    back = t0 - timedelta(hours=3)  # the clock is put back three hours
    steps = [_escalate(alert, back + timedelta(minutes=m)) for m in range(0, 46, 1)]
    invariants.check(
        "the unacknowledged alert still escalates within two delays of the jump",
        sum(steps) >= 1,
        steps,
    )
    levels = _levels(alert)
    invariants.check("levels are paged in order, once each", levels == sorted(levels), levels)
    invariants.check("no level paged twice", len(levels) == len(set(levels)) + 0, levels)


def test_acknowledged_alert_never_escalates_whatever_the_clock(alert, invariants):
    with brand_scope(alert.brand_id):
        assert do_acknowledge(alert, "cm@example.test")
    t0 = alert.raised_at
    for when in (t0 + timedelta(days=2), t0 - timedelta(days=2), t0 + timedelta(minutes=16)):
        _escalate(alert, when)
    invariants.check("no page after the acknowledgement", _levels(alert) == [0], _levels(alert))
    with brand_scope(alert.brand_id):
        status = Alert.objects.get(pk=alert.pk).status
    invariants.check("still acknowledged", status == Alert.Status.ACKNOWLEDGED, status)
