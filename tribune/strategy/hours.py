"""Business hours from the charter: when the response-time target is the business one.

Stored as JSON beside the charter rules (``{"days": [0, 1, 2, 3, 4], "start": "09:00",
"end": "18:00"}``, Monday = 0) and read in the brand's time zone, so "9 h" stays 9 h
local time on both sides of a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BusinessHours:
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: time = time(9, 0)
    end: time = time(18, 0)

    def __post_init__(self) -> None:
        days = tuple(sorted(set(self.days)))
        if any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ValueError("days must be weekday numbers from 0 (Monday) to 6 (Sunday)")
        if self.end <= self.start:
            raise ValueError("business hours must end after they start")
        object.__setattr__(self, "days", days)

    @classmethod
    def from_dict(cls, data: Any) -> BusinessHours:
        if not data:
            return cls()
        return cls(
            days=tuple(int(d) for d in data.get("days", (0, 1, 2, 3, 4))),
            start=time.fromisoformat(data.get("start", "09:00")),
            end=time.fromisoformat(data.get("end", "18:00")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": list(self.days),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
        }

    def is_business_time(self, moment: datetime, tz: ZoneInfo) -> bool:
        """True when ``moment`` (aware) falls in business hours, local to ``tz``."""
        local = moment.astimezone(tz)
        return local.weekday() in self.days and self.start <= local.time() < self.end
