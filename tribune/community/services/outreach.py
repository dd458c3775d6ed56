"""Outreach reminders: one email per brand to its community managers when reminders
fall due (each reminder once; a new date makes it due again)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, BrandRole
from tribune.community.models import Member


def due_reminders(now: datetime | None = None) -> list[Member]:
    now = now or timezone.now()
    return list(
        Member.objects.filter(remind_at__lte=now, merged_into__isnull=True, erased_at__isnull=True)
        .filter(Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=F("remind_at")))
        .order_by("remind_at")
    )


def send_due_reminders(brand: Brand, now: datetime | None = None) -> int:
    now = now or timezone.now()
    members = due_reminders(now)
    if not members:
        return 0
    emails = sorted(
        set(
            BrandRole.objects.filter(
                brand=brand, role="community_manager", user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )
    if emails:
        lines = [
            f"- {m.display_name} ({m.get_stage_display() or '—'}): {m.reminder_note or '…'}\n  "
            + settings.SITE_URL
            + reverse("community:member", args=[brand.slug, m.pk])
            for m in members
        ]
        EmailMessage(
            _("%(brand)s: %(n)d community reminders") % {"brand": brand.name, "n": len(members)},
            _("Reminders due today:") + "\n\n" + "\n".join(lines),
            None,
            emails,
        ).send()
    Member.objects.filter(pk__in=[m.pk for m in members]).update(reminder_sent_at=now)
    return len(members)
