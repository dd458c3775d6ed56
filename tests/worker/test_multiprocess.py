"""Several ``tribune worker`` processes on one database never run a job twice."""

from __future__ import annotations

from collections import Counter

import pytest
from django_tasks_db.models import DBTaskResult

from tests.processes import env, log_tail, processes
from tribune.worker.models import JobRun
from tribune.worker.tasks import probe

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_two_workers_never_run_a_scheduled_job_twice(tmp_path):
    environ = env(TRIBUNE_PROBE_SECONDS="1", TRIBUNE_SCHEDULER_TICK="0.1")
    command = ["worker", "--max-seconds", "10"]
    with processes([command, command], environ, tmp_path) as procs:
        for proc in procs:
            proc.wait(timeout=60)
    assert all(p.returncode == 0 for p in procs), log_tail(tmp_path)
    slots = list(
        JobRun.objects.filter(job_name="worker.probe")
        .order_by("slot")
        .values_list("slot", flat=True)
    )
    assert len(slots) >= 6, log_tail(tmp_path)
    gaps = [(b - a).total_seconds() for a, b in zip(slots, slots[1:], strict=False)]
    assert min(gaps) >= 0.99, gaps  # never two runs for one slot
    runs = DBTaskResult.objects.filter(task_path=probe.module_path)
    assert runs.count() == len(slots)
    # Each run claimed once; the last slot's task may still wait (READY, unclaimed)
    # when both workers reach --max-seconds.
    assert {r.status for r in runs} <= {"SUCCESSFUL", "READY"}
    assert all(len(r.worker_ids) == (r.status == "SUCCESSFUL") for r in runs)


def test_two_workers_share_a_queue_without_double_claims(tmp_path):
    results = [probe.enqueue() for _ in range(120)]
    command = ["worker", "--max-seconds", "12", "--no-scheduler"]
    with processes([command, command], env(), tmp_path) as procs:
        for proc in procs:
            proc.wait(timeout=60)
    rows = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert rows.filter(status="SUCCESSFUL").count() == 120, log_tail(tmp_path)
    claims = Counter(len(r.worker_ids) for r in rows)
    assert claims == {1: 120}
    per_worker = Counter(r.worker_ids[0] for r in rows)
    assert len(per_worker) == 2, per_worker  # both processes took part
