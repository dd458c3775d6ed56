"""CSV import of conversions: every row is checked first; one bad row stores nothing.

Columns (header row required, order free): ``goal``, ``idempotency_key``, and optionally
``occurred_at`` (ISO 8601; without an offset it is the brand's local time), ``value``,
``click_id`` (or ``tclid``), ``reference``. Rows whose key is already recorded are counted
as "already there" (importing the same file twice adds nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.analytics.conversions import ConversionError, check_payload, do_record
from tribune.analytics.models import Conversion
from tribune.core.audit import record_audit

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
REQUIRED = {"goal", "idempotency_key"}
KNOWN = REQUIRED | {"occurred_at", "value", "click_id", "tclid", "reference"}


@dataclass
class ImportResult:
    created: int = 0
    already: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConversionError("The file is neither UTF-8 nor Windows-1252 text.")


def import_csv(brand: Brand, data: bytes, actor: Any) -> ImportResult:
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.errors.append((0, _("The file is larger than 10 MB; split it.")))
        return result
    try:
        text = _decode(data)
    except ConversionError as exc:
        result.errors.append((0, str(exc)))
        return result
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    # newline="": a lone "\r" ends a line, as the csv module expects.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _check_rows(brand, reader, result, actor)
    except csv.Error as exc:  # a lone quote, an oversized field: the row, not a crash
        result.errors.append(
            (
                reader.line_num + 1,
                _("The CSV file cannot be read at line %(n)d: %(e)s")
                % {"n": reader.line_num + 1, "e": exc},
            )
        )
        return result


def _check_rows(
    brand: Brand, reader: csv.DictReader[str], result: ImportResult, actor: Any
) -> ImportResult:
    header = {h.strip().lower() for h in (reader.fieldnames or [])}
    missing = REQUIRED - header
    if missing:
        result.errors.append(
            (
                1,
                _("Missing column(s): %(columns)s (the first line must name the columns).")
                % {"columns": ", ".join(sorted(missing))},
            )
        )
        return result
    clean_rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            result.errors.append(
                (number, _("More than %(n)d rows; split the file.") % {"n": MAX_ROWS})
            )
            break
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        if row.get("tclid") and not row.get("click_id"):
            row["click_id"] = row["tclid"]
        try:
            clean = check_payload(brand, row)
        except ConversionError as exc:
            result.errors.append((number, str(exc)))
            continue
        key = clean["idempotency_key"]
        if key in seen:
            result.errors.append(
                (
                    number,
                    _("The idempotency key “%(key)s” is already on line %(line)d.")
                    % {"key": key, "line": seen[key]},
                )
            )
            continue
        seen[key] = number
        clean_rows.append(clean)
    if result.errors:
        return result
    known = set(
        Conversion.objects.filter(brand=brand, idempotency_key__in=list(seen)).values_list(
            "idempotency_key", flat=True
        )
    )
    with transaction.atomic():
        for clean in clean_rows:
            if clean["idempotency_key"] in known:
                result.already += 1
                continue
            do_record(brand, clean, Conversion.Source.CSV)
            result.created += 1
        record_audit(
            "analytics.conversions_imported",
            actor=actor,
            brand=brand,
            after={"created": result.created, "already": result.already},
        )
    return result
