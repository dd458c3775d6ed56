"""Differences between two charter versions, line by line, for people to read.

The rules are compared in the form's own text (one rule per line, grouped under the
field's label), so a change reads exactly as it was typed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from tribune.strategy.forms.charter import CharterForm
from tribune.strategy.forms.charter_lines import rules_initial
from tribune.strategy.models import CharterVersion
from tribune.strategy.rules import RulesError


@dataclass(frozen=True)
class Line:
    kind: str  # "same", "added", "removed", "gap" (unchanged lines left out)
    text: str


def rules_lines(version: CharterVersion | None) -> list[str]:
    if version is None:
        return []
    try:
        values = rules_initial(version.charter_rules(), version.hours())
    except (RulesError, ValueError) as exc:
        return [f"!! {exc}"]
    form = CharterForm()
    out: list[str] = []
    for name, value in values.items():
        label = str(form.fields[name].label)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        text = "" if value is None else str(value)
        parts = text.splitlines() or [""]
        out.extend(f"{label} : {part}" for part in parts)
    return out


def compare(old: list[str], new: list[str], context: int = 2) -> list[Line]:
    """Changed lines with ``context`` unchanged lines around them."""
    out: list[Line] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if out:
            out.append(Line("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(Line("same", text) for text in old[i1:i2])
                continue
            out.extend(Line("removed", text) for text in old[i1:i2])
            out.extend(Line("added", text) for text in new[j1:j2])
    return out


def compare_versions(old: CharterVersion | None, new: CharterVersion) -> dict[str, Any]:
    return {
        "document": compare(
            old.document_source.splitlines() if old else [], new.document_source.splitlines()
        ),
        "rules": compare(rules_lines(old), rules_lines(new)),
    }
