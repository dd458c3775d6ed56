"""Helpers shared by the fault scenarios: schedule approved posts, drive the publisher
the way the worker does (with the clock under control), and a stateful fake Mastodon
instance whose answers can be 500, 429, timeouts or garbage."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import requests
from django.utils import timezone

from tribune.core.outbound import CallbackAdapter, build_response
from tribune.core.scope import brand_scope, unscoped
from tribune.networks.models import SocialAccount
from tribune.publishing import publisher, workflow
from tribune.publishing.models import Attempt, Notification, PostStatus, Variant

SETTLED = {PostStatus.PUBLISHED, PostStatus.FAILED, PostStatus.NEEDS_ATTENTION}


def schedule_posts(tenants, accounts: list[SocialAccount], n: int, *, at=None, prefix="Post"):  # type: ignore[no-untyped-def]
    """``n`` approved posts (distinct texts) on every account, due at ``at``."""
    at = at or timezone.now() + timedelta(seconds=1)
    ids = []
    with brand_scope(tenants.brand_a):
        for i in range(n):
            post = workflow.do_save_post(
                tenants.brand_a,
                tenants.owner,
                text=f"{prefix} numéro {i} — {random.random():.6f}",
                accounts=accounts,
                scheduled_at=at,
            )
            workflow.do_submit(post, tenants.owner)
            workflow.do_approve(post, tenants.owner)
            ids += list(Variant.objects.filter(post=post).values_list("id", flat=True))
    return ids


def variants(ids: Iterable[int]) -> list[Variant]:
    with unscoped():
        return list(Variant.objects.filter(pk__in=list(ids)).order_by("pk"))


def drive_publisher(
    ids: list[int], start: datetime, *, step=timedelta(minutes=5), rounds=200
) -> datetime:
    """The worker's loop with a simulated clock: release stuck, claim, publish. A
    connector exception that is not a typed network error fails the "task" (as in the
    worker) and leaves the variant to ``release_stuck``. Returns the clock at the end."""
    now = start
    for _ in range(rounds):
        if all(v.status in SETTLED for v in variants(ids)):
            break
        publisher.release_stuck(now)
        for variant_id in publisher.claim_due(now=now):
            try:
                publisher.publish_variant(variant_id, worker_id="fault-suite")
            except Exception:  # noqa: BLE001, S112 - a failed task, like the worker's runner
                continue
        now += step
    return now


def check_publishing_invariants(inv, ids: list[int], remote_count: Callable[[Variant], int]):  # type: ignore[no-untyped-def]
    """No post lost, none duplicated, every attempt closed, state consistent."""
    rows = variants(ids)
    inv.check("every variant settled (none lost)", all(v.status in SETTLED for v in rows), rows)
    inv.check(
        "every variant published",
        all(v.status == PostStatus.PUBLISHED for v in rows),
        [(v.pk, v.status, v.last_error) for v in rows if v.status != PostStatus.PUBLISHED],
    )
    dups = {v.pk: remote_count(v) for v in rows if remote_count(v) != 1}
    inv.check("exactly one copy on the network per variant (no duplicate)", not dups, dups)
    inv.check(
        "published variants carry their remote id",
        all(v.remote_id for v in rows if v.status == PostStatus.PUBLISHED),
    )
    inv.check("no variant left claimed", all(v.claimed_at is None for v in rows))
    inv.check("no variant left needing reconciliation", not any(v.needs_reconcile for v in rows))
    with unscoped():
        pending = Attempt.objects.filter(variant_id__in=ids, outcome=Attempt.Outcome.PENDING)
        inv.check("every attempt has an outcome", not pending.exists(), list(pending))
        ok = Attempt.objects.filter(
            variant_id__in=ids,
            outcome__in=[Attempt.Outcome.SUCCESS, Attempt.Outcome.RECONCILED],
        )
        per_variant: dict[int, int] = {}
        for variant_id in ok.values_list("variant_id", flat=True):
            per_variant[variant_id] = per_variant.get(variant_id, 0) + 1
        inv.check(
            "one successful attempt per variant",
            all(per_variant.get(v.pk) == 1 for v in rows),
            per_variant,
        )
        failed_notes = Notification.objects.filter(kind="post.failed").count()
    inv.check("no failure notification for posts that went out", failed_notes == 0)


# --- a Mastodon instance with faults ------------------------------------------------------
class FaultyMastodon:
    """Keeps the statuses it accepted; ``faults`` is a queue of what the next
    ``POST /api/v1/statuses`` does instead of a clean 200. Like Mastodon, a repeated
    ``Idempotency-Key`` gets the status created the first time."""

    FAULTS = (
        "500",
        "502_after_accept",
        "429",
        "connect_timeout",
        "read_timeout_after_accept",
        "garbage",
        "garbage_after_accept",
        "reset_after_accept",
    )

    def __init__(self, account_id: str = "1090000") -> None:
        self.account_id = account_id
        self.statuses: list[dict[str, Any]] = []
        self.by_key: dict[str, dict[str, Any]] = {}  # Idempotency-Key → status (as Mastodon)
        self.faults: list[str] = []
        self.listing_faults: list[str] = []
        self.ids = count(113520428812345678)
        self.adapter = CallbackAdapter(self.handle)

    def _status(self, text: str) -> dict[str, Any]:
        sid = str(next(self.ids))
        status = {
            "id": sid,
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "uri": f"https://mastodon.example/users/cafe/statuses/{sid}",
            "url": f"https://mastodon.example/@cafe/{sid}",
            "content": "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>",
            "visibility": "public",
            "account": {"id": self.account_id, "acct": "cafe"},
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
        }
        return status

    def handle(self, request: requests.PreparedRequest):  # type: ignore[no-untyped-def]
        path = urlsplit(request.url).path
        if request.method == "POST" and path == "/api/v1/statuses":
            return self._post(request)
        if request.method == "GET" and path == f"/api/v1/accounts/{self.account_id}/statuses":
            if self.listing_faults:
                fault = self.listing_faults.pop(0)
                if fault == "500":
                    return 500, {"error": "Internal Server Error"}
                return 200, "<html><body>Maintenance</body></html>", {"Content-Type": "text/html"}
            return 200, list(reversed(self.statuses))
        return 501, {"error": f"no route for {request.method} {path}"}

    def _post(self, request: requests.PreparedRequest):  # type: ignore[no-untyped-def]
        fault = self.faults.pop(0) if self.faults else ""
        body = request.body or b""
        if isinstance(body, bytes):
            body = body.decode()
        text = _form_or_json(body).get("status", "")
        if fault == "500":
            return 500, {"error": "Internal Server Error"}
        if fault == "429":
            reset = (datetime.now(UTC) + timedelta(seconds=90)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
            return 429, {"error": "Too many requests"}, headers
        if fault == "connect_timeout":
            raise requests.exceptions.ConnectTimeout("connect timed out")
        if fault == "garbage":
            return 200, b"\x00\xffnot json at all", {"Content-Type": "application/json"}
        key = request.headers.get("Idempotency-Key", "")
        if key and key in self.by_key:
            # Mastodon answers a repeated key with the status it already created.
            status = self.by_key[key]
        else:
            status = self._status(text)
            self.statuses.append(status)
            if key:
                self.by_key[key] = status
        if fault == "502_after_accept":
            return 502, "<html>Bad gateway</html>", {"Content-Type": "text/html"}
        if fault == "read_timeout_after_accept":
            raise requests.exceptions.ReadTimeout("read timed out")
        if fault == "reset_after_accept":
            raise requests.exceptions.ConnectionError("Connection reset by peer")
        if fault == "garbage_after_accept":
            return 200, '{"id": "trunc', {"Content-Type": "application/json"}
        return 200, status

    def count_for(self, variant: Variant) -> int:
        return sum(1 for s in self.statuses if s["id"] == variant.remote_id) + sum(
            1
            for s in self.statuses
            if s["id"] != variant.remote_id and _plain(s["content"]) == variant.outgoing_text
        )


def _plain(html: str) -> str:
    return html.removeprefix("<p>").removesuffix("</p>").replace("&lt;", "<").replace("&amp;", "&")


def _form_or_json(body: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    body = body or ""
    if body.startswith("{"):
        return json.loads(body)
    return dict(parse_qsl(body))


__all__ = ["FaultyMastodon", "build_response"]
