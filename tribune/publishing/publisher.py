"""The publisher: claim due variants, publish each exactly once, record every attempt.

Guarantees (the anchors' top complaints):
- a due variant is claimed atomically (conditional UPDATE on its status), so two workers
  never publish it twice;
- an attempt row is written *before* calling the network and completed after; the
  variant is flagged ``needs_reconcile`` while a call is in flight, so after a crash or a
  timeout the next run first looks for the post on the account (``find_published``) and
  only publishes when it is not there;
- ``RateLimited`` waits for the network's delay; ``AuthExpired`` refreshes the token once
  (keeping the refresh token) and retries; permanent refusals fail with the network's
  words and notify people; transient errors back off, then fail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tribune.core.scope import brand_scope, unscoped
from tribune.networks.base import (
    AuthExpired,
    Connector,
    NetworkError,
    PostRequest,
    PublishedPost,
    RateLimited,
    Rejected,
    RemoteRef,
    UnknownOutcome,
)
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_store_refreshed_credentials
from tribune.publishing.media import media_items
from tribune.publishing.models import Attempt, PostStatus, Variant
from tribune.publishing.states import after_variant_change

logger = logging.getLogger("tribune.publishing")

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = [15, 60, 300, 900, 1800]
Outcome = Attempt.Outcome


def claim_due(
    now: datetime | None = None, limit: int = 50, *, reconcile_only: bool = False, grace: float = 0
) -> list[int]:
    """Move up to ``limit`` due variants from SCHEDULED to PUBLISHING; return their ids.

    ``reconcile_only`` takes only variants whose previous call may have reached the
    network (the batch path in ``publishing.batch`` takes the others); ``grace`` only
    takes variants due at least that many seconds ago (a safety net behind the lanes)."""
    now = now or timezone.now()
    with unscoped(), transaction.atomic():
        due = Variant.objects.select_for_update(skip_locked=True).filter(
            status=PostStatus.SCHEDULED, due_at__lte=now - timedelta(seconds=grace)
        )
        if reconcile_only:
            due = due.filter(needs_reconcile=True)
        candidates = list(due.order_by("due_at").values_list("id", flat=True)[:limit])
        if not candidates:
            return []
        Variant.objects.filter(id__in=candidates, status=PostStatus.SCHEDULED).update(
            status=PostStatus.PUBLISHING, claimed_at=now
        )
        return list(
            Variant.objects.filter(
                id__in=candidates, status=PostStatus.PUBLISHING, claimed_at=now
            ).values_list("id", flat=True)
        )


def release_stuck(now: datetime | None = None) -> int:
    """Variants whose worker died mid-publish go back to the queue, to be reconciled."""
    now = now or timezone.now()
    with unscoped():
        stuck_after = timedelta(seconds=settings.TRIBUNE_PUBLISH_STUCK_SECONDS)
        stuck = list(
            Variant.objects.filter(
                status=PostStatus.PUBLISHING, claimed_at__lt=now - stuck_after
            ).values_list("id", "claimed_at", "post_id")
        )
        released = 0
        for variant_id, claimed_at, post_id in stuck:
            with transaction.atomic():
                moved = Variant.objects.filter(
                    pk=variant_id, status=PostStatus.PUBLISHING, claimed_at=claimed_at
                ).update(status=PostStatus.SCHEDULED, due_at=now, claimed_at=None)
                if moved:
                    Attempt.objects.filter(variant_id=variant_id, outcome=Outcome.PENDING).update(
                        outcome=Outcome.CRASHED,
                        finished_at=now,
                        message="The worker stopped during the call; checking the network "
                        "before trying again.",
                    )
                    after_variant_change(post_id)
                    released += 1
        if released:
            logger.warning("Released %d stuck variants", released)
        return released


def publish_variant(variant_id: int, worker_id: str = "") -> str:
    """Publish one claimed variant. Returns the final outcome for logging and tests."""
    with unscoped():
        variant = (
            Variant.objects.select_related("post", "account", "brand").filter(pk=variant_id).first()
        )
    if variant is None or variant.status != PostStatus.PUBLISHING:
        return "skipped"
    with brand_scope(variant.brand):
        # The connectors used, newest last (a token refresh builds a new one).
        used = [variant.account.connector()]
        try:
            if variant.needs_reconcile:
                outcome = _reconcile(variant, used[-1])
                if outcome is not None:
                    return outcome
            return _attempt(variant, used, worker_id)
        finally:
            keep_credentials(variant.account, used[-1])


def _reconcile(variant: Variant, connector: Connector) -> str | None:
    first = Attempt.objects.filter(variant=variant).order_by("started_at").first()
    since = (first.started_at if first else variant.post.created_at) - timedelta(minutes=5)
    try:
        found = connector.find_published(str(variant.idempotency_key), variant.outgoing_text, since)
    except NetworkError as exc:
        _retry_later(variant, None, exc, Outcome.UNAVAILABLE)
        return Outcome.UNAVAILABLE
    if found is not None:
        now = timezone.now()
        Attempt.objects.create(
            variant=variant,
            brand=variant.brand,
            started_at=now,
            finished_at=now,
            outcome=Outcome.RECONCILED,
            message=f"Found on the network: {found.url}",
        )
        _mark_published(variant, found)
        return Outcome.RECONCILED
    Variant.objects.filter(pk=variant.pk).update(needs_reconcile=False)
    return None


def request_for(variant: Variant) -> PostRequest:
    return PostRequest(
        text=variant.outgoing_text,
        idempotency_key=str(variant.idempotency_key),
        language=variant.post.language or variant.account.language,
        media=media_items(variant.post),
    )


_request = request_for  # the name older tests use


def _attempt(variant: Variant, used: list[Connector], worker_id: str) -> str:
    attempt = Attempt.objects.create(
        variant=variant, brand=variant.brand, started_at=timezone.now(), worker_id=worker_id
    )
    # From here on, a crash or a timeout means "maybe published": reconcile before retrying.
    Variant.objects.filter(pk=variant.pk).update(needs_reconcile=True, attempts=F("attempts") + 1)
    variant.attempts += 1
    try:
        try:
            published = used[-1].publish(request_for(variant))
        except AuthExpired:
            used.append(refresh(variant.account, used[-1]))
            published = used[-1].publish(request_for(variant))
    except NetworkError as exc:
        return handle_failure(variant, attempt, exc)
    _finish(attempt, Outcome.SUCCESS, published.url)
    _mark_published(variant, published)
    follow_ups(variant, used[-1], published)
    return Outcome.SUCCESS


def handle_failure(variant: Variant, attempt: Attempt | None, exc: NetworkError) -> str:
    """What a failed call means for the variant (shared by the single and batch paths).
    ``variant.attempts`` already counts this attempt."""
    if isinstance(exc, RateLimited):
        return _retry_later(variant, attempt, exc, Outcome.RATE_LIMITED, delay=exc.retry_after)
    if isinstance(exc, AuthExpired):
        SocialAccount.objects.filter(pk=variant.account_id).update(
            status=SocialAccount.Status.NEEDS_REAUTH, last_error=exc.message
        )
        return _give_up(variant, attempt, exc, Outcome.AUTH_EXPIRED, PostStatus.NEEDS_ATTENTION)
    if isinstance(exc, Rejected):
        if exc.permanent:
            return _give_up(variant, attempt, exc, Outcome.REJECTED, PostStatus.FAILED)
        return _retry_later(variant, attempt, exc, Outcome.REJECTED)
    if isinstance(exc, UnknownOutcome):
        return _retry_later(variant, attempt, exc, Outcome.UNKNOWN, reconcile=True)
    # Unavailable and any other transient failure
    return _retry_later(variant, attempt, exc, Outcome.UNAVAILABLE)


def keep_credentials(account: SocialAccount, connector: Connector) -> None:
    """Connectors may log in or rotate tokens during a call: store what they now hold."""
    if dict(connector.credentials.secrets) != dict(account.credentials):
        do_store_refreshed_credentials(account, connector.credentials)


def refresh(account: SocialAccount, connector: Connector) -> Connector:
    """Refresh once; a failure here surfaces as AuthExpired to the caller."""
    try:
        new_credentials = connector.refresh_credentials()
    except NetworkError as exc:
        raise AuthExpired(exc.message) from exc
    do_store_refreshed_credentials(account, new_credentials)
    return account.connector()


def _finish(attempt: Attempt | None, outcome: str, message: str) -> None:
    if attempt is not None:
        Attempt.objects.filter(pk=attempt.pk).update(
            outcome=outcome, message=message, finished_at=timezone.now()
        )


def _mark_published(variant: Variant, published: PublishedPost) -> None:
    with transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(
            status=PostStatus.PUBLISHED,
            remote_id=published.remote_id,
            remote_url=published.url,
            published_at=published.published_at,
            needs_reconcile=False,
            last_error="",
            claimed_at=None,
        )
        after_variant_change(variant.post_id)


def follow_ups(variant: Variant, connector: Connector, published: PublishedPost) -> None:
    """First comment and the rest of a thread, each replying to the previous post."""
    parts = [*variant.thread, *([variant.first_comment] if variant.first_comment else [])]
    parent = RemoteRef(published.remote_id, uri=published.uri, cid=published.cid)
    root, ids = parent, []
    for index, text in enumerate(parts):
        try:
            reply = connector.publish(
                PostRequest(
                    text=text,
                    idempotency_key=f"{variant.idempotency_key}:{index + 1}",
                    reply_to=parent,
                    thread_root=root,
                )
            )
        except NetworkError as exc:
            Variant.objects.filter(pk=variant.pk).update(
                last_error=f"Published, but part {index + 2} failed: {exc.message}"
            )
            break
        ids.append(reply.remote_id)
        parent = RemoteRef(reply.remote_id, uri=reply.uri, cid=reply.cid)
    if ids:
        Variant.objects.filter(pk=variant.pk).update(follow_up_ids=ids)


def _retry_later(
    variant: Variant,
    attempt: Attempt | None,
    exc: NetworkError,
    outcome: str,
    delay: float | None = None,
    reconcile: bool = False,
) -> str:
    _finish(attempt, outcome, exc.message)
    if variant.attempts >= MAX_ATTEMPTS:
        return _give_up(variant, None, exc, outcome, PostStatus.FAILED)
    if delay is None:
        delay = (
            BACKOFF_SECONDS[min(variant.attempts, len(BACKOFF_SECONDS)) - 1]
            if variant.attempts
            else BACKOFF_SECONDS[0]
        )
    Variant.objects.filter(pk=variant.pk, status=PostStatus.PUBLISHING).update(
        status=PostStatus.SCHEDULED,
        due_at=timezone.now() + timedelta(seconds=delay),
        claimed_at=None,
        needs_reconcile=reconcile,
        last_error=exc.message,
    )
    return outcome


def _give_up(
    variant: Variant, attempt: Attempt | None, exc: NetworkError, outcome: str, status: str
) -> str:
    from tribune.publishing.workflow import notify_failure

    _finish(attempt, outcome, exc.message)
    with transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(
            status=status, claimed_at=None, needs_reconcile=False, last_error=exc.message
        )
        after_variant_change(variant.post_id)
        notify_failure(variant, exc.message)
    return outcome
