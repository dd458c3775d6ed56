"""Posts and the calendar, through the same workflow services as the screens: the same
role rules, the same charter and length checks, the same audit events."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from pydantic import Field

from tribune.accounts.models import Brand
from tribune.api.auth import in_brand
from tribune.api.common import In, ObjId, Page, PageParams, UtcDatetime, get_or_404, responses
from tribune.api.errors import ApiError
from tribune.api.idempotency import idempotent
from tribune.api.pagination import paginate
from tribune.networks.models import SocialAccount
from tribune.publishing import workflow
from tribune.publishing.models import Post, PostStatus, Variant

router = Router(tags=["posts"])


class VariantOut(Schema):
    id: int
    account_id: int
    network: str
    handle: str
    text: str
    status: str
    remote_id: str
    remote_url: str
    published_at: datetime | None
    last_error: str


class PostOut(Schema):
    id: int
    brand: str
    title: str
    text: str
    status: str
    scheduled_at: datetime | None
    scheduled_local: str | None = Field(description="In the brand's time zone")
    sponsored: bool
    language: str
    author: str | None
    approved_by: str | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    variants: list[VariantOut]


class PostPage(Page):
    items: list[PostOut]


class PostIn(In):
    text: str = Field(min_length=1, max_length=20000)
    account_ids: list[ObjId] = Field(min_length=1, max_length=50)
    title: str = Field("", max_length=200)
    scheduled_at: UtcDatetime | None = None
    sponsored: bool = False
    language: str = Field("", max_length=8)
    first_comment: str = Field("", max_length=5000)
    submit: bool = Field(
        False,
        description="Send for review (or approve, if the brand needs no approval) in the same step",
    )


class PostPatch(In):
    text: str | None = Field(None, min_length=1, max_length=20000)
    account_ids: list[ObjId] | None = Field(None, min_length=1, max_length=50)
    title: str | None = Field(None, max_length=200)
    scheduled_at: UtcDatetime | None = None
    sponsored: bool | None = None
    language: str | None = Field(None, max_length=8)


class ScheduleIn(In):
    scheduled_at: UtcDatetime


class CommentIn(In):
    comment: str = Field(min_length=1, max_length=5000)


class PostFilters(PageParams):
    status: PostStatus | None = None
    scheduled_from: UtcDatetime | None = None
    scheduled_to: UtcDatetime | None = None


class CalendarEntry(Schema):
    post_id: int
    title: str
    status: str
    scheduled_at: datetime
    local_date: date
    local_time: str
    networks: list[str]


class CalendarOut(Schema):
    timezone: str
    start: date
    end: date
    entries: list[CalendarEntry]


class CalendarParams(In):
    start: date
    end: date


def post_out(post: Post) -> PostOut:
    tz = post.brand.tz
    variants = [
        VariantOut(
            id=v.pk,
            account_id=v.account_id,
            network=v.account.network,
            handle=v.account.handle,
            text=v.body,
            status=v.status,
            remote_id=v.remote_id,
            remote_url=v.remote_url,
            published_at=v.published_at,
            last_error=v.last_error,
        )
        for v in sorted(post.variants.all(), key=lambda v: v.pk)  # prefetched with accounts
    ]
    return PostOut(
        id=post.pk,
        brand=post.brand.slug,
        title=post.title,
        text=post.text,
        status=post.status,
        scheduled_at=post.scheduled_at,
        scheduled_local=post.scheduled_at.astimezone(tz).isoformat() if post.scheduled_at else None,
        sponsored=post.sponsored,
        language=post.language,
        author=post.author.email if post.author else None,
        approved_by=post.approved_by.email if post.approved_by else None,
        approved_at=post.approved_at,
        created_at=post.created_at,
        updated_at=post.updated_at,
        variants=variants,
    )


def _workflow_error(exc: workflow.WorkflowError) -> ApiError:
    details: dict[str, Any] = {
        handle: [
            {"code": getattr(p, "code", ""), "message": str(getattr(p, "message", p))}
            for p in problems
        ]
        for handle, problems in exc.problems.items()
    }
    return ApiError(422, "workflow_refused", str(exc), details or None)


def _accounts(brand: Brand, ids: list[int]) -> list[SocialAccount]:
    found = {a.pk: a for a in SocialAccount.objects.filter(brand=brand, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApiError(
            422,
            "invalid",
            "Some accounts are not social accounts of this brand.",
            {"account_ids": missing},
        )
    return [found[i] for i in dict.fromkeys(ids)]


def with_variants(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch("variants", queryset=Variant.objects.select_related("account"))
    )


def _post(post_id: int) -> Post:
    post = get_or_404(Post, post_id, "post")
    return with_variants(Post.objects.select_related("brand", "author", "approved_by")).get(
        pk=post.pk
    )


@router.get("/brands/{brand_slug}/posts", response=responses(200, PostPage), summary="List posts")
def list_posts(request, brand_slug: str, filters: Query[PostFilters]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "posts:read") as access:
        qs = with_variants(
            Post.objects.filter(brand=access.brand).select_related("brand", "author", "approved_by")
        )
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.scheduled_from:
            qs = qs.filter(scheduled_at__gte=filters.scheduled_from)
        if filters.scheduled_to:
            qs = qs.filter(scheduled_at__lt=filters.scheduled_to)
        return paginate(qs, filters.cursor, filters.limit, post_out)


@router.post(
    "/brands/{brand_slug}/posts",
    response=responses(201, PostOut),
    summary="Create a post (draft, or submitted with submit=true)",
)
@idempotent
def create_post(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    payload: PostIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "posts:write") as access:
        accounts = _accounts(access.brand, payload.account_ids)
        try:
            with transaction.atomic():  # a refused submit creates nothing
                post = workflow.do_save_post(
                    access.brand,
                    request.user,  # type: ignore[arg-type]
                    text=payload.text,
                    accounts=accounts,
                    scheduled_at=payload.scheduled_at,
                    title=payload.title,
                    sponsored=payload.sponsored,
                    language=payload.language,
                    first_comment=payload.first_comment,
                )
                if payload.submit:
                    post = workflow.do_submit(post, request.user)  # type: ignore[arg-type]
        except workflow.WorkflowError as exc:
            raise _workflow_error(exc) from None
        return 201, post_out(_post(post.pk))


@router.get(
    "/brands/{brand_slug}/posts/{post_id}", response=responses(200, PostOut), summary="One post"
)
def get_post(request, brand_slug: str, post_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "posts:read"):
        return post_out(_post(post_id))


@router.patch(
    "/brands/{brand_slug}/posts/{post_id}",
    response=responses(200, PostOut),
    summary="Edit a post (an approved post goes back to draft, as on screen)",
)
def edit_post(request, brand_slug: str, post_id: int, payload: PostPatch):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "posts:write") as access:
        post = _post(post_id)
        fields = payload.model_dump(exclude_unset=True)
        accounts = (
            _accounts(access.brand, payload.account_ids)
            if payload.account_ids is not None
            else [v.account for v in post.variants.select_related("account")]
        )
        first = post.variants.first()
        try:
            post = workflow.do_save_post(
                access.brand,
                request.user,
                post=post,
                text=payload.text if payload.text is not None else post.text,
                accounts=accounts,
                scheduled_at=fields.get("scheduled_at", post.scheduled_at),
                title=payload.title if payload.title is not None else post.title,
                sponsored=payload.sponsored if payload.sponsored is not None else post.sponsored,
                language=payload.language if payload.language is not None else post.language,
                repeat=post.repeat,
                repeat_until=post.repeat_until,
                first_comment=first.first_comment if first else "",
                evergreen_days=post.evergreen_days,
            )
        except workflow.WorkflowError as exc:
            raise _workflow_error(exc) from None
        return post_out(_post(post.pk))


def _transition(
    request: HttpRequest, brand_slug: str, post_id: int, action: str, **kw: Any
) -> PostOut:
    scope = "posts:approve" if action in {"approve", "request_changes"} else "posts:write"
    with in_brand(request, brand_slug, scope) as access:
        post = _post(post_id)
        user = request.user
        try:
            if action == "submit":
                workflow.do_submit(post, user)  # type: ignore[arg-type]
            elif action == "approve":
                workflow.check_can_approve(access, post)
                workflow.do_approve(post, user)  # type: ignore[arg-type]
            elif action == "request_changes":
                workflow.check_can_approve(access, post)
                workflow.do_request_changes(post, user, kw["comment"])  # type: ignore[arg-type]
            elif action == "schedule":
                workflow.do_reschedule(post, user, kw["when"])  # type: ignore[arg-type]
            elif action == "unschedule":
                workflow.do_unschedule(post, user)  # type: ignore[arg-type]
        except workflow.WorkflowError as exc:
            raise _workflow_error(exc) from None
        return post_out(_post(post.pk))


@router.post(
    "/brands/{brand_slug}/posts/{post_id}/submit",
    response=responses(200, PostOut),
    summary="Send a draft for review",
)
def submit_post(request, brand_slug: str, post_id: int):  # type: ignore[no-untyped-def]
    return _transition(request, brand_slug, post_id, "submit")


@router.post(
    "/brands/{brand_slug}/posts/{post_id}/approve",
    response=responses(200, PostOut),
    summary="Approve a post in review (strategist, client reviewer, admin)",
)
def approve_post(request, brand_slug: str, post_id: int):  # type: ignore[no-untyped-def]
    return _transition(request, brand_slug, post_id, "approve")


@router.post(
    "/brands/{brand_slug}/posts/{post_id}/request-changes",
    response=responses(200, PostOut),
    summary="Send a post in review back to its author",
)
def request_changes(request, brand_slug: str, post_id: int, payload: CommentIn):  # type: ignore[no-untyped-def]
    return _transition(request, brand_slug, post_id, "request_changes", comment=payload.comment)


@router.post(
    "/brands/{brand_slug}/posts/{post_id}/schedule",
    response=responses(200, PostOut),
    summary="Set or move the publication time",
)
def schedule_post(request, brand_slug: str, post_id: int, payload: ScheduleIn):  # type: ignore[no-untyped-def]
    return _transition(request, brand_slug, post_id, "schedule", when=payload.scheduled_at)


@router.post(
    "/brands/{brand_slug}/posts/{post_id}/unschedule",
    response=responses(200, PostOut),
    summary="Take a post back to draft",
)
def unschedule_post(request, brand_slug: str, post_id: int):  # type: ignore[no-untyped-def]
    return _transition(request, brand_slug, post_id, "unschedule")


@router.get(
    "/brands/{brand_slug}/calendar",
    response=responses(200, CalendarOut),
    summary="Scheduled posts between two dates (brand time zone, at most 92 days)",
)
def calendar(request, brand_slug: str, params: Query[CalendarParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "posts:read") as access:
        if params.end < params.start or (params.end - params.start).days > 92:
            raise ApiError(422, "invalid", "Give a start before the end, at most 92 days apart.")
        tz = access.brand.tz
        try:
            start = datetime.combine(params.start, time.min, tzinfo=tz)
            end = datetime.combine(params.end + timedelta(days=1), time.min, tzinfo=tz)
        except OverflowError:
            raise ApiError(422, "invalid", "These dates are out of range.") from None
        posts = (
            Post.objects.filter(brand=access.brand, scheduled_at__gte=start, scheduled_at__lt=end)
            .order_by("scheduled_at", "pk")
            .prefetch_related("variants__account")[:2000]
        )
        entries = []
        for post in posts:
            local = post.scheduled_at.astimezone(tz)  # type: ignore[union-attr]
            entries.append(
                CalendarEntry(
                    post_id=post.pk,
                    title=str(post),
                    status=post.status,
                    scheduled_at=post.scheduled_at,  # type: ignore[arg-type]
                    local_date=local.date(),
                    local_time=local.strftime("%H:%M"),
                    networks=sorted({v.account.network for v in post.variants.all()}),
                )
            )
        return CalendarOut(
            timezone=access.brand.timezone, start=params.start, end=params.end, entries=entries
        )


__all__ = ["Variant", "router"]
