"""Predict labels with a chosen engine and score them against gold labels.

Engines: ``model`` (the trained heads), ``lexicon`` (our fast path) and ``vader``
(the stock ``vaderSentiment`` analyser, the baseline the issue asks us to beat; it is
English-only, which is exactly why French needs more than VADER).
"""

from __future__ import annotations

from pathlib import Path

from ..metrics import Report, evaluate
from .data import SENTIMENT_LABELS, TOXICITY_LABELS

ENGINES = ("model", "lexicon", "vader")
# vaderSentiment's documented compound cut-offs for its three classes.
VADER_CUTOFF = 0.05


def labels_for(task: str) -> tuple[str, ...]:
    return SENTIMENT_LABELS if task == "sentiment" else TOXICITY_LABELS


def predict_labels(
    task: str, texts: list[str], engine: str = "model", model_dir: Path | str | None = None
) -> list[str]:
    if engine == "model":
        from ..engine import analyze

        results = analyze(texts, model_dir=model_dir, keywords=False)
        if task == "sentiment":
            return [r.sentiment for r in results]
        return ["toxic" if r.toxic else "non-toxic" for r in results]
    if engine == "lexicon":
        from ..engine import analyze_fast

        results = analyze_fast(texts)
        if task == "sentiment":
            return [r.sentiment for r in results]
        return ["toxic" if r.toxic else "non-toxic" for r in results]
    if engine == "vader":
        if task != "sentiment":
            raise ValueError("the vader engine only does sentiment")
        return vader_labels(texts)
    raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")


def vader_labels(texts: list[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    labels = []
    for text in texts:
        compound = analyser.polarity_scores(text)["compound"]
        if compound >= VADER_CUTOFF:
            labels.append("positive")
        elif compound <= -VADER_CUTOFF:
            labels.append("negative")
        else:
            labels.append("neutral")
    return labels


def evaluate_engine(
    task: str,
    texts: list[str],
    gold: list[str],
    engine: str = "model",
    model_dir: Path | str | None = None,
) -> Report:
    predicted = predict_labels(task, texts, engine, model_dir)
    return evaluate(gold, predicted, labels_for(task))
