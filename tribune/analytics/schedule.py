"""Scheduled reports: weekly (the week before, sent on Monday) and monthly (the month
before, sent on the 1st), from 7:00 in the brand's time zone, by email with the PDF.

A ``ReportRun`` row per (template, period) is created before sending: its unique key makes
the send once-only even with several workers; a failed send keeps its error and is tried
again at the next tick while the period is still the latest one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tribune.analytics import kpis, reports
from tribune.analytics.models import ReportRun, ReportTemplate
from tribune.core.scope import brand_scope, unscoped

logger = logging.getLogger(__name__)
SEND_FROM_HOUR = 7


def due_period(template: ReportTemplate, now: datetime) -> kpis.Period | None:
    local = now.astimezone(template.brand.tz)
    if local.hour < SEND_FROM_HOUR and local.day == 1 and template.frequency == "monthly":
        return None
    if template.frequency == "monthly":
        return kpis.month_before(local.date())
    if template.frequency == "weekly":
        if local.weekday() == 0 and local.hour < SEND_FROM_HOUR:
            return None
        return kpis.week_before(local.date())
    return None


def send(template: ReportTemplate, period: kpis.Period, run: ReportRun) -> None:
    context = reports.build(template.brand, template, period, template.frequency)
    pdf = reports.render_pdf(context)
    with translation.override(template.language):
        subject = _("%(brand)s — social media report %(start)s – %(end)s") % {
            "brand": template.brand.name,
            "start": period.start.strftime("%d/%m/%Y"),
            "end": period.end.strftime("%d/%m/%Y"),
        }
        body = (
            "\n".join(context.get("summary") or [])
            + "\n\n"
            + _("The full report is attached (PDF).")
        )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, template.recipient_list)
    message.attach(reports.filename(context, "pdf"), pdf, "application/pdf")
    message.send()


def send_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    with unscoped():
        candidates = list(
            ReportTemplate.objects.exclude(frequency="")
            .exclude(recipients="")
            .values_list("id", "brand_id")
        )
    sent = 0
    for template_id, brand_id in candidates:
        with brand_scope(brand_id):
            template = ReportTemplate.objects.select_related("brand__workspace").get(pk=template_id)
            period = due_period(template, now)
            if period is None or not template.recipient_list:
                continue
            run = ReportRun.objects.filter(template=template, period_start=period.start).first()
            if run is not None and (run.sent_at is not None or not run.error):
                continue  # sent, or being sent by another worker
            if run is None:
                try:
                    with transaction.atomic():
                        run = ReportRun.objects.create(
                            brand_id=brand_id,
                            template=template,
                            period_start=period.start,
                            period_end=period.end,
                            recipients=template.recipient_list,
                        )
                except IntegrityError:
                    continue
            try:
                send(template, period, run)
            except Exception as exc:  # noqa: BLE001 - kept on the row, retried next tick
                logger.exception("report %s could not be sent", template_id)
                run.error = str(exc)[:1000] or exc.__class__.__name__
                run.save(update_fields=["error"])
                continue
            run.sent_at, run.error = timezone.now(), ""
            run.save(update_fields=["sent_at", "error"])
            sent += 1
    return sent
