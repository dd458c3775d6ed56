"""Around a report: the CM's comments, sending it, the SMM's review and decisions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.strategy.auditing import audit, label
from tribune.strategy.models import CmReport, Decision, ReportComment


@transaction.atomic
def do_add_report_comment(report: CmReport, author: Any, text: str) -> ReportComment:
    comment = ReportComment.objects.create(
        brand_id=report.brand_id,
        report=report,
        author=author,
        author_label=label(author),
        text=text,
    )
    audit("report.commented", brand=report.brand, actor=author, obj=report, after={"text": text})
    return comment


@transaction.atomic
def do_record_decision(
    brand: Brand, actor: Any, text: str, network: str = "", report: CmReport | None = None
) -> Decision:
    decision = Decision.objects.create(
        brand=brand,
        report=report,
        text=text,
        network=network,
        decided_by=actor,
        decided_by_label=label(actor),
    )
    audit(
        "decision.recorded",
        brand=brand,
        actor=actor,
        obj=decision,
        after={"text": text, "network": network, "report": report.pk if report else None},
    )
    return decision


@transaction.atomic
def do_set_report_status(report: CmReport, status: str, actor: Any) -> bool:
    """draft → submitted (the CM sends it) → reviewed (the SMM read it)."""
    before = report.status
    if before == status:
        return False
    stamps: dict[str, Any] = {}
    if status == CmReport.Status.SUBMITTED:
        stamps["submitted_at"] = timezone.now()
    elif status == CmReport.Status.REVIEWED:
        stamps["reviewed_at"] = timezone.now()
    updated = CmReport.objects.filter(pk=report.pk, status=before).update(status=status, **stamps)
    if not updated:
        return False  # someone else changed it meanwhile
    report.refresh_from_db()
    audit(
        "report.status_changed",
        brand=report.brand,
        actor=actor,
        obj=report,
        before={"status": before},
        after={"status": status},
    )
    return True
