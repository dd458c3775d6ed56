"""Outgoing webhooks. Areas report events with ``emit(brand, event, data)``."""

from __future__ import annotations

from typing import Any


def emit(brand: Any, event: str, data: dict[str, Any], now: Any = None) -> int:
    from tribune.webhooks.services import emit as _emit

    return _emit(brand, event, data, now)
