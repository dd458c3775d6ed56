"""The editorial line: one readable document per brand."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tribune.accounts.models import Brand
from tribune.strategy import document
from tribune.strategy.models import EditorialLine
from tribune.strategy.services.common import do_save


@transaction.atomic
def do_save_editorial_line(brand: Brand, actor: Any, text: str) -> EditorialLine:
    line, _created = EditorialLine.objects.get_or_create(brand=brand)
    line.text = text
    line.html = document.render(text)
    line.updated_by = actor if getattr(actor, "pk", None) else None
    return do_save(line, actor=actor, fields=["text"], action="editorial")
