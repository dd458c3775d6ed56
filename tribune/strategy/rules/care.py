"""Charter data the content checks do not use, kept here so the charter is one document:
response-time targets (read by the inbox) and escalation contacts (read by crisis alerts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tribune.strategy.rules import fields as f

WEEK_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class ResponseTimes:
    """How fast the community team answers, in minutes, during and outside business hours."""

    business_hours_minutes: int = 120
    off_hours_minutes: int = 480

    def __post_init__(self) -> None:
        f.integer(self.business_hours_minutes, "business_hours_minutes", low=1, high=WEEK_MINUTES)
        f.integer(self.off_hours_minutes, "off_hours_minutes", low=1, high=WEEK_MINUTES)

    @classmethod
    def from_dict(cls, data: Any) -> ResponseTimes:
        f.check_keys(data, {"business_hours_minutes", "off_hours_minutes"})
        return cls(
            business_hours_minutes=data.get("business_hours_minutes", 120),
            off_hours_minutes=data.get("off_hours_minutes", 480),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "business_hours_minutes": self.business_hours_minutes,
            "off_hours_minutes": self.off_hours_minutes,
        }


@dataclass(frozen=True)
class EscalationContact:
    """Someone to reach when a conversation or a crisis goes beyond the community team.
    Contacts are listed in escalation order; each needs an e-mail address or a phone."""

    name: str
    role: str = ""
    email: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        if not f.text(self.name, "name", max_length=200).strip():
            raise f.RulesError("name", "must not be empty")
        f.text(self.role, "role", max_length=200)
        if self.email:
            object.__setattr__(self, "email", f.email(self.email, "email"))
        if self.phone:
            object.__setattr__(self, "phone", f.phone(self.phone, "phone"))
        if not (self.email or self.phone):
            raise f.RulesError("email", "an e-mail address or a phone number is required")

    @classmethod
    def from_dict(cls, data: Any) -> EscalationContact:
        f.check_keys(data, {"name", "role", "email", "phone"}, required={"name"})
        return cls(
            name=data["name"],
            role=data.get("role", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "email": self.email, "phone": self.phone}


def escalation_contacts(value: Any, field: str) -> tuple[EscalationContact, ...]:
    def one(item: Any, path: str) -> EscalationContact:
        with f.at(path):
            return EscalationContact.from_dict(item)

    return f.items(value, field, one)
