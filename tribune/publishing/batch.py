"""The batch path of the publisher: claim many due variants at once, call the network
in few round trips, record the results in bulk — with the single path's guarantees.

A batch goes through three steps, each durable before the next starts:

1. ``claim``: one conditional ``UPDATE … RETURNING`` (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL) moves up to N variants due before a horizon from SCHEDULED to PUBLISHING,
   counts the attempt and sets ``needs_reconcile``; in the same transaction one
   ``INSERT`` writes their pending ``Attempt`` rows. A variant is therefore flagged and
   has its attempt row *before* any call can reach the network: a crash from here on
   leaves it PUBLISHING, ``release_stuck`` returns it to the queue and the single path
   reconciles it (``find_published``) before calling again — never a blind retry.
   Variants that already need reconciling are not taken here; ``claim_due`` gives them
   to ``publisher.publish_variant``.
2. ``fire`` (at the due instant): one conditional ``UPDATE`` per claim checks that each
   variant is still PUBLISHING under this claim (a person may have taken a post back in
   between) and renews the claim; then the network is called per account — one call
   for connectors with ``publish_many`` (the sandbox), else one call per post.
3. Results: successes in bulk (variants, attempts, posts' statuses); every failure goes
   through ``publisher.handle_failure`` one by one, exactly as on the single path
   (Retry-After, one token refresh, notifications, audit log).

Claiming a little ahead of the due time (``TRIBUNE_PUBLISH_LOOKAHEAD_SECONDS``) takes
the claim and the attempt rows off the critical path: at the due instant only the check
and the network calls remain.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from tribune.core.scope import brand_scope, unscoped
from tribune.networks.base import (
    AuthExpired,
    Connector,
    NetworkError,
    PostRequest,
    PublishedPost,
)
from tribune.networks.models import SocialAccount
from tribune.publishing import publisher
from tribune.publishing.media import media_items
from tribune.publishing.models import Attempt, MediaFile, Post, PostStatus, Variant
from tribune.publishing.states import combined_status, schedule_next_occurrence

logger = logging.getLogger("tribune.publishing")

CLAIM_SIZE = 1000  # variants per claim (one UPDATE, one INSERT)
RECORD_SIZE = 500  # rows per bulk write of results
Result = PublishedPost | NetworkError


@runtime_checkable
class BatchPublishing(Protocol):
    """Optional connector method: publish several top-level posts of one account in one
    round trip; one result (post or typed error) per request, in order."""

    def publish_many(self, posts: Sequence[PostRequest]) -> list[Result]: ...


@dataclass(order=True)
class Planned:
    """A claimed variant waiting for its due instant, with what the call needs."""

    due_at: datetime
    variant_id: int
    post_id: int = field(compare=False)
    brand_id: int = field(compare=False)
    account_id: int = field(compare=False)
    attempt_id: int = field(compare=False)
    claimed_at: datetime = field(compare=False)
    text: str = field(compare=False)
    idempotency_key: str = field(compare=False)
    language: str = field(compare=False)
    has_media: bool = field(compare=False, default=False)
    has_follow_ups: bool = field(compare=False, default=False)


def chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- 1. claim ---------------------------------------------------------------------------
def claim(
    worker_id: str = "",
    *,
    now: datetime | None = None,
    horizon: float = 0.0,
    limit: int = CLAIM_SIZE,
) -> list[Planned]:
    """Claim up to ``limit`` variants due before ``now + horizon`` (oldest first) and
    write their pending attempts. Returns them sorted by due time. A negative horizon
    only takes variants overdue by that much."""
    now = now or timezone.now()
    until = now + timedelta(seconds=horizon)
    ops = connection.ops
    skip_locked = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    table = _table(Variant)
    # The CTE is evaluated once: a plain "id IN (SELECT … LIMIT n SKIP LOCKED)" may be
    # re-run by the planner and claim more than n rows.
    sql = (
        f"WITH picked AS MATERIALIZED (SELECT id FROM {table} "  # noqa: S608
        "WHERE status = %s AND due_at <= %s AND needs_reconcile = %s "
        f"ORDER BY due_at, id LIMIT %s{skip_locked}) "
        f"UPDATE {table} SET status = %s, claimed_at = %s, needs_reconcile = %s, "
        "attempts = attempts + 1 WHERE id IN (SELECT id FROM picked) AND status = %s "
        "RETURNING id"
    )
    stamp = ops.adapt_datetimefield_value(now)
    params = [
        PostStatus.SCHEDULED.value,
        ops.adapt_datetimefield_value(until),
        False,
        limit,
        PostStatus.PUBLISHING.value,
        stamp,
        True,
        PostStatus.SCHEDULED.value,
    ]
    started = time.monotonic()
    with unscoped(), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        rows: list[Any] = list(
            Variant.objects.filter(id__in=ids).values(
                "id",
                "post_id",
                "brand_id",
                "account_id",
                "due_at",
                "idempotency_key",
                "rendered_text",
                "text",
                "thread",
                "first_comment",
                "post__text",
                "post__language",
                "account__language",
            )
        )
        with_media = set(
            MediaFile.objects.filter(post_id__in={r["post_id"] for r in rows}).values_list(
                "post_id", flat=True
            )
        )
        attempt_of = _insert_attempts(ids, now, worker_id)
        # While a variant is being published its post may not change (see workflow).
        Post.objects.filter(id__in={r["post_id"] for r in rows}).exclude(
            status__in=[PostStatus.PUBLISHING, PostStatus.FAILED, PostStatus.NEEDS_ATTENTION]
        ).update(status=PostStatus.PUBLISHING)
    logger.debug("Claimed %d variants in %.2f s", len(rows), time.monotonic() - started)
    planned = [
        Planned(
            due_at=r["due_at"],
            variant_id=r["id"],
            post_id=r["post_id"],
            brand_id=r["brand_id"],
            account_id=r["account_id"],
            attempt_id=attempt_of[r["id"]],
            claimed_at=now,
            text=r["rendered_text"] or r["text"] or r["post__text"],
            idempotency_key=str(r["idempotency_key"]),
            language=r["post__language"] or r["account__language"],
            has_media=r["post_id"] in with_media,
            has_follow_ups=bool(r["thread"] or r["first_comment"]),
        )
        for r in rows
    ]
    return sorted(planned)


def _insert_attempts(variant_ids: list[int], now: datetime, worker_id: str) -> dict[int, int]:
    """One pending attempt per variant, in one ``INSERT … SELECT``; started at the time
    the call is planned to go out (now, if already due). Returns variant id → attempt id."""
    among, id_params = _id_list(variant_ids)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(Attempt)} (variant_id, brand_id, started_at, outcome, "  # noqa: S608
            "message, worker_id) SELECT id, brand_id, "
            "CASE WHEN due_at > %s THEN due_at ELSE %s END, %s, '', %s "
            f"FROM {_table(Variant)} WHERE {among} RETURNING variant_id, id",
            [stamp, stamp, Attempt.Outcome.PENDING.value, worker_id, *id_params],
        )
        return dict(cursor.fetchall())


# --- 2. fire ----------------------------------------------------------------------------
def still_ours(items: Sequence[Planned], now: datetime | None = None) -> set[int]:
    """Renew the claim of the items still PUBLISHING under it; return their variant ids.
    Those no longer ours had their post taken back (or their claim released) meanwhile."""
    now = now or timezone.now()
    ops = connection.ops
    table = _table(Variant)
    by_stamp: dict[datetime, list[int]] = defaultdict(list)
    for item in items:
        by_stamp[item.claimed_at].append(item.variant_id)
    live: set[int] = set()
    with connection.cursor() as cursor:
        for stamp, ids in by_stamp.items():
            for part in chunks(ids, RECORD_SIZE):
                among, id_params = _id_list(part)
                cursor.execute(
                    f"UPDATE {table} SET claimed_at = %s WHERE {among} "  # noqa: S608
                    "AND status = %s AND claimed_at = %s RETURNING id",
                    [
                        ops.adapt_datetimefield_value(now),
                        *id_params,
                        PostStatus.PUBLISHING.value,
                        ops.adapt_datetimefield_value(stamp),
                    ],
                )
                live.update(row[0] for row in cursor.fetchall())
    for item in items:
        if item.variant_id in live:
            item.claimed_at = now  # the claim now carries the renewed stamp
    return live


def _id_list(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """``id`` among ``ids``: one array parameter on PostgreSQL, a list elsewhere."""
    if connection.vendor == "postgresql":
        return "id = ANY(%s)", [list(ids)]
    return f"id IN ({', '.join(['%s'] * len(ids))})", list(ids)


def drop(items: Sequence[Planned]) -> None:
    """Claims that will not be called: their pending attempts never happened."""
    if not items:
        return
    with unscoped(), transaction.atomic():
        dropped = Attempt.objects.filter(
            id__in=[i.attempt_id for i in items], outcome=Attempt.Outcome.PENDING
        )
        variant_ids = list(dropped.values_list("variant_id", flat=True))
        dropped.delete()
        Variant.objects.filter(id__in=variant_ids, attempts__gt=0).update(
            attempts=F("attempts") - 1
        )


def _request(item: Planned) -> PostRequest:
    media = []
    if item.has_media:
        with unscoped():
            media = media_items(Post.objects.get(pk=item.post_id))
    return PostRequest(
        text=item.text,
        idempotency_key=item.idempotency_key,
        language=item.language,
        media=media,
    )


class Lease:
    """Keeps the claims of one group of items alive while it is being sent: before a
    call, if the last renewal is older than a quarter of the stuck delay, the claims are
    renewed; an item whose claim was lost meanwhile (a slow call, e.g. a video upload,
    outlived the stuck delay and ``release_stuck`` gave it to another worker) is not
    sent by this lane any more."""

    def __init__(self, items: Sequence[Planned]) -> None:
        self.items = items
        self.renewed = time.monotonic()
        self.lost: set[int] = set()  # indices in ``items``

    def keep(self, indices: Iterable[int]) -> list[int]:
        every = settings.TRIBUNE_PUBLISH_STUCK_SECONDS / 4
        if time.monotonic() - self.renewed >= every:
            mine = [item for i, item in enumerate(self.items) if i not in self.lost]
            with unscoped():
                live = still_ours(mine)
            self.lost |= {i for i, item in enumerate(self.items) if item.variant_id not in live}
            self.renewed = time.monotonic()
        return [i for i in indices if i not in self.lost]


def _send(
    connector: Connector, requests: dict[int, PostRequest], lease: Lease
) -> dict[int, Result]:
    """Send ``requests`` (by index in the group) that are still ours; returns a result
    for each one sent."""
    if isinstance(connector, BatchPublishing):
        order = lease.keep(requests)
        return dict(zip(order, connector.publish_many([requests[i] for i in order]), strict=True))
    results: dict[int, Result] = {}
    for index, request in requests.items():
        if not lease.keep([index]):
            continue
        try:
            results[index] = connector.publish(request)
        except NetworkError as exc:
            results[index] = exc
    return results


def _publish_account(
    account: SocialAccount, requests: Sequence[PostRequest], lease: Lease | None = None
) -> tuple[dict[int, Result], Connector]:
    """One account's posts; an expired token is refreshed once and the refused posts sent
    again with the new one. Returns the result of each post sent (by index) and the
    connector last used."""
    lease = lease or Lease([])
    connector = account.connector()
    results = _send(connector, dict(enumerate(requests)), lease)
    expired = [i for i, r in results.items() if isinstance(r, AuthExpired)]
    if expired:
        try:
            connector = publisher.refresh(account, connector)
        except AuthExpired as exc:
            for i in expired:
                results[i] = exc
        else:
            again = _send(connector, {i: requests[i] for i in expired}, lease)
            for i in expired:
                if i in again:
                    results[i] = again[i]
                else:  # lost its claim meanwhile: not sent again, not ours to record
                    del results[i]
    return results, connector


def arm(items: Sequence[Planned]) -> list[Planned]:
    """Check just before the due instant that the claims still hold (renewing them);
    forget the others. Returns the items to send."""
    started = time.monotonic()
    with unscoped():
        live = still_ours(items)
        gone = [i for i in items if i.variant_id not in live]
        if gone:
            logger.info("%d claimed variants changed before their time; not sent", len(gone))
            drop(gone)
    logger.debug("Checked %d claims in %.2f s", len(items), time.monotonic() - started)
    return [i for i in items if i.variant_id in live]


def _fire_group(
    items: Sequence[Planned], accounts: dict[int, SocialAccount], armed: bool
) -> tuple[list[tuple[Planned, Result]], dict[int, Connector]]:
    """Check that the claims still hold (unless just done), then call the network per
    account."""
    if not armed:
        items = arm(items)
    by_account: dict[int, list[Planned]] = defaultdict(list)
    for item in items:
        by_account[item.account_id].append(item)
    results: list[tuple[Planned, Result]] = []
    connectors: dict[int, Connector] = {}
    for account_id, group in by_account.items():
        account = accounts.get(account_id)
        if account is None:  # removed since the claim, and its variants with it
            continue
        with brand_scope(account.brand_id):
            try:
                sent, connectors[account_id] = _publish_account(
                    account, [_request(i) for i in group], Lease(group)
                )
            except NetworkError as exc:  # a connector that cannot even be built
                sent = dict.fromkeys(range(len(group)), exc)
        results.extend((group[i], result) for i, result in sent.items())
    return results, connectors


def _in_thread(
    items: Sequence[Planned], accounts: dict[int, SocialAccount], armed: bool
) -> tuple[list[tuple[Planned, Result]], dict[int, Connector]]:
    close_old_connections()  # a connection of this thread past its age or broken
    return _fire_group(items, accounts, armed)


class Callers:
    """The threads of one lane that call the networks. They live as long as the lane and
    keep their database connections, so a burst does not start by connecting."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="publish")

    def _on_each_thread(self, action: Any) -> None:
        # A barrier holds each task until all have started: one per thread.
        barrier = threading.Barrier(self.size, timeout=10)

        def run() -> None:
            action()
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

        for future in [self._pool.submit(run) for _ in range(self.size)]:
            future.result()

    def warm(self) -> None:
        def connect() -> None:
            close_old_connections()
            connection.ensure_connection()

        self._on_each_thread(connect)

    def map(self, fn: Any, groups: Sequence[Any]) -> Iterator[Any]:
        return self._pool.map(fn, groups)

    def close(self) -> None:
        # Looked up in each thread: every thread has its own connection object.
        self._on_each_thread(lambda: connection.close())
        self._pool.shutdown(wait=True)


def concurrency() -> int:
    """Threads calling networks at once. Inside a transaction (tests) other connections
    could not see its rows: then everything runs in the calling thread."""
    if connection.in_atomic_block:
        return 1
    return max(1, int(getattr(settings, "TRIBUNE_PUBLISH_CONCURRENCY", 4)))


def fire(
    items: Sequence[Planned],
    worker_id: str = "",
    *,
    armed: bool = False,
    callers: Callers | None = None,
) -> dict[str, int]:
    """Publish claimed variants now, several accounts at once (on ``callers``, or on
    threads started for this call) unless inside a transaction. ``armed``: ``arm`` has
    just checked them. Returns the count of each outcome."""
    outcomes: dict[str, int] = defaultdict(int)
    if not items:
        return outcomes
    started, called_at = time.monotonic(), timezone.now()
    with unscoped():
        accounts = SocialAccount.objects.in_bulk(list({i.account_id for i in items}))
    # Accounts are spread over the threads; each thread takes its accounts in due order.
    per_account: dict[int, list[Planned]] = defaultdict(list)
    for item in sorted(items):
        per_account[item.account_id].append(item)
    threads = min(callers.size if callers else concurrency(), len(per_account))
    if connection.in_atomic_block:
        threads = 1
    groups: list[list[Planned]] = [[] for _ in range(threads)]
    for index, group in enumerate(per_account.values()):
        groups[index % threads].extend(group)
    results: list[tuple[Planned, Result]] = []
    connectors: dict[int, Connector] = {}
    if threads == 1:
        results, connectors = _fire_group(groups[0], accounts, armed)
    else:
        own = callers is None
        pool = callers or Callers(threads)
        try:
            for sent, used in pool.map(lambda g: _in_thread(g, accounts, armed), groups):
                results.extend(sent)
                connectors.update(used)
        finally:
            if own:
                pool.close()
    sent_at = time.monotonic()
    for outcome, count in record(results, connectors, called_at).items():
        outcomes[outcome] += count
    with unscoped():
        for account_id, connector in connectors.items():
            account = accounts[account_id]
            with brand_scope(account.brand_id):
                publisher.keep_credentials(account, connector)
    logger.info(
        "Fired %d variants on %d accounts with %d threads: network %.2f s, record %.2f s",
        len(items),
        len(per_account),
        threads,
        sent_at - started,
        time.monotonic() - sent_at,
    )
    return outcomes


# --- 3. results -------------------------------------------------------------------------
def record(
    results: Iterable[tuple[Planned, Result]],
    connectors: dict[int, Connector],
    called_at: datetime | None = None,
) -> dict[str, int]:
    """Store the outcome of each call; ``called_at``: when the calls went out (the
    attempts were written with the planned time)."""
    called_at = called_at or timezone.now()
    outcomes: dict[str, int] = defaultdict(int)
    done: list[tuple[Planned, PublishedPost]] = []
    failed: list[tuple[Planned, NetworkError]] = []
    for item, result in results:
        if isinstance(result, PublishedPost):
            done.append((item, result))
        else:
            failed.append((item, result))
    with unscoped():
        for part in chunks(done, RECORD_SIZE):
            _record_published(part, called_at)
    if done:
        outcomes[Attempt.Outcome.SUCCESS] += len(done)
    for item, published in done:
        if item.has_follow_ups and item.account_id in connectors:
            with unscoped():
                variant = Variant.objects.get(pk=item.variant_id)
            with brand_scope(item.brand_id):
                publisher.follow_ups(variant, connectors[item.account_id], published)
    if failed:
        with unscoped():
            Attempt.objects.filter(id__in=[item.attempt_id for item, _ in failed]).update(
                started_at=called_at
            )
    for item, exc in failed:
        outcomes[_record_failure(item, exc)] += 1
    if failed:
        with unscoped():
            refresh_post_statuses({item.post_id for item, _ in failed})
    return outcomes


def _record_published(part: Sequence[tuple[Planned, PublishedPost]], called_at: datetime) -> None:
    with transaction.atomic():
        _set_published(part)
        Attempt.objects.filter(id__in=[item.attempt_id for item, _ in part]).update(
            started_at=called_at,
            outcome=Attempt.Outcome.SUCCESS,
            finished_at=timezone.now(),
            message=Subquery(
                Variant.objects.filter(pk=OuterRef("variant_id")).values("remote_url")[:1]
            ),
        )
        refresh_post_statuses({item.post_id for item, _ in part})


def _set_published(part: Sequence[tuple[Planned, PublishedPost]]) -> None:
    """Published, with each variant's network id, URL and time: one ``UPDATE … FROM
    (VALUES …)``."""
    ops = connection.ops
    table = _table(Variant)
    rows = [
        (
            item.variant_id,
            published.remote_id,
            published.url,
            ops.adapt_datetimefield_value(published.published_at),
        )
        for item, published in part
    ]
    if connection.vendor == "postgresql":  # four array parameters, not 4 × N
        data = "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[])"
        params: list[Any] = [list(column) for column in zip(*rows, strict=True)]
    else:
        data = "VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH d(id, rid, url, at) AS ({data}) "  # noqa: S608
            f"UPDATE {table} SET remote_id = d.rid, remote_url = d.url, published_at = d.at, "
            "status = %s, needs_reconcile = %s, last_error = '', claimed_at = NULL "
            f"FROM d WHERE {table}.id = d.id",
            [*params, PostStatus.PUBLISHED.value, False],
        )


def _record_failure(item: Planned, exc: NetworkError) -> str:
    with unscoped():
        variant = (
            Variant.objects.select_related("post", "account", "brand")
            .filter(pk=item.variant_id)
            .first()
        )
        attempt = Attempt.objects.filter(pk=item.attempt_id).first()
    if variant is None:
        return "skipped"
    with brand_scope(variant.brand):
        return publisher.handle_failure(variant, attempt, exc)


def refresh_post_statuses(post_ids: Iterable[int]) -> None:
    """``states.after_variant_change`` for many posts in a few statements. The common
    case, every variant published, is one ``UPDATE``; mixed posts are worked out here."""
    post_ids = list(post_ids)
    pending = Variant.objects.filter(post_id=OuterRef("pk")).exclude(status=PostStatus.PUBLISHED)
    Post.objects.filter(id__in=post_ids).exclude(status=PostStatus.PUBLISHED).exclude(
        Exists(pending)
    ).update(status=PostStatus.PUBLISHED)
    mixed = set(
        Variant.objects.filter(post_id__in=post_ids)
        .exclude(status=PostStatus.PUBLISHED)
        .values_list("post_id", flat=True)
    )
    statuses: dict[int, set[str]] = defaultdict(set)
    for post_id, status in Variant.objects.filter(post_id__in=mixed).values_list(
        "post_id", "status"
    ):
        statuses[post_id].add(status)
    by_status: dict[str, list[int]] = defaultdict(list)
    for post_id, seen in statuses.items():
        by_status[combined_status(seen)].append(post_id)
    for status, ids in by_status.items():
        Post.objects.filter(id__in=ids).exclude(status=status).update(status=status)
    repeating = Post.objects.filter(id__in=post_ids).exclude(repeat="")
    for post_id in repeating.values_list("id", flat=True):
        if post_id not in mixed or PostStatus.PUBLISHED in statuses[post_id]:
            schedule_next_occurrence(post_id)


# --- a plan of claimed variants waiting for their instant --------------------------------
class Plan:
    """Claimed variants of one worker, in due order (a heap)."""

    def __init__(self) -> None:
        self._heap: list[Planned] = []

    def __len__(self) -> int:
        return len(self._heap)

    def add(self, items: Iterable[Planned]) -> None:
        for item in items:
            heapq.heappush(self._heap, item)

    def next_due(self) -> datetime | None:
        return self._heap[0].due_at if self._heap else None

    def pop_due(self, now: datetime) -> list[Planned]:
        due = []
        while self._heap and self._heap[0].due_at <= now:
            due.append(heapq.heappop(self._heap))
        return due

    def drain(self) -> list[Planned]:
        items, self._heap = sorted(self._heap), []
        return items


def run_due(worker_id: str = "", *, horizon: float = 0.0, limit: int = 10_000) -> int:
    """Claim what is due now (``horizon`` < 0: due that long ago) and publish it at once:
    the dispatcher's path, without a lane."""
    total = 0
    while total < limit:
        items = claim(worker_id, horizon=horizon, limit=min(CLAIM_SIZE, limit - total))
        if not items:
            break
        fire(items, worker_id)
        total += len(items)
    return total
