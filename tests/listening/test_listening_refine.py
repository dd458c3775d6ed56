"""Ingest analyses with the fast lexicon; the refine pass re-reads with the model and
updates the mention and the flags detection counts on its matches."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tribune.core.scope import brand_scope, unscoped
from tribune.listening import analysis
from tribune.listening.analysis import TextAnalysis
from tribune.listening.models import Mention, MentionMatch, Query
from tribune.listening.services import refine as refine_service
from tribune.listening.services.ingest import Item, do_ingest

pytestmark = pytest.mark.django_db


def test_ingest_uses_the_lexicon_and_refine_applies_the_model(tenants, settings, monkeypatch):
    settings.TRIBUNE_LISTENING_ANALYSIS = "auto"
    brand = tenants.brand_a
    now = timezone.now()
    with brand_scope(brand):
        Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        result = do_ingest(
            brand,
            None,
            [
                Item(key="k1", text="Alpha, service client parfait", published_at=now),
                Item(key="k2", text="Alpha, rien à dire", published_at=now, reach=50_000),
            ],
            now,
        )
        assert result.stored == 2
        assert set(Mention.objects.values_list("analysis_engine", flat=True)) == {"lexicon"}

    calls: list[list[str]] = []

    def fake_model(texts, brand=None):  # type: ignore[no-untyped-def]
        calls.append(list(texts))
        return [TextAnalysis("fr", "negative", 0.9, "model") for _ in texts]

    monkeypatch.setattr(analysis, "_model", fake_model)
    monkeypatch.setattr(analysis, "model_available", lambda: True)
    with unscoped():
        assert refine_service.refine_for(5) == 2
        assert refine_service.refine_pending() == 0  # nothing left
    assert len(calls) == 1 and len(calls[0]) == 2
    with brand_scope(brand):
        assert set(Mention.objects.values_list("analysis_engine", "sentiment")) == {
            ("model", "negative")
        }
        flags = set(MentionMatch.objects.values_list("negative", "influential"))
    assert flags == {(True, False), (True, True)}  # the 50,000-reach author is influential


def test_no_model_means_no_refine(tenants, settings):
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    with unscoped():
        assert refine_service.refine_engine() == "lexicon"
        assert refine_service.refine_pending() == 0
