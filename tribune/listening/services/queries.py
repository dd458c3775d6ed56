"""Save a query (validated at the edge with ``check_expression``) and preview one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tribune.accounts.models import Brand
from tribune.core.audit import record_audit
from tribune.listening.models import Mention, Query
from tribune.listening.querylang import QuerySyntaxError, Target, evaluate, parse

PREVIEW_SAMPLE = 500


@dataclass
class Preview:
    error: str = ""
    position: int = 0
    matches: list[Mention] = field(default_factory=list)
    matched: int = 0
    sample: int = 0


def preview(brand: Brand, expression: str, sample: int = PREVIEW_SAMPLE) -> Preview:
    """Which of the brand's most recent ``sample`` mentions the expression matches."""
    try:
        node = parse(expression)
    except QuerySyntaxError as exc:
        return Preview(error=exc.message, position=exc.position)
    recent = list(Mention.objects.filter(brand=brand).order_by("-published_at")[:sample])
    found = [
        m
        for m in recent
        if evaluate(node, Target(f"{m.title}\n{m.text}", m.language, m.network, m.author))
    ]
    return Preview(matches=found[:20], matched=len(found), sample=len(recent))


@transaction.atomic
def do_save_query(query: Query, actor: Any) -> Query:
    created = query.pk is None
    before = None
    if not created:
        old = (
            Query.objects.filter(pk=query.pk)
            .values("name", "kind", "expression", "enabled")
            .first()
        )
        before = dict(old) if old else None
    query.save()
    record_audit(
        "listening.query_created" if created else "listening.query_updated",
        actor=actor,
        brand=query.brand,
        obj=query,
        before=before,
        after={
            "name": query.name,
            "kind": query.kind,
            "expression": query.expression,
            "enabled": query.enabled,
        },
    )
    return query
