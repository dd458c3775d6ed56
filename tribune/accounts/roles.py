"""What each role may do on a brand. One table, read everywhere."""

from __future__ import annotations

from enum import StrEnum


class Cap(StrEnum):
    VIEW = "view"  # dashboards, calendar, inbox (read)
    DRAFT = "draft"  # write and schedule posts
    APPROVE = "approve"  # approve or reject drafts
    MODERATE = "moderate"  # answer, hide, assign in the inbox
    COMMUNITY = "community"  # member CRM, events, ambassadors
    STRATEGY = "strategy"  # charter, objectives, campaigns, crisis playbooks
    REPORTS = "reports"  # analytics, exports, reports
    ACCOUNTS = "accounts"  # connect/disconnect social accounts
    AUDIT = "audit"  # read the audit log
    ADMIN = "admin"  # brand settings and people (workspace admins)


ROLE_CAPS: dict[str, frozenset[Cap]] = {
    "strategist": frozenset(
        {
            Cap.VIEW,
            Cap.DRAFT,
            Cap.APPROVE,
            Cap.MODERATE,
            Cap.COMMUNITY,
            Cap.STRATEGY,
            Cap.REPORTS,
            Cap.ACCOUNTS,
            Cap.AUDIT,
        }
    ),
    "community_manager": frozenset({Cap.VIEW, Cap.DRAFT, Cap.MODERATE, Cap.COMMUNITY, Cap.REPORTS}),
    "client_reviewer": frozenset({Cap.VIEW, Cap.APPROVE, Cap.REPORTS}),
    "analyst": frozenset({Cap.VIEW, Cap.REPORTS}),
}
WORKSPACE_ADMIN_CAPS = frozenset(Cap)


def caps_for_roles(roles: list[str] | set[str], workspace_admin: bool = False) -> frozenset[Cap]:
    if workspace_admin:
        return WORKSPACE_ADMIN_CAPS
    caps: set[Cap] = set()
    for role in roles:
        caps |= ROLE_CAPS.get(role, frozenset())
    return frozenset(caps)
