"""The brand's charter: its current version, the content check, and new versions.

``check_brand_content`` is the single entry point for the composer, approvals,
moderation and the ``charter check`` command: they all get the same answer.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.strategy import document
from tribune.strategy.auditing import audit, changed, label
from tribune.strategy.hours import BusinessHours
from tribune.strategy.models import CharterVersion
from tribune.strategy.rules import CharterRules, ContentContext, Violation, check_content


class CharterConflict(Exception):
    """Someone saved a newer version since the editor opened the form."""

    def __init__(self, current: CharterVersion) -> None:
        super().__init__(f"version {current.number} was saved meanwhile")
        self.current = current


def current_version(brand: Brand) -> CharterVersion | None:
    with brand_scope(brand):  # callers may be in another brand's scope or none
        return CharterVersion.objects.filter(brand=brand).order_by("-number").first()


def current_rules(brand: Brand) -> CharterRules:
    """The brand's rules; the engine's defaults while it has no charter yet. Raises
    ``RulesError`` (a ValueError) if the stored rules are no longer valid."""
    version = current_version(brand)
    return version.charter_rules() if version else CharterRules()


def check_brand_content(
    brand: Brand, network: str, text: str, context: ContentContext | None = None
) -> list[Violation]:
    """Every problem ``text`` has against the brand's current charter on ``network``."""
    return check_content(current_rules(brand), network, text, context or ContentContext())


def _state(version: CharterVersion | None) -> dict[str, Any]:
    if version is None:
        return {"number": 0, "document": "", "rules": None, "business_hours": None}
    return {
        "number": version.number,
        "document": version.document_source,
        "rules": version.rules,
        "business_hours": version.business_hours,
    }


@transaction.atomic
def do_save_charter(
    brand: Brand,
    actor: Any,
    *,
    document_source: str,
    rules: CharterRules,
    hours: BusinessHours,
    note: str = "",
    base_version: int | None = None,
) -> tuple[CharterVersion, bool]:
    """Store a new version when anything changed. ``base_version`` is the number the
    editor started from: if another version was saved meanwhile, ``CharterConflict``.
    Returns (the current version, whether a new one was created)."""
    # Serialise writers of one brand's charter (a no-op lock on SQLite, which already
    # runs one writer at a time).
    Brand.objects.select_for_update().filter(pk=brand.pk).first()
    latest = current_version(brand)
    latest_number = latest.number if latest else 0
    if base_version is not None and base_version != latest_number and latest is not None:
        raise CharterConflict(latest)
    before = _state(latest)
    proposed = {
        "number": latest_number + 1,
        "document": document_source,
        "rules": rules.to_dict(),
        "business_hours": hours.to_dict(),
    }
    if latest is not None and all(proposed[k] == before[k] for k in proposed if k != "number"):
        return latest, False
    with brand_scope(brand):
        version = CharterVersion.objects.create(
            brand=brand,
            number=latest_number + 1,
            document_source=document_source,
            document_html=document.render(document_source),
            rules=proposed["rules"],
            business_hours=proposed["business_hours"],
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_by_label=label(actor),
        )
    old, new = changed(before, proposed)
    audit("charter.version_created", brand=brand, actor=actor, obj=version, before=old, after=new)
    return version, True
