"""Embargoed briefings for ambassadors.

Nothing leaves Tribune before ``embargo_until``: the delivery job only picks briefings
whose embargo has passed, and the briefing page answers "not yet available" before it
(even with a valid link). After delivery, opening the page is recorded (``opened_at``),
the link to share goes through a counting redirect, and posts of recipients that carry
the briefing's link or keyword are attributed: after the embargo → shared; before it →
the embargo was broken (flagged on the briefing page).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.community import tokens
from tribune.community.models import Briefing, BriefingRecipient, Interaction, Member
from tribune.community.services.events import can_email
from tribune.community.services.members import CommunityError
from tribune.core.audit import record_audit


def check_briefing(data: dict[str, Any], now: datetime | None = None) -> None:
    now = now or timezone.now()
    if not str(data.get("title", "")).strip() or not str(data.get("content", "")).strip():
        raise CommunityError(_("A briefing needs a title and its content."))
    embargo = data.get("embargo_until")
    if embargo is None or embargo <= now:
        raise CommunityError(_("The embargo must end in the future."))
    if not data.get("link_url") and not str(data.get("share_keyword", "")).strip():
        raise CommunityError(
            _("Give the link to share or a keyword: they are how shares are recognised.")
        )


@transaction.atomic
def do_create_briefing(
    brand: Brand, actor: User | None, data: dict[str, Any], members: list[Member]
) -> Briefing:
    check_briefing(data)
    if not members:
        raise CommunityError(_("Choose at least one recipient."))
    briefing = Briefing.objects.create(brand=brand, created_by=actor, **data)
    for member in members:
        BriefingRecipient.objects.get_or_create(
            brand=brand, briefing=briefing, member=member, defaults={"email": can_email(member)}
        )
    record_audit(
        "community.briefing_created",
        actor=actor,
        brand=brand,
        obj=briefing,
        after={"recipients": len(members), "embargo_until": briefing.embargo_until.isoformat()},
    )
    return briefing


def is_visible(briefing: Briefing, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return briefing.status == Briefing.Status.SENT and briefing.embargo_until <= now


def page_url(recipient: BriefingRecipient) -> str:
    return settings.SITE_URL + reverse(
        "community:briefing_page", args=[tokens.make("briefing", recipient.pk)]
    )


def share_url(recipient: BriefingRecipient) -> str:
    return settings.SITE_URL + reverse(
        "community:briefing_go", args=[tokens.make("briefing", recipient.pk)]
    )


def deliver_due(brand: Brand, now: datetime | None = None) -> int:
    """Send every briefing whose embargo has passed. Each recipient is marked sent
    before the next one, so a crash never sends twice."""
    now = now or timezone.now()
    sent = 0
    for briefing in Briefing.objects.filter(
        status=Briefing.Status.SCHEDULED, embargo_until__lte=now
    ):
        for recipient in BriefingRecipient.objects.filter(
            briefing=briefing, sent_at__isnull=True
        ).select_related("member"):
            with transaction.atomic():
                claimed = BriefingRecipient.objects.filter(
                    pk=recipient.pk, sent_at__isnull=True
                ).update(sent_at=now)
                if not claimed:
                    continue
                Interaction.objects.get_or_create(
                    brand=briefing.brand,
                    source_key=f"briefing:{recipient.pk}",
                    defaults={
                        "member": recipient.member,
                        "kind": "briefing",
                        "channel": "email",
                        "occurred_at": now,
                        "summary": _("Received the briefing “%(title)s”")
                        % {"title": briefing.title},
                    },
                )
            if recipient.email:
                _send(briefing, recipient)
            sent += 1
        briefing.status = Briefing.Status.SENT
        briefing.sent_at = now
        briefing.save(update_fields=["status", "sent_at"])
    return sent


def _send(briefing: Briefing, recipient: BriefingRecipient) -> None:
    """Plain text, plus an HTML version whose 1×1 image records the open."""
    hello = _("Hello %(name)s,") % {"name": recipient.member.display_name}
    intro = _("As one of our ambassadors you hear it first. Read it here: %(url)s")
    link = _("Link to share: %(url)s")
    page, share = page_url(recipient), share_url(recipient)
    text = "\n\n".join([hello, intro % {"url": page}, link % {"url": share}])
    pixel = settings.SITE_URL + reverse(
        "community:briefing_pixel", args=[tokens.make("briefing", recipient.pk)]
    )

    def anchor(url: str) -> str:
        return f'<a href="{escape(url)}">{escape(url)}</a>'

    html = (
        f"<p>{escape(hello)}</p><p>{escape(intro).replace('%(url)s', anchor(page))}</p>"
        f"<p>{escape(link).replace('%(url)s', anchor(share))}</p>"
        f'<img src="{escape(pixel)}" width="1" height="1" alt="">'
    )
    message = EmailMultiAlternatives(
        _("Early access: %(title)s") % {"title": briefing.title}, text, None, [recipient.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()


def record_open(recipient: BriefingRecipient) -> None:
    if recipient.opened_at is None:
        BriefingRecipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )


def record_click(recipient: BriefingRecipient) -> None:
    from django.db.models import F

    BriefingRecipient.objects.filter(pk=recipient.pk).update(clicks=F("clicks") + 1)
    record_open(recipient)


def attribute_shares(brand: Brand) -> dict[str, int]:
    """Recipients' posts (synced interactions) that carry the link or the keyword."""
    counts = {"shared": 0, "broke": 0}
    for briefing in Briefing.objects.exclude(status=Briefing.Status.CANCELLED):
        markers = Q()
        if briefing.link_url:
            markers |= Q(summary__icontains=briefing.link_url) | Q(url=briefing.link_url)
        if briefing.share_keyword:
            markers |= Q(summary__icontains=briefing.share_keyword)
        if not markers:
            continue
        for recipient in BriefingRecipient.objects.filter(briefing=briefing).select_related(
            "member"
        ):
            posts = Interaction.objects.filter(
                member=recipient.member,
                kind__in=["mention", "reply", "quote", "repost"],
                occurred_at__gte=briefing.created_at,
            ).filter(markers)
            early = posts.filter(occurred_at__lt=briefing.embargo_until).order_by("occurred_at")
            late = posts.filter(occurred_at__gte=briefing.embargo_until).order_by("occurred_at")
            first_early, first_late = early.first(), late.first()
            changed = []
            if first_early and recipient.broke_embargo_at is None:
                recipient.broke_embargo_at = first_early.occurred_at
                changed.append("broke_embargo_at")
                counts["broke"] += 1
            if first_late and recipient.shared_at is None:
                recipient.shared_at = first_late.occurred_at
                recipient.share_url = first_late.url
                changed += ["shared_at", "share_url"]
                counts["shared"] += 1
                Interaction.objects.get_or_create(
                    brand=brand,
                    source_key=f"briefing:{recipient.pk}:share",
                    defaults={
                        "member": recipient.member,
                        "kind": "share",
                        "channel": first_late.channel,
                        "occurred_at": first_late.occurred_at,
                        "url": first_late.url,
                        "summary": _("Shared the briefing “%(title)s”") % {"title": briefing.title},
                    },
                )
            if changed:
                recipient.save(update_fields=changed)
    return counts


def recipient_by_token(token: str) -> BriefingRecipient | None:
    from tribune.core.scope import unscoped

    pk = tokens.read("briefing", token)
    if pk is None:
        return None
    with unscoped():
        return (
            BriefingRecipient.objects.select_related("briefing", "member", "brand")
            .filter(pk=pk)
            .first()
        )


def do_cancel(briefing: Briefing, actor: User | None) -> None:
    if briefing.status != Briefing.Status.SCHEDULED:
        raise CommunityError(_("Only a briefing that has not been sent can be cancelled."))
    briefing.status = Briefing.Status.CANCELLED
    briefing.save(update_fields=["status"])
    record_audit("community.briefing_cancelled", actor=actor, brand=briefing.brand, obj=briefing)
