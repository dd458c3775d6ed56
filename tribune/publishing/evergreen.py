"""Evergreen posts: content worth repeating is queued again N days after it went out.

The copy joins the post's series and takes the accounts' next free queue slot (or the
same local time N days later when they have none). It is scheduled only if it still
passes every check — the charter may have changed since — otherwise it waits in draft
and its author is told why.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.audit import record_audit
from tribune.core.scope import brand_scope, unscoped
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.publishing.notify import notify
from tribune.publishing.states import copy_post
from tribune.publishing.timing import next_free_slot
from tribune.publishing.workflow import WorkflowError, check_no_blocking, post_link


def due_evergreens(now: datetime) -> list[int]:
    with unscoped():
        candidates = Post.objects.filter(
            evergreen_days__isnull=False, evergreen_days__gt=0, status=PostStatus.PUBLISHED
        )
        due = []
        for post in candidates:
            series = Post.objects.filter(series=post.series)
            if series.exclude(status=PostStatus.PUBLISHED).exists():
                continue  # a copy is already on its way
            last = Variant.objects.filter(
                post__series=post.series, published_at__isnull=False
            ).order_by("-published_at")
            latest = last.values_list("published_at", flat=True).first()
            newest = series.order_by("-scheduled_at", "-id").first()
            if (
                latest
                and newest
                and newest.pk == post.pk
                and latest <= now - timedelta(days=post.evergreen_days or 0)
            ):
                due.append(post.pk)
        return due


@transaction.atomic
def do_requeue(post_id: int, now: datetime | None = None) -> Post:
    now = now or timezone.now()
    with unscoped():
        post = Post.objects.select_related("brand").get(pk=post_id)
    with brand_scope(post.brand):
        accounts = [v.account for v in post.variants.select_related("account")]
        when = next_free_slot(post.brand, accounts, after=now + timedelta(minutes=5)) or (
            now + timedelta(days=1)
        )
        copy = copy_post(
            post,
            when,
            PostStatus.DRAFT,
            due=False,
            keep_rendered=True,
            evergreen_days=post.evergreen_days,
        )
        try:
            check_no_blocking(copy)
        except WorkflowError as exc:
            notify(
                [post.author],
                post.brand,
                "post.evergreen_blocked",
                _("“%(post)s” was not queued again: %(reason)s") % {"post": post, "reason": exc},
                post_link(copy),
            )
            return copy
        Variant.objects.filter(post=copy).update(status=PostStatus.SCHEDULED, due_at=when)
        Post.objects.filter(pk=copy.pk).update(status=PostStatus.SCHEDULED)
        record_audit(
            "post.evergreen_requeued",
            brand=post.brand,
            obj=copy,
            after={"from": post.pk, "scheduled_at": when.isoformat()},
        )
        copy.refresh_from_db()
        return copy
