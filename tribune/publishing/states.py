"""A post's status follows its variants'; a published repeating post schedules the next."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from tribune.publishing.models import Post, PostStatus, Variant
from tribune.publishing.recurrence import next_occurrence
from tribune.webhooks import hooks as webhook_hooks

# The most urgent variant status wins (a failure on one account must be seen).
PRIORITY = [
    PostStatus.NEEDS_ATTENTION,
    PostStatus.FAILED,
    PostStatus.PUBLISHING,
    PostStatus.SCHEDULED,
    PostStatus.APPROVED,
    PostStatus.IN_REVIEW,
    PostStatus.DRAFT,
    PostStatus.PUBLISHED,
]


def combined_status(statuses: set[str]) -> str:
    for status in PRIORITY:
        if status in statuses:
            return status
    return PostStatus.DRAFT


def after_variant_change(post_id: int) -> None:
    statuses = set(Variant.objects.filter(post_id=post_id).values_list("status", flat=True))
    status = combined_status(statuses)
    if Post.objects.filter(pk=post_id).exclude(status=status).update(status=status):
        webhook_hooks.post_status_changed(post_id, status)
    if (
        PostStatus.PUBLISHED in statuses
        and Post.objects.filter(pk=post_id).exclude(repeat="").exists()
    ):
        schedule_next_occurrence(post_id)


@transaction.atomic
def schedule_next_occurrence(post_id: int) -> Post | None:
    post = Post.objects.select_related("brand").get(pk=post_id)
    if not post.repeat or post.scheduled_at is None or post.repeat_at_local is None:
        return None
    when = next_occurrence(
        post.scheduled_at, post.repeat, post.repeat_at_local, post.brand.tz, post.repeat_until
    )
    if when is None:
        return None
    existing = Post.objects.filter(series=post.series, scheduled_at=when).first()
    if existing is not None:
        return existing
    return copy_post(
        post,
        when,
        PostStatus.SCHEDULED,
        due=True,
        repeat=post.repeat,
        repeat_until=post.repeat_until,
        repeat_at_local=post.repeat_at_local,
    )


def copy_post(
    post: Post,
    when: datetime,
    status: str,
    *,
    due: bool,
    keep_rendered: bool = False,
    **fields: object,
) -> Post:
    """A new occurrence of ``post`` in its series (repeats, evergreen re-queues): same
    content, accounts and approval, at ``when``; its variants get ``status``."""
    copy = Post.objects.create(
        brand=post.brand,
        author=post.author,
        title=post.title,
        text=post.text,
        status=status,
        scheduled_at=when,
        sponsored=post.sponsored,
        language=post.language,
        series=post.series,
        approved_by=post.approved_by,
        approved_at=post.approved_at,
        **fields,
    )
    for variant in Variant.objects.filter(post=post):
        Variant.objects.create(
            post=copy,
            brand=post.brand,
            account_id=variant.account_id,
            text=variant.text,
            first_comment=variant.first_comment,
            thread=variant.thread,
            rendered_text=variant.rendered_text if keep_rendered else "",
            status=status,
            due_at=when if due else None,
        )
    return copy
