"""Number formatting for dashboards and reports: unknown figures read "—", never 0."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _num(value: float | int | Decimal, digits: int) -> str:
    return str(formats.number_format(value, digits, use_l10n=True, force_grouping=True))


@register.filter
def figure(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float) or unit in ("%", "pts"):
        text = _num(
            round(float(value), 2 if abs(float(value)) < 10 else 1),
            2 if abs(float(value)) < 10 else 1,
        )
    else:
        text = _num(value, 0) if isinstance(value, int) else str(value)
    return f"{text}\u202f{unit}" if unit else text


@register.filter
def signed(value: Any, unit: str = "%") -> str:
    if value is None:
        return ""
    v = float(value)
    body = _num(round(abs(v), 1), 1)
    label = _("pts") if unit == "pts" else unit
    return f"{'+' if v >= 0 else '−'}{body}\u202f{label}"


@register.filter
def cell(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return "—"
    if isinstance(value, float):
        return _num(value, 2)
    if isinstance(value, int) and not isinstance(value, bool):
        return _num(value, 0)
    return str(value)


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    if value is None:
        return "—"
    return f"{_num(Decimal(value), 2)}\u00a0{currency}"


@register.filter
def weekday(value: int) -> str:
    return _(DAYS[int(value) % 7])


class _Fast:
    """Number formatting for big tables: the locale's separators looked up once (Django's
    ``number_format`` per cell is what made a 90-row table slow)."""

    def __init__(self) -> None:
        self.thousands = str(formats.get_format("THOUSAND_SEPARATOR"))
        self.decimal = str(formats.get_format("DECIMAL_SEPARATOR"))

    def __call__(self, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return f"{value:,}".replace(",", self.thousands)
        if isinstance(value, float | Decimal):
            text = f"{value:,.2f}"
            return (
                text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousands)
            )
        return str(value)


@register.filter
def table_rows(table: Any) -> SafeString:
    """The ``<tbody>`` rows of a dashboard table, rendered in one pass."""
    fmt = _Fast()
    keys = [key for key, _label in table.columns]
    if not table.rows:
        return mark_safe(  # noqa: S308 - escaped text
            f'<tr><td colspan="{len(keys)}">{escape(_("No data for this period."))}</td></tr>'
        )
    hints = getattr(table, "hints", None) or {}
    unknown = {key: f'<td title="{escape(hint)}">—</td>' for key, hint in hints.items()}
    out = []
    for row in table.rows:
        cells = "".join(
            unknown[key]
            if key in unknown and row.get(key) is None
            else f"<td>{escape(fmt(row.get(key)))}</td>"
            for key in keys
        )
        out.append(f"<tr>{cells}</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every cell is escaped
