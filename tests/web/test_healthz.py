from datetime import timedelta

from django.utils import timezone

from tribune.worker.models import Heartbeat


def test_unhealthy_without_a_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True and body["worker"]["ok"] is False


def test_healthy_with_a_recent_heartbeat(client, db):
    now = timezone.now()
    Heartbeat.objects.create(worker_id="w1", hostname="h", pid=1, started_at=now, seen_at=now)
    Heartbeat.objects.create(
        worker_id="old", hostname="h", pid=2, started_at=now, seen_at=now - timedelta(hours=1)
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["alive"] == 1
