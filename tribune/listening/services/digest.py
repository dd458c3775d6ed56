"""The daily listening digest: yesterday in one email, per brand.

Sent once a day at the schedule's ``digest_hour`` in the brand's time zone, to the on-call
people and the brand's strategists (each in their own language). The digest is not
urgent: during quiet hours it waits for their end (a digest hour inside quiet hours means
"when quiet hours end"). Crisis alerts never wait: they are not digests.

Content, for the previous local calendar day: volume and its change against the day
before, the split by sentiment, mentions per query, the five mentions with the widest
reach, the alerts raised that day with their status, links to the screens.

``listening.digest`` runs every 15 minutes; a conditional UPDATE on
``digest_last_sent_on`` makes sure two workers never send the same day twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from tribune.accounts.models import Brand, User
from tribune.listening.models import Alert, Mention, MentionMatch, OnCallPerson, OnCallSchedule
from tribune.listening.services.delivery import strategists

logger = logging.getLogger(__name__)

TOP_MENTIONS = 5


def in_quiet_hours(hour: int, schedule: OnCallSchedule) -> bool:
    start, end = schedule.quiet_start_hour, schedule.quiet_end_hour
    if start == end:
        return False  # no quiet hours
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end  # overnight, e.g. 21 → 7


def send_hour(schedule: OnCallSchedule) -> int:
    """The digest's hour, pushed to the end of quiet hours when it falls inside them."""
    hour = schedule.digest_hour
    return schedule.quiet_end_hour if in_quiet_hours(hour, schedule) else hour


def due_day(schedule: OnCallSchedule, brand: Brand, now: datetime) -> date | None:
    """The local day whose digest is due now (yesterday), or None."""
    if not schedule.digest_enabled:
        return None
    local = now.astimezone(brand.tz)
    if in_quiet_hours(local.hour, schedule) or local.hour < send_hour(schedule):
        return None
    if schedule.digest_last_sent_on == local.date():
        return None
    return local.date() - timedelta(days=1)


@dataclass
class Digest:
    brand: Brand
    day: date
    start: datetime
    end: datetime
    total: int = 0
    previous: int = 0
    by_sentiment: dict[str, int] = field(default_factory=dict)
    by_query: list[tuple[str, int]] = field(default_factory=list)
    top: list[Mention] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def local_day_bounds(brand: Brand, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=brand.tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=brand.tz)
    return start, end  # DST days are 23 or 25 hours long, as they should be


def build_digest(brand: Brand, day: date) -> Digest:
    start, end = local_day_bounds(brand, day)
    digest = Digest(brand, day, start, end)
    mentions = Mention.objects.filter(brand=brand, published_at__gte=start, published_at__lt=end)
    digest.total = mentions.count()
    digest.previous = Mention.objects.filter(
        brand=brand, published_at__gte=start - timedelta(days=1), published_at__lt=start
    ).count()
    digest.by_sentiment = dict(
        mentions.values_list("sentiment").annotate(n=Count("id")).values_list("sentiment", "n")
    )
    digest.by_query = [
        (row["query__name"], row["n"])
        for row in MentionMatch.objects.filter(
            brand=brand, published_at__gte=start, published_at__lt=end
        )
        .values("query__name")
        .annotate(n=Count("id"))
        .order_by("-n", "query__name")
    ]
    digest.top = list(mentions.order_by("-reach", "-published_at")[:TOP_MENTIONS])
    digest.alerts = list(
        Alert.objects.filter(brand=brand, raised_at__gte=start, raised_at__lt=end)
        .select_related("query")
        .order_by("raised_at")
    )
    return digest


def render(digest: Digest, language: str) -> tuple[str, str]:
    brand = digest.brand
    with override(language), timezone.override(brand.tz):
        day = date_format(digest.day, "SHORT_DATE_FORMAT")
        subject = _("[Tribune · %(brand)s] Listening digest for %(day)s") % {
            "brand": brand.name,
            "day": day,
        }
        change = digest.total - digest.previous
        lines = [
            _("%(count)s mentions (%(change)s against the day before).")
            % {"count": digest.total, "change": f"{change:+d}"},
            _("Negative: %(neg)s · neutral: %(neu)s · positive: %(pos)s")
            % {
                "neg": digest.by_sentiment.get("negative", 0),
                "neu": digest.by_sentiment.get("neutral", 0),
                "pos": digest.by_sentiment.get("positive", 0),
            },
            "",
        ]
        if digest.by_query:
            lines.append(_("By query:"))
            lines += [f"- {name}: {count}" for name, count in digest.by_query]
            lines.append("")
        lines.append(_("Alerts of the day:"))
        if digest.alerts:
            for alert in digest.alerts:
                local = timezone.localtime(alert.raised_at).strftime("%H:%M")
                lines.append(
                    f"- {local} · {alert.get_kind_display()} · {alert.query.name} · "
                    f"{alert.get_status_display()}"
                )
        else:
            lines.append(_("- none"))
        lines.append("")
        if digest.top:
            lines.append(_("Widest-reaching mentions:"))
            for mention in digest.top:
                mark = " ⚠" if mention.sentiment == Mention.Sentiment.NEGATIVE else ""
                reach = _("reach %(n)s") % {"n": f"{mention.reach:,}".replace(",", " ")}
                lines.append(f"- {mention.author or '?'} ({reach}){mark}: {mention.text[:200]}")
                if mention.url.startswith("http"):
                    lines.append(f"  {mention.url}")
            lines.append("")
        lines.append(
            _("Listening overview: %(url)s")
            % {"url": settings.SITE_URL + reverse("listening:dashboard", args=[brand.slug])}
        )
        lines.append(
            _("Digest settings and quiet hours: %(url)s")
            % {"url": settings.SITE_URL + reverse("listening:on_call", args=[brand.slug])}
        )
    return subject, "\n".join(lines)


def digest_recipients(brand: Brand) -> list[User]:
    on_call = [p.user for p in OnCallPerson.objects.filter(brand=brand).select_related("user")]
    found: dict[int, User] = {}
    for user in [*on_call, *strategists(brand)]:
        if user.is_active and user.email:
            found.setdefault(user.pk, user)
    return list(found.values())


def send_digest_if_due(brand: Brand, now: datetime | None = None) -> int:
    """Send yesterday's digest when it is due (inside the brand scope); returns the number
    of emails sent."""
    now = now or timezone.now()
    schedule = OnCallSchedule.objects.filter(brand=brand).first()
    if schedule is None:
        return 0
    day = due_day(schedule, brand, now)
    if day is None:
        return 0
    today = day + timedelta(days=1)
    claimed = (
        OnCallSchedule.objects.filter(pk=schedule.pk)
        .filter(Q(digest_last_sent_on__isnull=True) | ~Q(digest_last_sent_on=today))
        .update(digest_last_sent_on=today)
    )
    if not claimed:
        return 0  # another worker sends it
    digest = build_digest(brand, day)
    sent = 0
    domain = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0] or "tribune"
    try:
        for user in digest_recipients(brand):
            subject, body = render(digest, getattr(user, "language", "") or brand.language)
            EmailMessage(
                subject,
                body,
                None,
                [user.email],
                headers={"Message-ID": f"<tribune-digest-{brand.pk}-{day}-{user.pk}@{domain}>"},
            ).send()
            sent += 1
    except Exception:
        # Give the day back so the next run tries again (some may receive it twice; the
        # Message-ID lets their mail client recognise the copy).
        OnCallSchedule.objects.filter(pk=schedule.pk).update(
            digest_last_sent_on=schedule.digest_last_sent_on
        )
        logger.exception("Listening digest for brand %s failed", brand.pk)
        raise
    return sent
