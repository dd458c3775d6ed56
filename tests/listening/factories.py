"""Listening rows for tests and the isolation matrix's URL factories."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.listening.models import Alert, Query, Source


def make_query(brand: Brand, name: str = "", expression: str = "alpha") -> Query:
    with brand_scope(brand):
        return Query.objects.create(
            brand=brand, name=name or f"Q {secrets.token_hex(3)}", expression=expression
        )


def make_alert(brand: Brand) -> Alert:
    now = timezone.now()
    query = make_query(brand)
    with brand_scope(brand):
        return Alert.objects.create(
            brand=brand,
            query=query,
            kind="volume",
            window_start=now,
            window_end=now,
            why="test",
            raised_at=now,
            last_evidence_at=now,
            ack_token=secrets.token_urlsafe(32),
        )


def _source(brand: Brand) -> int:
    with brand_scope(brand):
        return Source.objects.create(brand=brand, kind="rss", url="https://example.com/f").pk


URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "query_id": lambda brand: make_query(brand).pk,
    "source_id": _source,
    "alert_id": lambda brand: make_alert(brand).pk,
    "alert_op": lambda brand: "ack",
}
