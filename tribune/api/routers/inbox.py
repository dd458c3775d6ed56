"""The inbox: conversations, their messages, replies, assignment, closing."""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from pydantic import Field

from tribune.api.auth import in_brand
from tribune.api.common import In, ObjId, Page, PageParams, get_or_404, responses
from tribune.api.errors import ApiError
from tribune.api.idempotency import idempotent
from tribune.api.pagination import paginate
from tribune.inbox.models import Message, Thread, ThreadStatus
from tribune.inbox.services import triage
from tribune.inbox.services.replies import ReplyError, do_reply

router = Router(tags=["inbox"])


class ThreadOut(Schema):
    id: int
    account_id: int
    network: str
    kind: str
    status: str
    assignee_id: int | None
    assignee_email: str | None
    tags: list[str]
    author_handle: str | None
    last_text: str
    last_activity_at: datetime
    sentiment: str
    has_question: bool
    message_count: int
    sla_due_at: datetime | None
    late: bool
    created_at: datetime


class ThreadPage(Page):
    items: list[ThreadOut]


class MessageOut(Schema):
    id: int
    direction: str
    kind: str
    author_handle: str | None
    sent_by: str | None
    text: str
    url: str
    created_at: datetime
    language: str
    sentiment: str
    hidden: bool
    delivery: str


class ThreadDetail(ThreadOut):
    messages: list[MessageOut]


class ThreadFilters(PageParams):
    status: ThreadStatus | None = None
    assignee_id: ObjId | None = None
    unassigned: bool = False


class ReplyIn(In):
    text: str = Field(min_length=1, max_length=10000)
    close: bool = False
    reply_to_message_id: ObjId | None = None


class AssignIn(In):
    assignee_id: ObjId | None = Field(None, description="null to unassign")


def _tags(thread: Thread) -> list[Any]:
    """The thread's tags: the list prefetched into ``tag_list`` when there is one."""
    if hasattr(thread, "tag_list"):
        return list(thread.tag_list)
    return list(thread.tags.all())


def thread_out(thread: Thread) -> ThreadOut:
    return ThreadOut(
        id=thread.pk,
        account_id=thread.account_id,
        network=thread.network,
        kind=thread.kind,
        status=thread.status,
        assignee_id=thread.assignee_id,
        assignee_email=thread.assignee.email if thread.assignee else None,
        tags=[t.name for t in _tags(thread)],
        author_handle=thread.author.handle if thread.author else None,
        last_text=thread.last_text,
        last_activity_at=thread.last_activity_at,
        sentiment=thread.sentiment,
        has_question=thread.has_question,
        message_count=thread.message_count,
        sla_due_at=thread.sla_due_at,
        late=thread.is_late,
        created_at=thread.created_at,
    )


def message_out(message: Message) -> MessageOut:
    return MessageOut(
        id=message.pk,
        direction=message.direction,
        kind=message.kind,
        author_handle=message.author.handle if message.author else None,
        sent_by=message.sent_by.email if message.sent_by else None,
        text=message.text,
        url=message.url,
        created_at=message.created_at,
        language=message.language,
        sentiment=message.sentiment,
        hidden=message.hidden,
        delivery=message.delivery,
    )


def _thread(thread_id: int) -> Thread:
    thread = get_or_404(Thread, thread_id, "conversation")
    return Thread.objects.select_related("account__brand", "author", "assignee").get(pk=thread.pk)


def _detail(thread: Thread) -> ThreadDetail:
    messages = thread.messages.select_related("author", "sent_by").order_by("-created_at", "-id")
    return ThreadDetail(
        **thread_out(thread).model_dump(),
        messages=[message_out(m) for m in reversed(list(messages[:200]))],
    )


@router.get(
    "/brands/{brand_slug}/inbox/threads",
    response=responses(200, ThreadPage),
    summary="Conversations, newest first",
)
def list_threads(request, brand_slug: str, filters: Query[ThreadFilters]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "inbox:read") as access:
        qs = (
            Thread.objects.filter(brand=access.brand)
            .select_related("assignee", "author")
            # to_attr: a plain list per thread, no related manager built for each one
            .prefetch_related(Prefetch("tags", to_attr="tag_list"))
        )
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.assignee_id:
            qs = qs.filter(assignee_id=filters.assignee_id)
        if filters.unassigned:
            qs = qs.filter(assignee__isnull=True)
        return paginate(qs, filters.cursor, filters.limit, thread_out)


@router.get(
    "/brands/{brand_slug}/inbox/threads/{thread_id}",
    response=responses(200, ThreadDetail),
    summary="One conversation with its latest 200 messages",
)
def get_thread(request, brand_slug: str, thread_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "inbox:read"):
        return _detail(_thread(thread_id))


@router.post(
    "/brands/{brand_slug}/inbox/threads/{thread_id}/reply",
    response=responses(201, MessageOut),
    summary="Answer in a conversation, through the network",
)
@idempotent
def reply(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    thread_id: int,
    payload: ReplyIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "inbox:write"):
        thread = _thread(thread_id)
        target = None
        if payload.reply_to_message_id is not None:
            target = get_or_404(Message, payload.reply_to_message_id, "message", thread=thread)
        try:
            sent = do_reply(
                thread,
                request.user,  # type: ignore[arg-type]
                payload.text,
                reply_to=target,
                close=payload.close,
            )
        except ReplyError as exc:
            raise ApiError(422, "reply_refused", str(exc)) from None
        message = Message.objects.select_related("author", "sent_by").get(pk=sent.message.pk)
        return 201, message_out(message)


@router.post(
    "/brands/{brand_slug}/inbox/threads/{thread_id}/assign",
    response=responses(200, ThreadOut),
    summary="Assign a conversation (or unassign with null)",
)
def assign(request, brand_slug: str, thread_id: int, payload: AssignIn):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "inbox:write") as access:
        thread = _thread(thread_id)
        try:
            assignee = triage.check_assignee(access.brand, payload.assignee_id)
            triage.do_assign(thread, request.user, assignee)
        except triage.TriageError as exc:
            raise ApiError(422, "invalid", str(exc), {"assignee_id": payload.assignee_id}) from None
        return thread_out(_thread(thread_id))


def _status(request: HttpRequest, brand_slug: str, thread_id: int, status: str) -> ThreadOut:
    with in_brand(request, brand_slug, "inbox:write"):
        thread = _thread(thread_id)
        try:
            triage.do_set_status(thread, request.user, status)  # type: ignore[arg-type]
        except triage.TriageError as exc:
            raise ApiError(422, "invalid", str(exc)) from None
        return thread_out(_thread(thread_id))


@router.post(
    "/brands/{brand_slug}/inbox/threads/{thread_id}/close",
    response=responses(200, ThreadOut),
    summary="Close a conversation",
)
def close(request, brand_slug: str, thread_id: int):  # type: ignore[no-untyped-def]
    return _status(request, brand_slug, thread_id, ThreadStatus.CLOSED)


@router.post(
    "/brands/{brand_slug}/inbox/threads/{thread_id}/reopen",
    response=responses(200, ThreadOut),
    summary="Open a closed or pending conversation again",
)
def reopen(request, brand_slug: str, thread_id: int):  # type: ignore[no-untyped-def]
    return _status(request, brand_slug, thread_id, ThreadStatus.OPEN)
