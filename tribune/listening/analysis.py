"""Language, sentiment and toxicity of mentions, behind one small interface.

``analyse_texts(texts)`` answers per text, in order. Engines, as in the inbox:
``model`` (``tribune.analysis.analyze``: embeddings + trained heads, loaded once per
process) or ``lexicon`` (``tribune.analysis.analyze_fast``: no model, deterministic and
fast; the tests use it). ``TRIBUNE_LISTENING_ANALYSIS`` picks ``auto`` (default: the
model when one is installed), ``model`` or ``lexicon``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

TOXIC_THRESHOLD = 0.5


@dataclass(frozen=True)
class TextAnalysis:
    language: str  # "fr", "en", … or "und"
    sentiment: str  # negative / neutral / positive
    toxicity: float  # 0..1
    engine: str

    @property
    def toxic(self) -> bool:
        return self.toxicity >= TOXIC_THRESHOLD


def engine_setting() -> str:
    value = getattr(settings, "TRIBUNE_LISTENING_ANALYSIS", None)
    return str(value or os.environ.get("TRIBUNE_LISTENING_ANALYSIS") or "auto")


@cache
def model_available() -> bool:
    try:
        from tribune.analysis.bundle import load_bundle

        load_bundle(None)
    except Exception as exc:  # noqa: BLE001 - any failure means "use the lexicon"
        logger.info("Listening analysis uses the lexicon engine: %s", exc)
        return False
    return True


def _lexicon(texts: Sequence[str]) -> list[TextAnalysis]:
    from tribune.analysis import analyze_fast

    return [
        TextAnalysis(r.lang, r.sentiment, round(float(r.toxicity), 4), "lexicon")
        for r in analyze_fast(list(texts))
    ]


def _model(texts: Sequence[str], brand: Any = None) -> list[TextAnalysis]:
    from tribune.analysis import analyze

    return [
        TextAnalysis(r.lang, r.sentiment, round(float(r.toxicity), 4), "model")
        for r in analyze(list(texts), keywords=False, brand=brand)
    ]


def analyse_texts(
    texts: Sequence[str], engine: str | None = None, brand: Any = None
) -> list[TextAnalysis]:
    """With ``brand``, the model engine uses the brand's retrained model if active."""
    if not texts:
        return []
    chosen = engine or engine_setting()
    if chosen == "lexicon" or (chosen == "auto" and not model_available()):
        return _lexicon(texts)
    try:
        return _model(texts) if brand is None else _model(texts, brand)
    except Exception:
        if chosen == "model":
            raise
        # Mentions must keep flowing when the model breaks: the lexicon still answers.
        logger.exception("Listening analysis with the model failed; using the lexicon")
        return _lexicon(texts)
