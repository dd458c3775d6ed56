"""Listening queries, mentions, and alerts (list, acknowledge)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from pydantic import Field

from tribune.api.auth import in_brand
from tribune.api.common import In, ObjId, Page, PageParams, UtcDatetime, get_or_404, responses
from tribune.api.errors import ApiError
from tribune.api.idempotency import idempotent
from tribune.api.pagination import paginate
from tribune.listening.models import Alert, Mention
from tribune.listening.models import Query as ListeningQuery
from tribune.listening.querylang import check_expression
from tribune.listening.services.delivery import do_acknowledge
from tribune.listening.services.queries import do_save_query

router = Router(tags=["listening"])


class QueryOut(Schema):
    id: int
    name: str
    kind: str
    expression: str
    enabled: bool
    created_at: datetime


class QueryPage(Page):
    items: list[QueryOut]


class QueryIn(In):
    name: str = Field(min_length=1, max_length=120)
    kind: ListeningQuery.Kind = ListeningQuery.Kind.BRAND
    expression: str = Field(min_length=1, max_length=2000)
    enabled: bool = True


class MentionOut(Schema):
    id: int
    network: str
    url: str
    author: str
    title: str
    text: str
    published_at: datetime
    language: str
    sentiment: str
    toxicity: float
    reach: int
    query_ids: list[int]


class MentionPage(Page):
    items: list[MentionOut]


class MentionFilters(PageParams):
    query_id: ObjId | None = None
    sentiment: Mention.Sentiment | None = None
    since: UtcDatetime | None = None


class AlertOut(Schema):
    id: int
    query_id: int
    kind: str
    status: str
    why: str
    numbers: dict[str, Any]
    top_terms: list[Any]
    mention_count: int
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str
    closed_at: datetime | None


class AlertPage(Page):
    items: list[AlertOut]


class AlertFilters(PageParams):
    status: Alert.Status | None = None
    open_only: bool = False


def query_out(q: ListeningQuery) -> QueryOut:
    return QueryOut(
        id=q.pk,
        name=q.name,
        kind=q.kind,
        expression=q.expression,
        enabled=q.enabled,
        created_at=q.created_at,
    )


def mention_out(m: Mention) -> MentionOut:
    return MentionOut(
        id=m.pk,
        network=m.network,
        url=m.url,
        author=m.author,
        title=m.title,
        text=m.text,
        published_at=m.published_at,
        language=m.language,
        sentiment=m.sentiment,
        toxicity=m.toxicity,
        reach=m.reach,
        query_ids=sorted(q.pk for q in m.queries.all()),
    )


def alert_out(a: Alert) -> AlertOut:
    return AlertOut(
        id=a.pk,
        query_id=a.query_id,
        kind=a.kind,
        status=a.status,
        why=a.why,
        numbers=a.numbers or {},
        top_terms=list(a.top_terms or []),
        mention_count=a.mention_count,
        raised_at=a.raised_at,
        acknowledged_at=a.acknowledged_at,
        acknowledged_by=a.acknowledged_by,
        closed_at=a.closed_at,
    )


@router.get(
    "/brands/{brand_slug}/listening/queries",
    response=responses(200, QueryPage),
    summary="Listening queries",
)
def list_queries(request, brand_slug: str, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "listening:read") as access:
        qs = ListeningQuery.objects.filter(brand=access.brand)
        return paginate(qs, page.cursor, page.limit, query_out)


@router.post(
    "/brands/{brand_slug}/listening/queries",
    response=responses(201, QueryOut),
    summary="Create a listening query (boolean expression, checked like on screen)",
)
@idempotent
def create_query(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    payload: QueryIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "listening:write") as access:
        expression = payload.expression.strip()
        error = check_expression(expression)
        if error:
            raise ApiError(422, "invalid", str(error), {"field": "expression"})
        name = payload.name.strip()
        if not name:
            raise ApiError(422, "invalid", "A query needs a name.", {"field": "name"})
        if ListeningQuery.objects.filter(brand=access.brand, name=name).exists():
            raise ApiError(409, "conflict", "A query with this name exists already.")
        query = ListeningQuery(
            brand=access.brand,
            name=name,
            kind=payload.kind,
            expression=expression,
            enabled=payload.enabled,
        )
        do_save_query(query, request.user)
        return 201, query_out(query)


@router.get(
    "/brands/{brand_slug}/listening/queries/{query_id}",
    response=responses(200, QueryOut),
    summary="One listening query",
)
def get_query(request, brand_slug: str, query_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "listening:read"):
        return query_out(get_or_404(ListeningQuery, query_id, "query"))


@router.get(
    "/brands/{brand_slug}/listening/mentions",
    response=responses(200, MentionPage),
    summary="Mentions, newest stored first",
)
def list_mentions(request, brand_slug: str, filters: Query[MentionFilters]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "listening:read") as access:
        qs = Mention.objects.filter(brand=access.brand).prefetch_related("queries")
        if filters.query_id:
            qs = qs.filter(queries__pk=filters.query_id)
        if filters.sentiment:
            qs = qs.filter(sentiment=filters.sentiment)
        if filters.since:
            qs = qs.filter(published_at__gte=filters.since)
        return paginate(qs, filters.cursor, filters.limit, mention_out)


@router.get(
    "/brands/{brand_slug}/alerts",
    response=responses(200, AlertPage),
    summary="Crisis alerts",
)
def list_alerts(request, brand_slug: str, filters: Query[AlertFilters]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "alerts:read") as access:
        qs = Alert.objects.filter(brand=access.brand)
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.open_only:
            qs = qs.filter(status__in=Alert.OPEN)
        return paginate(qs, filters.cursor, filters.limit, alert_out)


@router.get(
    "/brands/{brand_slug}/alerts/{alert_id}",
    response=responses(200, AlertOut),
    summary="One alert",
)
def get_alert(request, brand_slug: str, alert_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "alerts:read"):
        return alert_out(get_or_404(Alert, alert_id, "alert"))


@router.post(
    "/brands/{brand_slug}/alerts/{alert_id}/acknowledge",
    response=responses(200, AlertOut),
    summary="Acknowledge an alert (stops the escalation); already acknowledged: unchanged",
)
def acknowledge(request, brand_slug: str, alert_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "alerts:write"):
        alert = get_or_404(Alert, alert_id, "alert")
        if alert.status == Alert.Status.CLOSED:
            raise ApiError(409, "conflict", "This alert is closed.")
        do_acknowledge(alert, f"{request.user.email} (API)")
        alert.refresh_from_db()
        return alert_out(alert)
