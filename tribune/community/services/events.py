"""Events: invitations by email with RSVP links, capacity and waiting list, check-in
(list or QR code), follow-up survey, attendance on timelines, iCal export."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.community import tokens
from tribune.community.models import Event, Interaction, Invitation, Member
from tribune.community.services.members import CommunityError, active_members
from tribune.core.audit import record_audit

Status = Invitation.Status


def check_event(data: dict[str, Any]) -> None:
    if not str(data.get("title", "")).strip():
        raise CommunityError(_("Give the event a title."))
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not starts or not ends:
        raise CommunityError(_("Give the start and the end of the event."))
    if ends <= starts:
        raise CommunityError(_("The event must end after it starts."))
    capacity = data.get("capacity")
    if capacity is not None and capacity < 1:
        raise CommunityError(_("The capacity must be at least 1, or left empty for no limit."))
    if data.get("format") == Event.Format.ONLINE and not data.get("online_url"):
        raise CommunityError(_("An online event needs the address where it takes place."))


@transaction.atomic
def do_create_event(brand: Brand, actor: User | None, data: dict[str, Any]) -> Event:
    check_event(data)
    event = Event.objects.create(brand=brand, created_by=actor, **data)
    record_audit("community.event_created", actor=actor, brand=brand, obj=event)
    return event


def rsvp_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("community:rsvp", args=[tokens.make("rsvp", invitation.pk)])


def checkin_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "community:checkin_scan", args=[tokens.make("checkin", invitation.pk)]
    )


def survey_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "community:survey", args=[tokens.make("survey", invitation.pk)]
    )


def can_email(member: Member) -> str:
    """The address to write to, or "" without an address or without consent."""
    return member.email if member.email_consent else ""


def _when(event: Event) -> str:
    local = timezone.localtime(event.starts_at, timezone=event.brand.tz)
    return local.strftime("%d/%m/%Y %H:%M")


def _send_invitation(invitation: Invitation) -> None:
    event = invitation.event
    place = event.location if event.format == Event.Format.OFFLINE else event.online_url
    body = "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": invitation.member.display_name},
            _("%(brand)s invites you to “%(title)s”, %(when)s, %(place)s.")
            % {
                "brand": event.brand.name,
                "title": event.title,
                "when": _when(event),
                "place": place,
            },
            event.description,
            _("Reply here (one click): %(url)s") % {"url": rsvp_url(invitation)},
        ]
    )
    EmailMessage(
        _("Invitation: %(title)s") % {"title": event.title}, body, None, [invitation.email]
    ).send()
    invitation.email_sent_at = timezone.now()
    invitation.save(update_fields=["email_sent_at"])


def do_invite(event: Event, members: list[Member], actor: User | None) -> dict[str, int]:
    """Invite members (once each). Those who accept emails get the invitation with their
    RSVP link; the others are listed so that the team can reach them another way."""
    counts = {"invited": 0, "emailed": 0, "no_email": 0, "already": 0}
    now = timezone.now()
    for member in members:
        if not member.is_active:
            continue
        with transaction.atomic():
            invitation, created = Invitation.objects.get_or_create(
                brand=event.brand,
                event=event,
                member=member,
                defaults={"invited_at": now, "email": can_email(member)},
            )
        if not created:
            counts["already"] += 1
            continue
        counts["invited"] += 1
        if invitation.email:
            _send_invitation(invitation)
            counts["emailed"] += 1
        else:
            counts["no_email"] += 1
    record_audit("community.event_invited", actor=actor, brand=event.brand, obj=event, after=counts)
    return counts


def going_count(event: Event) -> int:
    return Invitation.objects.filter(event=event, status=Status.GOING).count()


def _timeline(invitation: Invitation, kind: str, summary: str, when: datetime) -> None:
    Interaction.objects.update_or_create(
        brand=invitation.brand,
        source_key=f"event:{invitation.pk}:{kind}",
        defaults={
            "member": invitation.member,
            "kind": kind,
            "channel": "event",
            "occurred_at": when,
            "summary": summary,
        },
    )


@transaction.atomic
def do_rsvp(invitation: Invitation, going: bool) -> Invitation:
    """The member's answer. Above capacity, a yes goes to the waiting list; a no frees a
    seat for the first person waiting (who is told by email)."""
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if event.ends_at < timezone.now():
        raise CommunityError(_("This event is over."))
    now = timezone.now()
    was_going = invitation.status == Status.GOING
    if going:
        if invitation.status in (Status.GOING, Status.WAITLIST):
            return invitation
        full = event.capacity is not None and going_count(event) >= event.capacity
        invitation.status = Status.WAITLIST if full else Status.GOING
    else:
        invitation.status = Status.DECLINED
    invitation.responded_at = now
    invitation.save(update_fields=["status", "responded_at"])
    labels = {
        Status.GOING: _("Going to %(title)s"),
        Status.WAITLIST: _("On the waiting list for %(title)s"),
        Status.DECLINED: _("Declined %(title)s"),
    }
    _timeline(invitation, "rsvp", labels[Status(invitation.status)] % {"title": event.title}, now)
    if was_going and not going:
        promote_waiting(event)
    return invitation


def promote_waiting(event: Event) -> Invitation | None:
    if event.capacity is not None and going_count(event) >= event.capacity:
        return None
    first = (
        Invitation.objects.filter(event=event, status=Status.WAITLIST)
        .order_by("responded_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = Status.GOING
    first.save(update_fields=["status"])
    _timeline(first, "rsvp", _("Going to %(title)s") % {"title": event.title}, timezone.now())
    if first.email:
        EmailMessage(
            _("A seat is free: %(title)s") % {"title": event.title},
            _("Good news: a seat is free and it is yours. Your invitation: %(url)s")
            % {"url": rsvp_url(first)},
            None,
            [first.email],
        ).send()
    return first


@transaction.atomic
def do_check_in(invitation: Invitation, actor: User | None) -> bool:
    """Mark someone present (idempotent). Walk-ins on the waiting list are let in."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.checked_in_at:
        return False
    now = timezone.now()
    invitation.checked_in_at = now
    if invitation.status != Status.GOING:
        invitation.status = Status.GOING
        invitation.responded_at = invitation.responded_at or now
    invitation.save(update_fields=["checked_in_at", "status", "responded_at"])
    _timeline(
        invitation,
        "attended",
        _("Attended %(title)s") % {"title": invitation.event.title},
        max(min(now, invitation.event.ends_at), invitation.event.starts_at),
    )
    record_audit("community.checked_in", actor=actor, brand=invitation.brand, obj=invitation)
    return True


@transaction.atomic
def do_undo_check_in(invitation: Invitation, actor: User | None) -> None:
    invitation.checked_in_at = None
    invitation.save(update_fields=["checked_in_at"])
    Interaction.objects.filter(source_key=f"event:{invitation.pk}:attended").delete()
    record_audit("community.check_in_undone", actor=actor, brand=invitation.brand, obj=invitation)


def do_send_survey(event: Event, actor: User | None) -> int:
    if not event.survey_question:
        raise CommunityError(_("Write the follow-up question first."))
    sent = 0
    for invitation in Invitation.objects.filter(
        event=event, checked_in_at__isnull=False, survey_answered_at__isnull=True
    ).exclude(email=""):
        EmailMessage(
            _("Your opinion on %(title)s") % {"title": event.title},
            _("Thank you for coming. %(question)s Answer in one minute: %(url)s")
            % {"question": event.survey_question, "url": survey_url(invitation)},
            None,
            [invitation.email],
        ).send()
        sent += 1
    event.survey_sent_at = timezone.now()
    event.save(update_fields=["survey_sent_at"])
    record_audit("community.survey_sent", actor=actor, brand=event.brand, obj=event)
    return sent


@transaction.atomic
def do_answer_survey(invitation: Invitation, rating: int | None, answer: str) -> None:
    from tribune.community.services.feedback import do_add_feedback

    if rating is not None and not 1 <= rating <= 5:
        raise CommunityError(_("Choose a rating from 1 to 5."))
    if rating is None and not answer.strip():
        raise CommunityError(_("Give a rating or a few words."))
    invitation.survey_rating = rating
    invitation.survey_answer = answer.strip()[:5000]
    invitation.survey_answered_at = timezone.now()
    invitation.save(update_fields=["survey_rating", "survey_answer", "survey_answered_at"])
    if invitation.survey_answer:
        do_add_feedback(
            invitation.brand,
            None,
            text=invitation.survey_answer,
            source="event",
            member=invitation.member,
            source_key=f"event:{invitation.pk}:survey",
        )


def invitation_by_token(purpose: str, token: str) -> Invitation | None:
    pk = tokens.read(purpose, token)
    if pk is None:
        return None
    from tribune.core.scope import unscoped

    with unscoped():
        return Invitation.objects.select_related("event", "member", "brand").filter(pk=pk).first()


def top_members(limit: int) -> list[Member]:
    return list(active_members().order_by("-score", "pk")[:limit])


def qr_svg(data: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def _ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # RFC 5545 §3.1: lines of at most 75 octets, continued with a space.
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    start = 0
    while start < len(raw):
        end = min(start + (75 if not parts else 74), len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:
            end -= 1  # never cut a UTF-8 character in two
        parts.append(raw[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def ical(events: list[Event], brand: Brand) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tribune//Community events//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ical_text(brand.name)}",
    ]
    for event in events:
        fmt = "%Y%m%dT%H%M%SZ"
        where = event.location if event.format == Event.Format.OFFLINE else event.online_url
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.pk}@tribune",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{event.starts_at.astimezone(UTC).strftime(fmt)}",
            f"DTEND:{event.ends_at.astimezone(UTC).strftime(fmt)}",
            f"SUMMARY:{_ical_text(event.title)}",
            f"DESCRIPTION:{_ical_text(event.description)}",
            f"LOCATION:{_ical_text(where)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def event_stats(event: Event) -> dict[str, int]:
    rows = Invitation.objects.filter(event=event)
    return {
        "invited": rows.count(),
        "going": rows.filter(status=Status.GOING).count(),
        "waitlist": rows.filter(status=Status.WAITLIST).count(),
        "declined": rows.filter(status=Status.DECLINED).count(),
        "checked_in": rows.filter(checked_in_at__isnull=False).count(),
        "no_email": rows.filter(Q(email="")).count(),
    }
