from datetime import timedelta

from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.worker.models import Heartbeat
from tribune.worker.tasks import probe


def test_metrics_expose_queue_workers_and_publishing(
    client, tenants, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    Heartbeat.objects.create(worker_id="w", hostname="h", pid=1, started_at=now, seen_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        probe.enqueue()
    from tribune.networks.base import Credentials
    from tribune.networks.services import do_connect_account

    with brand_scope(tenants.brand_a):
        account = do_connect_account(tenants.brand_a, "sandbox", Credentials(handle="m.sb"), None)
        post = Post.objects.create(brand=tenants.brand_a, text="x", scheduled_at=now)
        Variant.objects.create(
            post=post,
            brand=tenants.brand_a,
            account=account,
            status=PostStatus.SCHEDULED,
            due_at=now - timedelta(minutes=5),
        )
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'tribune_task_queue_depth{queue="default"} 1' in body
    assert "tribune_workers_alive 1" in body
    assert "tribune_publish_overdue 1" in body
    assert 'tribune_variants{status="scheduled"} 1' in body


def test_metrics_are_not_public(client, db, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.TRIBUNE_METRICS_TOKEN = "t0ken"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer t0ken")
    assert ok.status_code == 200 and ok["Content-Type"].startswith("text/plain")
