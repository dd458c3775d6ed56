"""Webhooks: the acceptance scenario (receiver down 10 minutes → retried with backoff,
delivered exactly once, signature verifiable), emission from the real code paths,
replay, 410, SSRF guard, concurrent claims, and the screens."""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tests.publishing.conftest import set_faults
from tribune.core.scope import brand_scope
from tribune.networks.services import do_connect_sandbox_account
from tribune.publishing import publisher, workflow
from tribune.webhooks import services
from tribune.webhooks.models import Attempt, Delivery, Subscription


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it receives."""

    def __init__(self, port: int, status: int = 200) -> None:
        self.port, self.status = port, status
        self.received: list[dict] = []
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                receiver.received.append(
                    {"headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    r = Receiver(free_port())
    yield r
    r.stop()


@pytest.fixture
def hook(tenants, receiver, settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the receiver is on 127.0.0.1
    with brand_scope(tenants.brand_a):
        sub, key = services.do_create_subscription(
            tenants.brand_a,
            tenants.owner,
            url=f"http://127.0.0.1:{receiver.port}/hook",
            events=[
                "post.published",
                "post.failed",
                "alert.raised",
                "alert.acknowledged",
                "inbox.message_received",
            ],
        )
    return sub, key


def _scheduled_post(tenants, handle: str = "alpha.sandbox"):  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        account = do_connect_sandbox_account(tenants.brand_a, handle, "Alpha", "fr", tenants.owner)
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Bonjour à tous",
            accounts=[account],
            scheduled_at=timezone.now() + timedelta(seconds=5),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
        return post


def _publish_due() -> list[str]:
    now = timezone.now() + timedelta(seconds=10)
    return [publisher.publish_variant(i) for i in publisher.claim_due(now=now)]


def test_receiver_down_ten_minutes_gets_the_event_once_signed(tenants, hook, receiver) -> None:  # type: ignore[no-untyped-def]
    sub, key = hook
    post = _scheduled_post(tenants)
    assert _publish_due() == ["success"]  # the real publish path emits post.published
    with brand_scope(tenants.brand_a):
        delivery = Delivery.objects.get(event="post.published")
    t0 = delivery.next_attempt_at
    assert t0 is not None
    # The receiver is down for the first 10 minutes: the job runs every 30 s meanwhile.
    tried_at = []
    step = timedelta(seconds=30)
    now = t0
    while now < t0 + timedelta(minutes=10):
        if services.run_due(now):
            tried_at.append(now - t0)
        now += step
    assert receiver.received == []
    assert [int(t.total_seconds()) for t in tried_at] == [0, 30, 90, 210, 450]  # backoff
    receiver.start()
    while now < t0 + timedelta(minutes=30):
        services.run_due(now)
        now += step
    assert len(receiver.received) == 1  # delivered, once
    with brand_scope(tenants.brand_a):
        delivery.refresh_from_db()
        attempts = list(Attempt.objects.filter(delivery=delivery))
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 6 and len(attempts) == 6
    assert [a.status_code for a in attempts] == [None] * 5 + [200]
    assert all("Connect" in a.error for a in attempts[:5])
    got = receiver.received[0]
    signature = got["headers"]["X-Tribune-Signature"]
    timestamp = int(signature.split(",")[0].removeprefix("t="))
    assert services.verify(key, signature, got["body"], now=timestamp)
    assert not services.verify("whsec_wrong", signature, got["body"], now=timestamp)
    assert not services.verify(key, signature, got["body"] + b" ", now=timestamp)
    assert not services.verify(key, signature, got["body"], now=timestamp + 3600)  # too old
    payload = json.loads(got["body"])
    assert payload["event"] == "post.published" and payload["brand"] == "alpha"
    assert payload["data"]["post_id"] == post.pk
    assert payload["data"]["variants"][0]["status"] == "published"
    assert got["headers"]["X-Tribune-Event-Id"] == payload["id"] == str(delivery.event_id)
    # Nothing is sent again afterwards.
    for _ in range(5):
        now += timedelta(hours=1)
        services.run_due(now)
    assert len(receiver.received) == 1


def test_failed_publish_emits_post_failed(tenants, hook, receiver) -> None:  # type: ignore[no-untyped-def]
    _scheduled_post(tenants)
    set_faults("alpha.sandbox", "reject")
    assert _publish_due() == ["rejected"]
    receiver.start()
    services.run_due(timezone.now())
    events = [json.loads(r["body"])["event"] for r in receiver.received]
    assert events == ["post.failed"]


def test_a_claimed_delivery_is_not_sent_twice(tenants, hook) -> None:  # type: ignore[no-untyped-def]
    services.emit(tenants.brand_a, "post.published", {"post_id": 1})
    now = timezone.now()
    first = services.claim_due(now)
    assert len(first) == 1
    assert services.claim_due(now) == []  # another worker finds nothing to send
    # A worker that died mid-send: its claim is released after 5 minutes.
    assert services.claim_due(now + timedelta(minutes=6)) == first


def test_replay_sends_the_same_event_again(tenants, hook, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.start()
    services.emit(tenants.brand_a, "alert.raised", {"alert_id": 7})
    services.run_due(timezone.now())
    with brand_scope(tenants.brand_a):
        original = Delivery.objects.get()
        copy = services.do_replay(original, tenants.owner)
    services.run_due(timezone.now())
    assert len(receiver.received) == 2
    ids = {json.loads(r["body"])["id"] for r in receiver.received}
    assert ids == {str(original.event_id)}  # receivers deduplicate on it
    with brand_scope(tenants.brand_a):
        copy.refresh_from_db()
    assert copy.replay_of_id == original.pk and copy.status == Delivery.Status.DELIVERED


def test_410_gone_disables_the_subscription(tenants, hook, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.status = 410
    receiver.start()
    services.emit(tenants.brand_a, "post.published", {"post_id": 1})
    services.run_due(timezone.now())
    with brand_scope(tenants.brand_a):
        assert Delivery.objects.get().status == Delivery.Status.FAILED
        assert Subscription.objects.get().active is False
    assert services.emit(tenants.brand_a, "post.published", {"post_id": 2}) == 0


def test_gives_up_after_the_last_attempt(tenants, hook) -> None:  # type: ignore[no-untyped-def]
    services.emit(tenants.brand_a, "post.published", {"post_id": 1})
    now = timezone.now()
    for _ in range(services.MAX_ATTEMPTS + 3):
        services.run_due(now)
        now += timedelta(hours=7)
    with brand_scope(tenants.brand_a):
        delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS


def test_private_addresses_are_refused(tenants, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    for url in ("http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "ftp://a.b/c"):
        with brand_scope(tenants.brand_a), pytest.raises(services.WebhookError):
            services.do_create_subscription(
                tenants.brand_a, tenants.owner, url=url, events=["post.published"]
            )
    # An address accepted earlier that now resolves privately is refused at send time.
    with brand_scope(tenants.brand_a):
        sub = Subscription.objects.create(
            brand=tenants.brand_a, url="http://127.0.0.1:9/x", events=["ping"], secret={"key": "k"}
        )
        services.do_ping(sub, tenants.owner)
    services.run_due(timezone.now())
    with brand_scope(tenants.brand_a):
        delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and "private" in delivery.last_error


def test_inbox_and_alert_events_come_from_their_code_paths(tenants, hook, receiver) -> None:  # type: ignore[no-untyped-def]
    from tests.listening.factories import make_alert
    from tribune.listening.services.delivery import do_acknowledge

    alert = make_alert(tenants.brand_a)
    with brand_scope(tenants.brand_a):
        assert do_acknowledge(alert, "someone@example.test")
    receiver.start()
    services.run_due(timezone.now())
    assert [json.loads(r["body"])["event"] for r in receiver.received] == ["alert.acknowledged"]


def test_emit_commits_with_the_change(tenants, hook) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.emit(tenants.brand_a, "post.published", {"post_id": 1})
        raise RuntimeError("the change fails")
    with brand_scope(tenants.brand_a):
        assert not Delivery.objects.exists()
    with pytest.raises(ValueError):
        services.emit(tenants.brand_a, "not.an.event", {})


def test_new_inbox_message_is_emitted_by_ingestion(tenants, hook, receiver, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.inbox.factories import mention
    from tribune.inbox.ingest import poll_account

    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"
    with brand_scope(tenants.brand_a):
        account = do_connect_sandbox_account(
            tenants.brand_a, "alpha.sandbox", "Alpha", "fr", tenants.owner
        )
    mention("alpha.sandbox", "@alpha.sandbox bonjour, vous livrez à Lyon ?")
    assert poll_account(account.pk).stored == 1
    receiver.start()
    services.run_due(timezone.now())
    [got] = receiver.received
    payload = json.loads(got["body"])
    assert payload["event"] == "inbox.message_received"
    assert "Lyon" in payload["data"]["text"] and payload["data"]["author"]["handle"]


def test_the_delivery_log_is_kept_30_days(tenants, hook) -> None:  # type: ignore[no-untyped-def]
    from tribune.webhooks.tasks import prune_log

    services.emit(tenants.brand_a, "post.published", {"post_id": 1})
    services.emit(tenants.brand_a, "post.published", {"post_id": 2})
    with brand_scope(tenants.brand_a):
        old, recent = Delivery.objects.order_by("pk")
        Delivery.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(days=31), status=Delivery.Status.DELIVERED
        )
    assert prune_log.call() == 1
    with brand_scope(tenants.brand_a):
        assert list(Delivery.objects.values_list("pk", flat=True)) == [recent.pk]


def test_alert_raised_is_emitted_by_detection(tenants, hook, receiver) -> None:  # type: ignore[no-untyped-def]
    from tests.listening.factories import make_query
    from tribune.listening.detector import Counts, Trigger
    from tribune.listening.services.detection import do_record_anomaly

    query = make_query(tenants.brand_a, "Alpha")
    with brand_scope(tenants.brand_a):
        alert = do_record_anomaly(
            tenants.brand_a,
            query,
            [Trigger("volume", observed=40, baseline=4.0, scale=1.0, z=36.0)],
            Counts(total=40),
            timezone.now(),
        )
        # The same incident seen again updates the alert: no second event.
        do_record_anomaly(
            tenants.brand_a,
            query,
            [Trigger("volume", observed=50, baseline=4.0, scale=1.0, z=46.0)],
            Counts(total=50),
            timezone.now(),
        )
    receiver.start()
    services.run_due(timezone.now())
    payloads = [json.loads(r["body"]) for r in receiver.received]
    assert [p["event"] for p in payloads] == ["alert.raised"]
    assert payloads[0]["data"]["alert_id"] == alert.pk and payloads[0]["data"]["kind"] == "volume"
