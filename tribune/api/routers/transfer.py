"""Imports (archives, CSV), exports (zip) and CM reports (JSON, CSV)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tribune.accounts.models import Workspace, WorkspaceMembership
from tribune.api.auth import api_token, in_brand
from tribune.api.common import In, ObjId, Page, PageParams, get_or_404, responses
from tribune.api.errors import ERROR_CODES, ApiError, ErrorOut
from tribune.api.idempotency import idempotent
from tribune.api.pagination import paginate
from tribune.api.scopes import token_has_scope
from tribune.networks.models import SocialAccount
from tribune.strategy.models import CmReport
from tribune.transfer.exports import export_brand_zip, export_workspace_zip, report_csv
from tribune.transfer.imports import DEFAULT_CAP, KIND_CAPS, KINDS, ImportFailed, run_import

router = Router(tags=["imports, exports, reports"])


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    kind: str
    ok: bool
    created: int
    skipped: int
    error: str
    row_errors: list[RowErrorOut]
    post_ids: list[int]


class ImportParams(In):
    kind: str = Field(
        description=f"One of: {', '.join(KINDS)}",
        pattern="^(x|mastodon|bluesky|csv|members|conversions)$",
    )
    account_id: ObjId | None = Field(None, description="Required for archives")


class ReportOut(Schema):
    id: int
    cadence: str
    period_start: date
    period_end: date
    status: str
    generated_at: datetime
    data: dict[str, Any]


class ReportPage(Page):
    items: list[ReportOut]


def report_out(r: CmReport) -> ReportOut:
    return ReportOut(
        id=r.pk,
        cadence=r.cadence,
        period_start=r.period_start,
        period_end=r.period_end,
        status=r.status,
        generated_at=r.generated_at,
        data=r.data or {},
    )


@router.post(
    "/brands/{brand_slug}/imports",
    response=responses(201, ImportOut),
    summary="Import an archive (X tweets.js, Mastodon outbox.json, Bluesky CAR) or a CSV",
    description="All or nothing: with any row error the answer is 422 and its details list "
    "every row to fix; nothing is written. Items already imported are skipped.",
)
@idempotent
def import_file(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    params: Form[ImportParams],
    file: File[UploadedFile],
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "imports:write") as access:
        need = KIND_CAPS.get(params.kind, DEFAULT_CAP)
        if not access.can(need):
            raise ApiError(403, "forbidden", "Your role on this brand does not allow this import.")
        account = None
        if params.account_id is not None:
            account = get_or_404(SocialAccount, params.account_id, "account")
        try:
            report = run_import(
                access.brand,
                request.user,  # type: ignore[arg-type]
                params.kind,
                file,
                account=account,
            )
        except ImportFailed as exc:
            raise ApiError(422, "import_refused", exc.report.error, exc.report.as_dict()) from None
        return 201, ImportOut(**report.as_dict())


ZIP = {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}


@router.get(
    "/brands/{brand_slug}/export",
    response={ERROR_CODES: ErrorOut},
    summary="Everything the brand owns: a zip of JSON and CSV files",
    openapi_extra={"responses": {"200": {"description": "The zip", **ZIP}}},
)
def export(request, brand_slug: str):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "exports:read") as access:
        data = export_brand_zip(access.brand, request.user)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="tribune-{access.brand.slug}.zip"'
        return response


@router.get(
    "/workspaces/{workspace_slug}/export",
    response={ERROR_CODES: ErrorOut},
    summary="Everything a workspace owns (one folder per brand): workspace owners and admins",
    openapi_extra={"responses": {"200": {"description": "The zip", **ZIP}}},
)
def export_workspace(request, workspace_slug: str):  # type: ignore[no-untyped-def]
    token = api_token(request)
    if "\x00" in workspace_slug:
        raise ApiError(404, "not_found", "No such workspace.")
    workspace = Workspace.objects.filter(slug=workspace_slug).first()
    membership = (
        WorkspaceMembership.objects.filter(workspace=workspace, user=token.user).first()
        if workspace
        else None
    )
    if workspace is None or membership is None:
        raise ApiError(404, "not_found", "No such workspace.")
    if not token_has_scope(token.scopes, "exports:read"):
        raise ApiError(403, "scope_missing", "This token lacks the “exports:read” scope.")
    if not membership.is_admin:
        raise ApiError(403, "forbidden", "Only workspace owners and administrators can do this.")
    if token.brands.exists():
        raise ApiError(
            403, "forbidden", "A token limited to some brands cannot export the whole workspace."
        )
    data = export_workspace_zip(workspace, token.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="tribune-{workspace.slug}.zip"'
    return response


@router.get(
    "/brands/{brand_slug}/reports",
    response=responses(200, ReportPage),
    summary="CM reports (weekly), newest first",
)
def list_reports(request, brand_slug: str, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "reports:read") as access:
        return paginate(
            CmReport.objects.filter(brand=access.brand), page.cursor, page.limit, report_out
        )


@router.get(
    "/brands/{brand_slug}/reports/{report_id}",
    response=responses(200, ReportOut),
    summary="One CM report with its figures",
)
def get_report(request, brand_slug: str, report_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "reports:read"):
        return report_out(get_or_404(CmReport, report_id, "report"))


@router.get(
    "/brands/{brand_slug}/reports/{report_id}/csv",
    response={ERROR_CODES: ErrorOut},
    summary="One CM report as CSV (metric, value)",
    openapi_extra={"responses": {"200": {"description": "The CSV", **CSV}}},
)
def report_as_csv(request, brand_slug: str, report_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "reports:read"):
        report = get_or_404(CmReport, report_id, "report")
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="report-{report.period_start}-{report.pk}.csv"'
        )
        return response
