"""Next occurrence of a repeating post, in the brand's local time (DST-safe).

A post repeating "every day at 09:00 Europe/Paris" is at 09:00 on the wall clock each
day: 08:00 UTC in winter, 07:00 UTC in summer. We add days to the *local date* and rebuild
the local time, never add 24 h to a UTC instant.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta


def local_to_utc(day: date, at: time, tz: zoneinfo.ZoneInfo) -> datetime:
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    # A wall time skipped by the spring change (02:30 on the last Sunday of March) does not
    # exist: zoneinfo would silently return a time an hour off; move to the first valid
    # minute after the gap instead.
    round_trip = aware.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        aware = round_trip
    return aware.astimezone(UTC)


def next_occurrence(
    previous_utc: datetime,
    repeat: str,
    at_local: time,
    tz: zoneinfo.ZoneInfo,
    until: date | None = None,
) -> datetime | None:
    step = {"daily": 1, "weekly": 7}.get(repeat)
    if step is None:
        return None
    next_day = previous_utc.astimezone(tz).date() + timedelta(days=step)
    if until is not None and next_day > until:
        return None
    return local_to_utc(next_day, at_local, tz)
