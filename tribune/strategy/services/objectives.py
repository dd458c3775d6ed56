"""Objectives, KPIs, campaigns and editorial rows: saved through ``do_save``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tribune.core.scope import brand_scope
from tribune.strategy.models import ContentPillar, PlatformChoice

OBJECTIVE_FIELDS = ["kind", "title", "description", "owner", "status"]
KPI_FIELDS = ["objective", "metric", "label", "target", "period_start", "period_end"]
KPI_FIELDS += ["network", "account"]
CAMPAIGN_FIELDS = ["name", "description", "start_date", "end_date", "networks"]
CAMPAIGN_FIELDS += ["budget_planned", "budget_spent", "currency", "tactics", "objective", "status"]
CAMPAIGN_FIELDS += ["utm_campaign"]
GOAL_FIELDS = ["campaign", "label", "target", "achieved"]
PILLAR_FIELDS = ["name", "description", "share_target"]
PERSONA_FIELDS = ["name", "description"]
PLATFORM_FIELDS = ["network", "purpose", "audience", "effort_share"]


def check_share_total(model: Any, brand: Any, field: str, value: int, exclude: Any) -> str | None:
    """Shares (pillars' share of posts, platforms' share of effort) may not exceed 100 %.
    Returns an error message, or None when the new value fits."""
    with brand_scope(brand):
        others = model.objects.filter(brand=brand).exclude(pk=getattr(exclude, "pk", None))
        total = sum(getattr(row, field) for row in others) + value
    if total > 100:
        return _("The shares would add up to %(total)s %%; they must not exceed 100 %%.") % {
            "total": total
        }
    return None


def pillar_share_error(brand: Any, pillar: ContentPillar) -> str | None:
    return check_share_total(ContentPillar, brand, "share_target", pillar.share_target, pillar)


def platform_share_error(brand: Any, choice: PlatformChoice) -> str | None:
    return check_share_total(PlatformChoice, brand, "effort_share", choice.effort_share, choice)


def budget_totals(campaigns: Any) -> list[dict[str, Any]]:
    """Planned and spent per currency (amounts in different currencies never add up)."""
    totals: dict[str, dict[str, Any]] = {}
    for c in campaigns:
        row = totals.setdefault(
            c.currency, {"currency": c.currency, "planned": Decimal(0), "spent": Decimal(0)}
        )
        row["planned"] += c.budget_planned
        row["spent"] += c.budget_spent
    for row in totals.values():
        row["left"] = row["planned"] - row["spent"]
    return sorted(totals.values(), key=lambda r: r["currency"])
