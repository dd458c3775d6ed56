"""Token scopes and the role capability each one needs on the brand.

A token acts for its owner: a scope never grants more than the owner's role allows on
the brand, it only narrows it. A token with no scope listed has every scope.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tribune.accounts.roles import Cap

# scope → (capability needed on the brand, label shown when creating a token)
SCOPES: dict[str, tuple[Cap, object]] = {
    "brands:read": (Cap.VIEW, _("Read brands and social accounts")),
    "posts:read": (Cap.VIEW, _("Read posts and the calendar")),
    "posts:write": (Cap.DRAFT, _("Create, edit, schedule and submit posts")),
    "posts:approve": (Cap.APPROVE, _("Approve posts or ask for changes")),
    "inbox:read": (Cap.VIEW, _("Read the inbox")),
    "inbox:write": (Cap.MODERATE, _("Reply, assign and close conversations")),
    "listening:read": (Cap.VIEW, _("Read listening queries and mentions")),
    "listening:write": (Cap.MODERATE, _("Create listening queries")),
    "alerts:read": (Cap.VIEW, _("Read alerts")),
    "alerts:write": (Cap.MODERATE, _("Acknowledge alerts")),
    "metrics:read": (Cap.REPORTS, _("Read metrics")),
    "webhooks:read": (Cap.ACCOUNTS, _("Read webhook subscriptions and deliveries")),
    "webhooks:write": (Cap.ACCOUNTS, _("Manage webhooks and replay deliveries")),
    "imports:write": (Cap.DRAFT, _("Import archives and CSV files")),
    "exports:read": (Cap.STRATEGY, _("Export a brand's data")),
    "community:read": (Cap.COMMUNITY, _("Read community members and events")),
    "community:write": (Cap.COMMUNITY, _("Add community members and events")),
    "reports:read": (Cap.REPORTS, _("Read reports and conversions, generate reports")),
}


def scope_choices() -> list[tuple[str, str]]:
    return [(name, f"{name} — {label}") for name, (_cap, label) in SCOPES.items()]


def token_has_scope(token_scopes: list[str], scope: str) -> bool:
    return not token_scopes or scope in token_scopes
