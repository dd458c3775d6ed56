"""Small builders of strategy rows for tests, and the isolation matrix's URL factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.strategy.forms.charter_lines import parse_terms
from tribune.strategy.hours import BusinessHours
from tribune.strategy.models import (
    ActionTask,
    Campaign,
    CmReport,
    ContentPillar,
    Crisis,
    Objective,
    Persona,
    Playbook,
)
from tribune.strategy.rules import CharterRules
from tribune.strategy.services.charter import do_save_charter
from tribune.strategy.services.crisis import do_open_crisis


def charter(brand: Brand, banned: str = "arnaque | block", actor=None, note: str = ""):  # type: ignore[no-untyped-def]
    rules = CharterRules(banned_terms=parse_terms(banned, "block"))
    version, _created = do_save_charter(
        brand,
        actor,
        document_source="## Ton\nNous vouvoyons.",
        rules=rules,
        hours=BusinessHours(),
        note=note,
    )
    return version


def objective(brand: Brand) -> Objective:
    with brand_scope(brand):
        return Objective.objects.create(brand=brand, kind="notoriety", title=f"Reach {brand.slug}")


def campaign(brand: Brand) -> Campaign:
    with brand_scope(brand):
        return Campaign.objects.create(
            brand=brand,
            name=f"Launch {brand.slug}",
            start_date=date(2026, 3, 1),
            end_date=date(2026, 3, 31),
            budget_planned=Decimal("1000.00"),
        )


def _make(model, **fields) -> Callable[[Brand], int]:  # type: ignore[no-untyped-def]
    def build(brand: Brand) -> int:
        with brand_scope(brand):
            return model.objects.create(brand=brand, **fields).pk

    return build


def _report(brand: Brand) -> int:
    with brand_scope(brand):
        return CmReport.objects.create(
            brand=brand, period_start=date(2026, 3, 2), period_end=date(2026, 3, 8)
        ).pk


def _crisis(brand: Brand) -> int:
    return do_open_crisis(brand, "Bad buzz", Crisis.Source.MANUAL, None).pk


# URL keyword → a function creating such an object in a brand and returning its id.
URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "version_id": lambda brand: charter(brand).pk,
    "objective_id": lambda brand: objective(brand).pk,
    "campaign_id": lambda brand: campaign(brand).pk,
    "pillar_id": _make(ContentPillar, name="Savoir-faire", share_target=30),
    "persona_id": _make(Persona, name="Camille, 34 ans"),
    "task_id": _make(ActionTask, title="Veille", due_date=date(2026, 3, 2)),
    "report_id": _report,
    "playbook_id": _make(Playbook, name="Bad buzz"),
    "crisis_id": _crisis,
}
