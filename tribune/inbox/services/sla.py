"""The response clock of a thread, against the charter's targets.

A message that arrives while the thread waits for nothing starts a ``ResponseRecord``:
due ``business_hours_minutes`` after it when it arrived during the brand's business
hours (in the brand's time zone), ``off_hours_minutes`` otherwise (both from the
charter, `current_rules(brand).response_times`). Our first answer stops the clock;
closing the thread without answering ends it as "closed without an answer" (not counted
as late). Messages hidden by a moderation rule do not start the clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.inbox.models import Message, ResponseRecord, Thread
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules import ResponseTimes, RulesError
from tribune.strategy.services.charter import current_version

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Targets:
    brand: Brand
    times: ResponseTimes
    hours: BusinessHours

    @classmethod
    def of(cls, brand: Brand) -> Targets:
        version = current_version(brand)
        times, hours = ResponseTimes(), BusinessHours()
        if version is not None:
            try:
                times = version.charter_rules().response_times
                hours = version.hours()
            except (RulesError, ValueError) as exc:
                # An invalid stored charter must not stop the inbox: use the defaults.
                logger.warning("Charter of %s unreadable for response times: %s", brand, exc)
        return cls(brand, times, hours)

    def for_message(self, received_at: datetime) -> tuple[bool, int]:
        business = self.hours.is_business_time(received_at, self.brand.tz)
        minutes = self.times.business_hours_minutes if business else self.times.off_hours_minutes
        return business, minutes


def start_clock(thread: Thread, message: Message, targets: Targets) -> ResponseRecord | None:
    """Start the clock for ``message`` unless the thread already waits for an answer."""
    if thread.awaiting_since is not None:
        return None
    received = min(message.created_at, timezone.now())
    business, minutes = targets.for_message(received)
    record = ResponseRecord.objects.create(
        brand_id=thread.brand_id,
        thread=thread,
        account_id=thread.account_id,
        message=message,
        received_at=received,
        business_hours=business,
        target_minutes=minutes,
        due_at=received + timedelta(minutes=minutes),
        first=not ResponseRecord.objects.filter(thread=thread).exists(),
    )
    thread.awaiting_since = received
    thread.sla_due_at = record.due_at
    return record


def stop_clock(thread: Thread, at: datetime, responder: object | None, *, answered: bool) -> None:
    """Our answer (``answered``) or a close without answer ends the waiting record."""
    waiting = ResponseRecord.objects.filter(
        thread=thread, outcome=ResponseRecord.Outcome.WAITING
    ).first()
    if waiting is not None:
        if answered:
            seconds = max(0, int((at - waiting.received_at).total_seconds()))
            waiting.outcome = ResponseRecord.Outcome.ANSWERED
            waiting.responded_at = at
            waiting.responder = responder if getattr(responder, "pk", None) else None  # type: ignore[assignment]
            waiting.response_seconds = seconds
            waiting.breached = at > waiting.due_at
            if waiting.first and thread.first_response_seconds is None:
                thread.first_response_seconds = seconds
        else:
            waiting.outcome = ResponseRecord.Outcome.CLOSED
        waiting.save()
    thread.awaiting_since = None
    thread.sla_due_at = None
    if answered:
        thread.has_question = False
