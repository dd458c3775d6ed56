"""URL factories of the analysis screens for the isolation matrix."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Max

from tribune.accounts.models import Brand
from tribune.analysis.models import BrandModel
from tribune.core.scope import brand_scope


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


URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "model_id": lambda brand: brand_model(brand).pk,
}
