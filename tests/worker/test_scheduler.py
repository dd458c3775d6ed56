from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tribune.worker import periodic
from tribune.worker.models import JobRun, PeriodicJob
from tribune.worker.runner import TribuneWorker


def test_a_due_job_is_claimed_by_one_scheduler_only(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    periodic.sync_jobs(now)
    with django_capture_on_commit_callbacks(execute=True):
        first = periodic.tick("worker-a", now)
        second = periodic.tick("worker-b", now)
    assert "worker.probe" in first
    assert "worker.probe" not in second
    assert JobRun.objects.filter(job_name="worker.probe").count() == 1
    queued = DBTaskResult.objects.filter(task_path__endswith="worker.tasks.probe").count()
    assert queued == 1


def test_missed_slots_are_skipped_not_replayed(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    periodic.sync_jobs(now)
    PeriodicJob.objects.filter(name="worker.probe").update(next_run_at=now - timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        periodic.tick("w", now)
        periodic.tick("w", now + timedelta(seconds=1))
    assert JobRun.objects.filter(job_name="worker.probe").count() == 1
    job = PeriodicJob.objects.get(name="worker.probe")
    assert job.next_run_at > now


def test_worker_runs_queued_tasks_and_records_heartbeat(db, django_capture_on_commit_callbacks):
    from tribune.worker.models import Heartbeat
    from tribune.worker.tasks import probe

    with django_capture_on_commit_callbacks(execute=True):
        result = probe.enqueue()
    worker = TribuneWorker(worker_id="test-worker", scheduler=False)
    worker.heartbeat()
    assert worker.run_once() is True
    assert worker.run_once() is False
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL" and row.worker_ids == ["test-worker"]
    assert Heartbeat.objects.filter(worker_id="test-worker").exists()
