"""URL factories of the analysis screens for the isolation matrix."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.db.models import Max
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.analysis.models import BrandModel
from tribune.core.scope import brand_scope
from tribune.listening.models import Mention

_ids = itertools.count(1)


def brand_model(brand: Brand) -> BrandModel:
    """A stored version row (empty heads: enough for the screens, never analysed with)."""
    with brand_scope(brand):
        latest = BrandModel.objects.filter(brand=brand).aggregate(v=Max("version"))["v"] or 0
        return BrandModel.objects.create(
            brand=brand,
            version=latest + 1,
            encoder_key="e5-small-q4-L6-query",
            features="embedding,lexicon,words",
            heads=b"",
        )


def mention(brand: Brand, text: str = "Ce parfum tue", **fields) -> Mention:  # type: ignore[no-untyped-def]
    now = timezone.now()
    with brand_scope(brand):
        return Mention.objects.create(
            brand=brand,
            network="sandbox",
            key=f"m-{next(_ids)}",
            text=text,
            text_hash=f"{next(_ids):040d}",
            published_at=now,
            fetched_at=now,
            **fields,
        )


URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "model_id": lambda brand: brand_model(brand).pk,
    "mention_id": lambda brand: mention(brand).pk,
}
