"""Exports: everything a brand owns (one zip of JSON + CSV), a whole workspace (one
folder per brand), and any CM report as CSV.

Secrets never leave: social-account credentials, webhook signing keys and API tokens are
not exported. Times are UTC, ISO 8601.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from tribune.accounts.models import Brand, User, Workspace
from tribune.core.audit import record_audit
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope

# name → (model path, fields). Foreign keys by id; one list per brand.
TABLES: list[tuple[str, str, list[str]]] = [
    (
        "accounts",
        "networks.SocialAccount",
        ["id", "network", "handle", "display_name", "kind", "status", "language", "created_at"],
    ),
    (
        "account_snapshots",
        "networks.AccountSnapshot",
        ["id", "account_id", "at", "followers", "following", "posts"],
    ),
    (
        "posts",
        "publishing.Post",
        [
            "id",
            "title",
            "text",
            "status",
            "scheduled_at",
            "sponsored",
            "language",
            "repeat",
            "author__email",
            "approved_by__email",
            "approved_at",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "publications",
        "publishing.Variant",
        [
            "id",
            "post_id",
            "account_id",
            "account__network",
            "account__handle",
            "text",
            "first_comment",
            "status",
            "remote_id",
            "remote_url",
            "published_at",
            "attempts",
            "last_error",
        ],
    ),
    (
        "post_metrics",
        "publishing.PostMetricSnapshot",
        [
            "id",
            "variant_id",
            "at",
            "likes",
            "replies",
            "reposts",
            "quotes",
            "impressions",
            "link_clicks",
            "saves",
            "video_views",
        ],
    ),
    (
        "tracked_links",
        "publishing.TrackedLink",
        [
            "id",
            "code",
            "original_url",
            "target_url",
            "variant_id",
            "network",
            "campaign",
            "clicks",
            "created_at",
        ],
    ),
    (
        "review_comments",
        "publishing.ReviewComment",
        ["id", "post_id", "author__email", "text", "requests_changes", "created_at"],
    ),
    (
        "inbox_threads",
        "inbox.Thread",
        [
            "id",
            "account_id",
            "network",
            "kind",
            "status",
            "assignee__email",
            "author__handle",
            "last_activity_at",
            "sentiment",
            "message_count",
            "first_response_seconds",
            "closed_at",
            "created_at",
        ],
    ),
    (
        "inbox_messages",
        "inbox.Message",
        [
            "id",
            "thread_id",
            "account_id",
            "remote_id",
            "direction",
            "kind",
            "author__handle",
            "sent_by__email",
            "text",
            "url",
            "created_at",
            "language",
            "sentiment",
            "toxicity",
            "hidden",
            "delivery",
        ],
    ),
    (
        "inbox_notes",
        "inbox.Note",
        ["id", "thread_id", "author__email", "text", "created_at"],
    ),
    (
        "listening_queries",
        "listening.Query",
        ["id", "name", "kind", "expression", "enabled", "created_at"],
    ),
    (
        "mentions",
        "listening.Mention",
        [
            "id",
            "network",
            "url",
            "author",
            "title",
            "text",
            "published_at",
            "language",
            "sentiment",
            "toxicity",
            "reach",
        ],
    ),
    (
        "alerts",
        "listening.Alert",
        [
            "id",
            "query_id",
            "kind",
            "status",
            "why",
            "mention_count",
            "raised_at",
            "acknowledged_at",
            "acknowledged_by",
            "closed_at",
        ],
    ),
    (
        "reports",
        "strategy.CmReport",
        ["id", "cadence", "period_start", "period_end", "status", "generated_at", "data"],
    ),
    (
        "webhooks",
        "webhooks.Subscription",
        ["id", "url", "description", "events", "active", "created_at"],
    ),
    (
        "webhook_deliveries",
        "webhooks.Delivery",
        [
            "id",
            "subscription_id",
            "event",
            "event_id",
            "status",
            "attempts",
            "delivered_at",
            "created_at",
        ],
    ),
    (
        "community_members",
        "community.Member",
        [
            "id",
            "display_name",
            "languages",
            "location",
            "company",
            "tags",
            "notes",
            "email_consent",
            "email_consent_at",
            "email_consent_source",
            "level",
            "score",
            "stage",
            "tier",
            "merged_into_id",
            "erased_at",
            "created_at",
        ],
    ),
    (
        "community_identities",
        "community.Identity",
        [
            "id",
            "member_id",
            "network",
            "handle",
            "display_name",
            "url",
            "email",
            "phone",
            "followers",
            "created_at",
        ],
    ),
    (
        "community_events",
        "community.Event",
        [
            "id",
            "title",
            "description",
            "format",
            "location",
            "online_url",
            "starts_at",
            "ends_at",
            "capacity",
            "created_at",
        ],
    ),
    (
        "community_invitations",
        "community.Invitation",
        [
            "id",
            "event_id",
            "member_id",
            "status",
            "invited_at",
            "responded_at",
            "checked_in_at",
            "survey_rating",
            "survey_answer",
        ],
    ),
    (
        "conversion_goals",
        "analytics.ConversionGoal",
        ["id", "key", "name", "target", "value"],
    ),
    (
        "conversions",
        "analytics.Conversion",
        [
            "id",
            "goal_id",
            "occurred_at",
            "recorded_at",
            "source",
            "value",
            "reference",
            "variant_id",
            "account_id",
            "utm_campaign",
        ],
    ),
]

# Other areas add their tables here (or append at import time): same shape as TABLES.
EXTRA_TABLES: list[tuple[str, str, list[str]]] = []


def _model(path: str) -> Any:
    from django.apps import apps

    app_label, name = path.split(".")
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return "" if value is None else value


def _existing_fields(model: Any, fields: list[str]) -> list[str]:
    names = {f.name for f in model._meta.get_fields()} | {
        f.attname for f in model._meta.concrete_fields
    }
    return [f for f in fields if f.split("__")[0] in names]


def brand_tables(brand: Brand) -> dict[str, list[dict[str, Any]]]:
    """Every table of the brand as rows (call inside or outside a scope)."""
    out: dict[str, list[dict[str, Any]]] = {}
    with brand_scope(brand):
        for name, path, fields in [*TABLES, *EXTRA_TABLES]:
            model = _model(path)
            if model is None:
                continue
            fields = _existing_fields(model, fields)
            qs: QuerySet = model._default_manager.filter(brand=brand).order_by("pk")
            out[name] = list(qs.values(*fields))
    audit: Any = (
        AuditEvent.objects.filter(brand=brand)
        .order_by("pk")
        .values(
            "id",
            "created_at",
            "action",
            "actor_label",
            "object_type",
            "object_id",
            "before",
            "after",
        )
    )
    out["audit_log"] = list(audit)
    return out


def rows_to_csv(rows: Iterable[dict[str, Any]], header: list[str] | None = None) -> bytes:
    rows = list(rows)
    header = header or (list(rows[0].keys()) if rows else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def _brand_files(brand: Brand, prefix: str = "") -> dict[str, bytes]:
    tables = brand_tables(brand)
    files = {f"{prefix}{name}.csv": rows_to_csv(rows) for name, rows in tables.items()}
    document = {
        "brand": {
            "slug": brand.slug,
            "name": brand.name,
            "description": brand.description,
            "timezone": brand.timezone,
            "language": brand.language,
            "approval_required": brand.approval_required,
            "workspace": brand.workspace.slug,
        },
        **tables,
    }
    files[f"{prefix}brand.json"] = json.dumps(
        document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1
    ).encode()
    return files


def _zip(files: dict[str, bytes], readme: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


README = """Tribune export of {what}, made {when} (UTC).
brand.json holds every table; each table is also a CSV file (UTF-8, comma separated).
An empty CSV cell is a missing value (null in brand.json): for post metrics, a number
the network does not give (saves and video views often), which is not the same as 0.
Secrets (social-account credentials, webhook keys, API tokens) are never exported.
"""


def export_brand_zip(brand: Brand, actor: User | None) -> bytes:
    data = _zip(_brand_files(brand), README.format(what=brand.name, when=timezone.now()))
    record_audit("export.brand", actor=actor, brand=brand, after={"bytes": len(data)})
    return data


def export_workspace_zip(workspace: Workspace, actor: User | None) -> bytes:
    files: dict[str, bytes] = {}
    for brand in workspace.brands.all():
        files.update(_brand_files(brand, prefix=f"{brand.slug}/"))
    data = _zip(files, README.format(what=workspace.name, when=timezone.now()))
    record_audit("export.workspace", actor=actor, workspace=workspace, after={"bytes": len(data)})
    return data


def flatten(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from flatten(value, f"{prefix}[{index}]")
    else:
        yield prefix, data


def report_csv(report: Any) -> bytes:
    """A CM report's figures (as frozen when generated) as ``metric,value`` rows."""
    rows = [
        {"metric": "period_start", "value": report.period_start},
        {"metric": "period_end", "value": report.period_end},
        *({"metric": key, "value": value} for key, value in flatten(report.data)),
    ]
    return rows_to_csv(rows, ["metric", "value"])
