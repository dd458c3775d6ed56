"""Community members and events (the community area's services and rules)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from pydantic import Field

from tribune.api.auth import in_brand
from tribune.api.common import In, Page, PageParams, UtcDatetime, get_or_404, responses
from tribune.api.errors import ApiError
from tribune.api.idempotency import idempotent
from tribune.api.pagination import paginate
from tribune.community.models import Event, Invitation, Level, Member
from tribune.community.services.events import do_create_event
from tribune.community.services.members import CommunityError, do_create_member

router = Router(tags=["community"])


class IdentityOut(Schema):
    network: str
    handle: str
    display_name: str
    url: str


class MemberOut(Schema):
    id: int
    display_name: str
    level: str
    score: float
    influence: float
    sentiment: float
    languages: list[str]
    location: str
    company: str
    tags: list[str]
    stage: str
    email_consent: bool
    identities: list[IdentityOut]
    created_at: datetime


class MemberPage(Page):
    items: list[MemberOut]


class MemberFilters(PageParams):
    level: Level | None = None


class MemberIn(In):
    display_name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    network: str = Field("", max_length=30)
    handle: str = Field("", max_length=300)
    consent: bool = Field(False, description="The person agreed to receive emails")
    consent_source: str = Field("", max_length=200)


class EventOut(Schema):
    id: int
    title: str
    description: str
    format: str
    location: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    invited: int
    going: int
    checked_in: int


class EventPage(Page):
    items: list[EventOut]


class EventIn(In):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10000)
    format: Event.Format = Event.Format.OFFLINE
    location: str = Field("", max_length=300)
    online_url: str = Field("", max_length=500)
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    capacity: int | None = Field(None, ge=1, le=1_000_000)


def member_out(m: Member) -> MemberOut:
    return MemberOut(
        id=m.pk,
        display_name=m.display_name,
        level=m.level,
        score=m.score,
        influence=m.influence,
        sentiment=m.sentiment,
        languages=[str(x) for x in m.languages or []],
        location=m.location,
        company=m.company,
        tags=[str(x) for x in m.tags or []],
        stage=m.stage,
        email_consent=m.email_consent,
        identities=[
            IdentityOut(network=i.network, handle=i.handle, display_name=i.display_name, url=i.url)
            for i in m.identities.all()
        ],
        created_at=m.created_at,
    )


def event_out(e: Event) -> EventOut:
    statuses = list(e.invitations.values_list("status", "checked_in_at"))
    return EventOut(
        id=e.pk,
        title=e.title,
        description=e.description,
        format=e.format,
        location=e.location,
        online_url=e.online_url,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        capacity=e.capacity,
        invited=len(statuses),
        going=sum(1 for s, _c in statuses if s == Invitation.Status.GOING),
        checked_in=sum(1 for _s, c in statuses if c is not None),
    )


def _members() -> object:
    return Member.objects.filter(merged_into__isnull=True, erased_at__isnull=True)


@router.get(
    "/brands/{brand_slug}/members",
    response=responses(200, MemberPage),
    summary="Community members (merged and erased ones excluded)",
)
def list_members(request, brand_slug: str, filters: Query[MemberFilters]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "community:read") as access:
        qs = _members().filter(brand=access.brand).prefetch_related("identities")  # type: ignore[attr-defined]
        if filters.level:
            qs = qs.filter(level=filters.level)
        return paginate(qs, filters.cursor, filters.limit, member_out)


@router.get(
    "/brands/{brand_slug}/members/{member_id}",
    response=responses(200, MemberOut),
    summary="One member",
)
def get_member(request, brand_slug: str, member_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "community:read"):
        member = get_or_404(Member, member_id, "member", merged_into__isnull=True)
        if member.erased_at is not None:
            raise ApiError(404, "not_found", "No such member.")
        return member_out(member)


@router.post(
    "/brands/{brand_slug}/members",
    response=responses(201, MemberOut),
    summary="Add a member (consent recorded with its source)",
)
@idempotent
def create_member(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    payload: MemberIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "community:write") as access:
        if payload.email:
            try:
                validate_email(payload.email)
            except ValidationError:
                raise ApiError(422, "invalid", "This email address is not valid.") from None
        try:
            member = do_create_member(
                access.brand,
                request.user,  # type: ignore[arg-type]
                display_name=payload.display_name,
                email=payload.email,
                network=payload.network,
                handle=payload.handle,
                consent=payload.consent,
                consent_source=payload.consent_source or "API",
            )
        except CommunityError as exc:
            raise ApiError(422, "invalid", str(exc)) from None
        return 201, member_out(Member.objects.get(pk=member.pk))


@router.get(
    "/brands/{brand_slug}/events",
    response=responses(200, EventPage),
    summary="Community events",
)
def list_events(request, brand_slug: str, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "community:read") as access:
        return paginate(
            Event.objects.filter(brand=access.brand), page.cursor, page.limit, event_out
        )


@router.get(
    "/brands/{brand_slug}/events/{event_id}",
    response=responses(200, EventOut),
    summary="One event with its invitation counts",
)
def get_event(request, brand_slug: str, event_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "community:read"):
        return event_out(get_or_404(Event, event_id, "event"))


@router.post(
    "/brands/{brand_slug}/events",
    response=responses(201, EventOut),
    summary="Create an event",
)
@idempotent
def create_event(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    payload: EventIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "community:write") as access:
        try:
            event = do_create_event(access.brand, request.user, payload.model_dump())  # type: ignore[arg-type]
        except CommunityError as exc:
            raise ApiError(422, "invalid", str(exc)) from None
        return 201, event_out(event)
