"""Analytics: conversions and client reports (generated on demand, HTML or PDF)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from tribune.analytics import reports
from tribune.analytics.kpis import Period
from tribune.analytics.models import Conversion, ReportTemplate
from tribune.api.auth import in_brand
from tribune.api.common import In, ObjId, Page, PageParams, UtcDatetime, get_or_404, responses
from tribune.api.errors import ERROR_CODES, ApiError, ErrorOut
from tribune.api.pagination import paginate

router = Router(tags=["analytics"])


class ConversionOut(Schema):
    id: int
    goal: str
    occurred_at: datetime
    recorded_at: datetime
    source: str
    value: Decimal
    reference: str
    post_id: int | None
    account_id: int | None
    utm_campaign: str


class ConversionPage(Page):
    items: list[ConversionOut]


class ConversionFilters(PageParams):
    goal_id: ObjId | None = None
    since: UtcDatetime | None = None


class TemplateOut(Schema):
    id: int
    name: str
    language: str
    sections: list[str]
    frequency: str


class TemplatePage(Page):
    items: list[TemplateOut]


class RenderParams(In):
    start: date
    end: date
    format: Literal["pdf", "html"] = "pdf"


def conversion_out(c: Conversion) -> ConversionOut:
    return ConversionOut(
        id=c.pk,
        goal=c.goal.key,
        occurred_at=c.occurred_at,
        recorded_at=c.recorded_at,
        source=c.source,
        value=c.value,
        reference=c.reference,
        post_id=c.variant.post_id if c.variant else None,
        account_id=c.account_id,
        utm_campaign=c.utm_campaign,
    )


@router.get(
    "/brands/{brand_slug}/conversions",
    response=responses(200, ConversionPage),
    summary="Recorded conversions with their attribution",
)
def list_conversions(request, brand_slug: str, filters: Query[ConversionFilters]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "reports:read") as access:
        qs = Conversion.objects.filter(brand=access.brand).select_related("goal", "variant")
        if filters.goal_id:
            qs = qs.filter(goal_id=filters.goal_id)
        if filters.since:
            qs = qs.filter(occurred_at__gte=filters.since)
        return paginate(qs, filters.cursor, filters.limit, conversion_out)


@router.get(
    "/brands/{brand_slug}/report-templates",
    response=responses(200, TemplatePage),
    summary="Client report templates",
)
def list_templates(request, brand_slug: str, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "reports:read") as access:
        return paginate(
            ReportTemplate.objects.filter(brand=access.brand),
            page.cursor,
            page.limit,
            lambda t: TemplateOut(
                id=t.pk,
                name=t.name,
                language=t.language,
                sections=[str(s) for s in t.sections or []],
                frequency=t.frequency,
            ),
        )


PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
HTML = {"text/html": {"schema": {"type": "string"}}}


@router.get(
    "/brands/{brand_slug}/report-templates/{template_id}/render",
    response={ERROR_CODES: ErrorOut},
    summary="Generate a client report for a period (PDF or HTML), at most 366 days",
    openapi_extra={"responses": {"200": {"description": "The report", "content": {**PDF, **HTML}}}},
)
def render_report(request, brand_slug: str, template_id: int, params: Query[RenderParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "reports:read") as access:
        template = get_or_404(ReportTemplate, template_id, "report template")
        if params.end < params.start or (params.end - params.start).days > 365:
            raise ApiError(422, "invalid", "Give a start before the end, at most 366 days.")
        try:
            context = reports.build(access.brand, template, Period(params.start, params.end))
        except OverflowError:
            raise ApiError(422, "invalid", "These dates are out of range.") from None
        if params.format == "html":
            return HttpResponse(reports.render_html(context), content_type="text/html")
        response = HttpResponse(reports.render_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{reports.filename(context, "pdf")}"'
        )
        return response


__all__ = ["Field", "router"]
