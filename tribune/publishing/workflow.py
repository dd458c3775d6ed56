"""The approval workflow: draft → in review → approved → scheduled → published/failed.

``check_*`` functions validate and raise ``WorkflowError`` with a message for a person;
``do_*`` functions make one atomic change, write the audit log and notify people.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.access import BrandAccess
from tribune.accounts.models import Brand, User
from tribune.accounts.roles import Cap
from tribune.core.audit import record_audit
from tribune.networks.models import SocialAccount
from tribune.publishing.checks import check_text, media_problems
from tribune.publishing.links import render_variant
from tribune.publishing.models import Post, PostStatus, ReviewComment, Variant
from tribune.publishing.notify import notify, people_with_roles, workspace_admins
from tribune.publishing.states import after_variant_change

EDITABLE = {
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.APPROVED,
    PostStatus.SCHEDULED,
    PostStatus.FAILED,
    PostStatus.NEEDS_ATTENTION,
}


class WorkflowError(ValueError):
    def __init__(self, message: str, problems: dict[str, list[Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


def post_link(post: Post) -> str:
    return reverse("publishing:post", args=[post.brand.slug, post.pk])


def _snapshot(post: Post) -> dict[str, Any]:
    return {
        "status": post.status,
        "text": post.text,
        "scheduled_at": post.scheduled_at.isoformat() if post.scheduled_at else None,
    }


def _audit(action: str, post: Post, actor: User | None, before: dict[str, Any] | None) -> None:
    record_audit(
        action, actor=actor, brand=post.brand, obj=post, before=before, after=_snapshot(post)
    )


def check_post(post: Post) -> dict[str, dict]:
    """Checks per variant (keyed by account handle); see ``checks.check_text``."""
    results = {}
    media = list(post.media.all())
    for variant in post.variants.select_related("account"):
        result = check_text(
            post.brand,
            variant.account.network,
            variant.body,
            sponsored=post.sponsored,
            language=post.language or variant.account.language,
            account=variant.account.handle,
        )
        result["problems"] += media_problems(variant.account.network, media)
        result["blocking"] = any(p.blocking for p in result["problems"])
        results[variant.account.handle] = result
    return results


def check_no_blocking(post: Post) -> None:
    results = check_post(post)
    if not results:
        raise WorkflowError(_("Choose at least one account to publish on."))
    blocked = {
        h: [p for p in r["problems"] if p.blocking] for h, r in results.items() if r["blocking"]
    }
    if blocked:
        raise WorkflowError(_("The post breaks a blocking rule; fix it first."), blocked)


@transaction.atomic
def do_save_post(
    brand: Brand,
    author: User,
    *,
    post: Post | None = None,
    text: str,
    accounts: list[SocialAccount],
    scheduled_at: datetime | None,
    title: str = "",
    sponsored: bool = False,
    language: str = "",
    repeat: str = "",
    repeat_until: Any = None,
    first_comment: str = "",
    overrides: dict[int, str] | None = None,
    evergreen_days: int | None = None,
) -> Post:
    """Create or edit a post; editing an approved post sends it back to draft."""
    creating = post is None
    before = None if post is None else _snapshot(post)
    if post is None:
        post = Post(brand=brand, author=author)
    elif post.status not in EDITABLE:
        raise WorkflowError(_("A post that is being published or is published cannot change."))
    post.text, post.title, post.sponsored, post.language = text, title, sponsored, language
    post.evergreen_days = evergreen_days or None
    post.scheduled_at, post.repeat, post.repeat_until = scheduled_at, repeat, repeat_until
    post.repeat_at_local = (
        scheduled_at.astimezone(brand.tz).time() if scheduled_at and repeat else None
    )
    post.status = PostStatus.DRAFT
    post.approved_by, post.approved_at = None, None
    post.save()
    overrides = overrides or {}
    keep = {a.pk for a in accounts}
    Variant.objects.filter(post=post).exclude(account_id__in=keep).delete()
    for account in accounts:
        Variant.objects.update_or_create(
            post=post,
            account=account,
            defaults={
                "brand": brand,
                "text": overrides.get(account.pk, ""),
                "first_comment": first_comment,
                "status": PostStatus.DRAFT,
                "due_at": None,
                "last_error": "",
            },
        )
    record_audit(
        "post.created" if creating else "post.edited",
        actor=author,
        brand=brand,
        obj=post,
        before=before,
        after=_snapshot(post),
    )
    return post


def _set_variants(post: Post, status: str, due_at: datetime | None = None) -> None:
    Variant.objects.filter(post=post).exclude(status=PostStatus.PUBLISHED).update(
        status=status, due_at=due_at, claimed_at=None
    )
    after_variant_change(post.pk)
    post.refresh_from_db()


@transaction.atomic
def do_submit(post: Post, actor: User) -> Post:
    if post.status != PostStatus.DRAFT:
        raise WorkflowError(_("Only a draft can be sent for review."))
    check_no_blocking(post)
    before = _snapshot(post)
    if not post.brand.approval_required:
        return _approve(post, actor, before)
    _set_variants(post, PostStatus.IN_REVIEW)
    _audit("post.submitted", post, actor, before)
    reviewers = people_with_roles(post.brand, ["strategist", "client_reviewer"])
    notify(
        reviewers,
        post.brand,
        "post.review",
        _("%(who)s asks you to review “%(post)s”.") % {"who": actor.display_name, "post": post},
        post_link(post),
    )
    return post


def check_can_approve(access: BrandAccess, post: Post) -> None:
    if not access.can(Cap.APPROVE):
        raise WorkflowError(_("Your role does not allow approving posts."))
    if post.status != PostStatus.IN_REVIEW:
        raise WorkflowError(_("Only a post in review can be approved."))


@transaction.atomic
def do_approve(post: Post, actor: User) -> Post:
    check_no_blocking(post)
    return _approve(post, actor, _snapshot(post))


def _approve(post: Post, actor: User, before: dict[str, Any]) -> Post:
    post.approved_by, post.approved_at = actor, timezone.now()
    post.save(update_fields=["approved_by", "approved_at"])
    for variant in post.variants.select_related("account", "brand", "post"):
        variant.rendered_text = render_variant(variant)
        variant.save(update_fields=["rendered_text"])
    if post.scheduled_at is not None:
        _set_variants(post, PostStatus.SCHEDULED, post.scheduled_at)
    else:
        _set_variants(post, PostStatus.APPROVED)
    _audit("post.approved", post, actor, before)
    if post.author and post.author != actor:
        notify(
            [post.author],
            post.brand,
            "post.approved",
            _("%(who)s approved “%(post)s”.") % {"who": actor.display_name, "post": post},
            post_link(post),
        )
    return post


@transaction.atomic
def do_request_changes(post: Post, actor: User, comment: str) -> Post:
    if post.status != PostStatus.IN_REVIEW:
        raise WorkflowError(_("Only a post in review can be sent back."))
    if not comment.strip():
        raise WorkflowError(_("Say what should change."))
    before = _snapshot(post)
    ReviewComment.objects.create(
        post=post, brand=post.brand, author=actor, text=comment, requests_changes=True
    )
    _set_variants(post, PostStatus.DRAFT)
    record_audit(
        "post.changes_requested",
        actor=actor,
        brand=post.brand,
        obj=post,
        before=before,
        after={**_snapshot(post), "comment": comment},
    )
    notify(
        [post.author],
        post.brand,
        "post.changes",
        _("%(who)s asks for changes on “%(post)s”: %(comment)s")
        % {"who": actor.display_name, "post": post, "comment": comment},
        post_link(post),
    )
    return post


@transaction.atomic
def do_adapt_variant(variant: Variant, actor: User, text: str) -> Variant:
    """Give one account its own text (empty: back to the post's text). Like any edit of
    the content, it sends an approved post back to draft."""
    post = variant.post
    if post.status not in EDITABLE or variant.status == PostStatus.PUBLISHED:
        raise WorkflowError(_("A post that is being published or is published cannot change."))
    before = {"account": variant.account.handle, "text": variant.text}
    variant.text = "" if text.strip() == post.text.strip() else text.strip()
    variant.save(update_fields=["text"])
    if post.status != PostStatus.DRAFT:
        _set_variants(post, PostStatus.DRAFT)
        post.approved_by, post.approved_at = None, None
        post.save(update_fields=["approved_by", "approved_at"])
    record_audit(
        "post.variant_adapted",
        actor=actor,
        brand=post.brand,
        obj=post,
        before=before,
        after={"account": variant.account.handle, "text": variant.text},
    )
    return variant


@transaction.atomic
def do_comment(post: Post, actor: User, text: str) -> ReviewComment:
    if not text.strip():
        raise WorkflowError(_("The comment is empty."))
    return ReviewComment.objects.create(post=post, brand=post.brand, author=actor, text=text)


@transaction.atomic
def do_reschedule(post: Post, actor: User, when: datetime) -> Post:
    if post.status in {PostStatus.PUBLISHING, PostStatus.PUBLISHED}:
        raise WorkflowError(_("This post is already out; it cannot move."))
    before = _snapshot(post)
    post.scheduled_at = when
    if post.repeat:
        post.repeat_at_local = when.astimezone(post.brand.tz).time()
    post.save(update_fields=["scheduled_at", "repeat_at_local", "updated_at"])
    Variant.objects.filter(post=post, status=PostStatus.SCHEDULED).update(due_at=when)
    if post.status == PostStatus.APPROVED:
        _set_variants(post, PostStatus.SCHEDULED, when)
    _audit("post.rescheduled", post, actor, before)
    return post


@transaction.atomic
def do_unschedule(post: Post, actor: User) -> Post:
    if post.status not in {
        PostStatus.SCHEDULED,
        PostStatus.APPROVED,
        PostStatus.IN_REVIEW,
        PostStatus.FAILED,
        PostStatus.NEEDS_ATTENTION,
    }:
        raise WorkflowError(_("This post cannot go back to draft now."))
    before = _snapshot(post)
    _set_variants(post, PostStatus.DRAFT)
    _audit("post.unscheduled", post, actor, before)
    return post


@transaction.atomic
def do_retry(post: Post, actor: User) -> Post:
    """A person fixed the cause (reconnected the account…): try the failed variants again."""
    Variant.objects.filter(
        post=post, status__in=[PostStatus.FAILED, PostStatus.NEEDS_ATTENTION]
    ).update(status=PostStatus.SCHEDULED, due_at=timezone.now(), attempts=0, last_error="")
    after_variant_change(post.pk)
    record_audit("post.retried", actor=actor, brand=post.brand, obj=post)
    post.refresh_from_db()
    return post


def notify_failure(variant: Variant, message: str) -> None:
    post = variant.post
    people = [
        post.author,
        *people_with_roles(post.brand, ["strategist"]),
        *workspace_admins(post.brand),
    ]
    notify(
        people,
        post.brand,
        "post.failed",
        _("Publishing “%(post)s” on %(account)s failed: %(error)s")
        % {"post": post, "account": variant.account, "error": message},
        post_link(post),
    )
    record_audit(
        "post.failed",
        brand=post.brand,
        obj=post,
        after={"account": variant.account.handle, "error": message},
    )
