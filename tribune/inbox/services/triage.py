"""Status, assignment, tags, notes and bulk changes of threads. Each call is one atomic
change with its audit event; the views validate input and resolve ids before."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, BrandRole, User, WorkspaceMembership
from tribune.core.audit import record_audit
from tribune.inbox.models import Note, Tag, Thread, ThreadStatus
from tribune.inbox.services import sla


class TriageError(Exception):
    """A refused change, written for a person."""


def assignable_people(brand: Brand) -> QuerySet[User]:
    """People who may answer in this brand's inbox (CMs, strategists, workspace admins)."""
    admins = WorkspaceMembership.objects.filter(
        workspace_id=brand.workspace_id,
        role__in=[WorkspaceMembership.Role.OWNER, WorkspaceMembership.Role.ADMIN],
    ).values("user_id")
    roles = BrandRole.objects.filter(
        brand=brand, role__in=["community_manager", "strategist"]
    ).values("user_id")
    return User.objects.filter(Q(pk__in=admins) | Q(pk__in=roles), is_active=True).order_by(
        "full_name", "email"
    )


def check_assignee(brand: Brand, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = assignable_people(brand).filter(pk=user_id).first()
    if user is None:
        raise TriageError(_("This person cannot answer in this brand's inbox."))
    return user


def _locked(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().select_related("account__brand").get(pk=thread.pk)


@transaction.atomic
def do_set_status(thread: Thread, actor: User, status: str) -> Thread:
    if status not in ThreadStatus.values:
        raise TriageError(_("Unknown status."))
    thread = _locked(thread)
    before = thread.status
    if before == status:
        return thread
    if status == ThreadStatus.CLOSED:
        if thread.awaiting_since is not None:
            sla.stop_clock(thread, timezone.now(), actor, answered=False)
        thread.closed_at = timezone.now()
    else:
        thread.closed_at = None
    thread.status = status
    thread.save()
    record_audit(
        "inbox.status_changed",
        actor=actor,
        brand=thread.account.brand,
        obj=thread,
        before={"status": before},
        after={"status": status},
    )
    return thread


@transaction.atomic
def do_assign(thread: Thread, actor: User, assignee: User | None) -> Thread:
    thread = _locked(thread)
    before = thread.assignee_id
    if before == (assignee.pk if assignee else None):
        return thread
    thread.assignee = assignee
    thread.save(update_fields=["assignee"])
    record_audit(
        "inbox.assigned",
        actor=actor,
        brand=thread.account.brand,
        obj=thread,
        before={"assignee": before},
        after={"assignee": assignee.pk if assignee else None},
    )
    return thread


def clean_tag_name(name: str) -> str:
    name = " ".join(name.strip().lstrip("#").split())[:60]
    if not name:
        raise TriageError(_("A tag needs a name."))
    return name


@transaction.atomic
def do_tag(thread: Thread, actor: User, name: str) -> Tag:
    name = clean_tag_name(name)
    brand = thread.account.brand
    tag = Tag.objects.filter(brand=brand, name__iexact=name).first() or Tag.objects.create(
        brand=brand, name=name
    )
    if not thread.tags.filter(pk=tag.pk).exists():
        thread.tags.add(tag)
        record_audit("inbox.tagged", actor=actor, brand=brand, obj=thread, after={"tag": tag.name})
    return tag


@transaction.atomic
def do_untag(thread: Thread, actor: User, tag: Tag) -> None:
    if thread.tags.filter(pk=tag.pk).exists():
        thread.tags.remove(tag)
        record_audit(
            "inbox.untagged",
            actor=actor,
            brand=thread.account.brand,
            obj=thread,
            before={"tag": tag.name},
        )


@transaction.atomic
def do_add_note(thread: Thread, actor: User, text: str) -> Note:
    text = text.strip()
    if not text:
        raise TriageError(_("The note is empty."))
    note = Note.objects.create(brand_id=thread.brand_id, thread=thread, author=actor, text=text)
    record_audit("inbox.note_added", actor=actor, brand=thread.account.brand, obj=note)
    return note


@transaction.atomic
def do_bulk(
    threads: Iterable[Thread],
    actor: User,
    op: str,
    *,
    assignee: User | None = None,
    tag: str = "",
) -> int:
    """Close, assign or tag several threads at once; all or nothing."""
    count = 0
    for thread in threads:
        if op == "close":
            do_set_status(thread, actor, ThreadStatus.CLOSED)
        elif op == "open":
            do_set_status(thread, actor, ThreadStatus.OPEN)
        elif op == "assign":
            do_assign(thread, actor, assignee)
        elif op == "tag":
            do_tag(thread, actor, tag)
        else:
            raise TriageError(_("Unknown bulk action."))
        count += 1
    return count
