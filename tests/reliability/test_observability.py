"""Observability: /metrics exposes queue age, publish latency, ingestion lag and alert
delivery; /healthz explains what is wrong; JSON logs are one object per line."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.listening.factories import make_alert
from tribune.core.logging import JsonFormatter, SecretsFilter, logging_config
from tribune.core.scope import brand_scope
from tribune.listening.models import AlertDelivery, Source
from tribune.listening.services.delivery import plan_page
from tribune.worker.models import Heartbeat
from tribune.worker.tasks import probe

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_alive(db):  # type: ignore[no-untyped-def]
    now = timezone.now()
    Heartbeat.objects.create(worker_id="w", hostname="h", pid=1, started_at=now, seen_at=now)


def _metrics(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()


def test_metrics_cover_queue_age_latency_lag_and_alerts(
    client, tenants, worker_alive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        probe.enqueue()
    from tests.inbox.factories import thread

    thread(tenants.brand_a, at=timezone.now() - timedelta(seconds=42))
    with brand_scope(tenants.brand_a):
        Source.objects.create(
            brand=tenants.brand_a,
            kind="rss",
            url="https://news.example/f",
            consecutive_failures=3,
            last_item_at=timezone.now() - timedelta(minutes=7),
        )
    alert = make_alert(tenants.brand_a)
    with brand_scope(tenants.brand_a), transaction.atomic():
        plan_page(alert, level=0, reason="raised", now=timezone.now() - timedelta(minutes=2))
    body = _metrics(client)
    assert 'tribune_task_queue_oldest_seconds{queue="default"}' in body
    assert 'tribune_inbox_ingest_lag_seconds{quantile="0.5"}' in body
    lag = float(body.split('tribune_inbox_ingest_lag_seconds{quantile="0.5"} ')[1].split()[0])
    assert 40 <= lag <= 120
    assert "tribune_listening_sources_failing 1" in body
    assert "tribune_listening_ingest_lag_seconds" in body
    assert 'tribune_alert_deliveries_24h{status="pending"} 1' in body
    assert "tribune_alerts_open_unacknowledged 1" in body
    pending = float(
        re.search(r"^tribune_alert_delivery_oldest_pending_seconds (\S+)$", body, re.M).group(1)
    )
    assert 100 <= pending <= 200
    for line in body.splitlines():  # valid exposition format
        assert line.startswith("# TYPE ") or len(line.rsplit(" ", 1)) == 2, line


def test_healthz_details_what_is_wrong(client, tenants, worker_alive):
    ok = client.get("/healthz").json()
    assert ok["status"] == "ok"
    assert set(ok["checks"]) == {"queue", "publishing", "listening", "alerts"}
    alert = make_alert(tenants.brand_a)
    with brand_scope(tenants.brand_a), transaction.atomic():
        plan_page(alert, level=0, reason="raised", now=timezone.now() - timedelta(minutes=20))
    with brand_scope(tenants.brand_a):
        assert AlertDelivery.objects.filter(status="pending").exists()
    response = client.get("/healthz")
    assert response.status_code == 200  # degraded, not down: people act, not the balancer
    body = response.json()
    assert body["status"] == "degraded" and body["checks"]["alerts"]["ok"] is False


def test_json_logs_are_one_object_per_line_with_secrets_masked():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(SecretsFilter())
    log = logging.getLogger("tribune.test.json")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("token refresh for %s failed: access_token=%s", "@cafe", "abcdef123456")
        try:
            raise RuntimeError("boom Bearer abcdefghijkl")
        except RuntimeError:
            log.exception("crash", extra={"variant": 42})
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "tribune.test.json"
    assert "abcdef123456" not in first["msg"] and "@cafe" in first["msg"]
    assert second["variant"] == 42 and "RuntimeError" in second["exc"]
    assert "abcdefghijkl" not in second["exc"]


def test_logging_config_switches_format():
    assert logging_config("INFO", "json")["formatters"]["main"]["()"].endswith("JsonFormatter")
    plain = logging_config("DEBUG", "plain")
    assert "format" in plain["formatters"]["main"] and plain["root"]["level"] == "DEBUG"
    assert plain["handlers"]["console"]["filters"] == ["secrets"]
