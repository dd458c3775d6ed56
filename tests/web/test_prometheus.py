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


def test_metrics_show_link_servers_alive_stuck_and_forget_the_long_gone(client, db):
    from tribune.publishing.models import LinkServerBeat

    now = timezone.now()
    for server, seen, written, waiting in (
        ("web1/100-a", now - timedelta(seconds=3), 1200, 4),
        ("web2/200-b", now - timedelta(minutes=2), 80, 350),  # its flusher cannot write
        ("web3/300-c", now - timedelta(hours=2), 5, 0),  # killed long ago: not shown
    ):
        LinkServerBeat.objects.create(
            server_id=server,
            hostname=server.split("/")[0],
            pid=int(server.split("/")[1].split("-")[0]),
            started_at=now - timedelta(hours=3),
            seen_at=seen,
            clicks_written=written,
            clicks_buffered=waiting,
        )
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "tribune_linkserver_processes 1" in body
    assert 'tribune_linkserver_clicks_buffered{server="web2/200-b"} 350' in body
    assert 'tribune_linkserver_clicks_written_total{server="web1/100-a"} 1200' in body
    age = next(
        line
        for line in body.splitlines()
        if line.startswith('tribune_linkserver_last_write_age_seconds{server="web2/200-b"}')
    )
    assert 119 <= float(age.split()[-1]) <= 125
    assert "web3/300-c" not in body
    assert "# TYPE tribune_linkserver_clicks_written_total counter" in body
