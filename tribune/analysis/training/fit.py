"""Reproducible training of the sentiment and toxicity heads.

Everything is deterministic: the encoder is deterministic, logistic regression uses
L-BFGS (no random initialisation), and the only shuffles (cross-validation folds) take a
fixed seed. Running ``nlp train`` twice on the same data gives the same heads.

Data (``../shared/data``, never committed):

* sentiment: XLM-T ``all`` (8 languages) train, with the French and English tweets
  weighted ``language_weight`` times (they are our languages, the rest teaches the
  head what sentiment looks like across languages); C chosen on French + English val;
* toxicity: TweetEval offensive train + MLMA French and English (hostile vs normal);
  C chosen on TweetEval offensive val, decision threshold from out-of-fold
  predictions on the training set (so val stays a fair test of the threshold);
* ``extra_examples``: labelled posts from users (moderation corrections), weighted
  ``extra_weight`` times; this is the hook for per-brand retraining.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..embed import ONNX_INT8, EncoderSpec
from ..features import WORD_SLOTS, Features, build_features, score_lexicon
from ..heads import LinearHead
from ..langid import detect_languages
from ..normalize import clean_for_model, lexical_tokens
from . import data as ds
from .cache import embed_cached

# Six of the twelve layers: twice the speed of the full encoder for the same accuracy
# on our validation tweets (docs/evaluation.md has both measurements).
DEFAULT_LAYERS = 6

# extra_examples = {"sentiment": [(text, "negative"), ...], "toxicity": [(text, "toxic")]}
ExtraExamples = Mapping[str, Sequence[tuple[str, str]]]
Log = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    encoder: EncoderSpec = field(
        default_factory=lambda: EncoderSpec(layers=DEFAULT_LAYERS, backend=ONNX_INT8)
    )
    features: tuple[str, ...] = ("embedding", "lexicon", "words")
    c_grid: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0)
    language_weight: float = 3.0
    # MLMA tweets were collected with hate keywords, so even its "normal" ones look
    # hostile; at full weight they cost 2 points of offensive val macro-F1.
    mlma_weight: float = 0.3
    extra_weight: float = 3.0
    # Word slots must occur in this many training posts to get a weight.
    min_df: int = 2
    folds: int = 5
    seed: int = 20240611

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "c_grid": list(self.c_grid),
            "language_weight": self.language_weight,
            "mlma_weight": self.mlma_weight,
            "min_df": self.min_df,
            "extra_weight": self.extra_weight,
            "folds": self.folds,
            "seed": self.seed,
        }


class Featurizer:
    """Texts -> feature matrix, exactly as ``engine.analyze`` builds it."""

    def __init__(self, config: TrainConfig, cache_dir: Path | None, log: Log):
        self.config, self.cache_dir, self.log = config, cache_dir, log

    def __call__(self, texts: list[str]) -> Features:
        embeddings = embed_cached(texts, self.config.encoder, self.cache_dir, self.log)
        tokens = [lexical_tokens(t) for t in texts]
        langs = detect_languages([clean_for_model(t) for t in texts])
        lexicon = score_lexicon(tokens, langs)
        return build_features(self.config.features, embeddings, lexicon, tokens)


def design_matrix(x: Features, min_df: int):
    """(matrix for scikit-learn, word slots kept); slots rarer than ``min_df`` dropped."""
    from scipy import sparse

    if x.words is None:
        return x.dense, None
    df = np.bincount(
        np.concatenate([index for index, _ in x.words.rows] or [np.zeros(0, np.int64)]),
        minlength=WORD_SLOTS,
    )
    slots = np.flatnonzero(df >= min_df)
    indptr, cols, vals = [0], [], []
    for index, values in x.words.rows:
        pos = np.minimum(np.searchsorted(slots, index), max(len(slots) - 1, 0))
        known = slots[pos] == index if len(slots) else np.zeros(len(index), dtype=bool)
        cols.append(pos[known])
        vals.append(values[known])
        indptr.append(indptr[-1] + int(known.sum()))
    words = sparse.csr_matrix(
        (np.concatenate(vals), np.concatenate(cols), np.array(indptr)),
        shape=(len(x), len(slots)),
    )
    return sparse.hstack([sparse.csr_matrix(x.dense), words]).tocsr(), slots


def fit_head(
    x: Features,
    labels: list[str],
    classes: tuple[str, ...],
    c: float,
    weights: np.ndarray | None = None,
    threshold: float = 0.5,
    min_df: int = 2,
) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    y = np.array([classes.index(label) for label in labels])
    matrix, slots = design_matrix(x, min_df)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix, y, sample_weight=weights)
    if list(model.classes_) != list(range(len(classes))):
        raise ValueError(f"training data lacks some of the classes {classes}")
    return LinearHead.from_sklearn(model, classes, threshold, x.dense.shape[1], slots)


def macro_f1(head: LinearHead, x: Features, gold: list[str]) -> float:
    from ..metrics import evaluate

    return evaluate(gold, head.predict(x), head.classes).macro_f1


def _extra(extra: ExtraExamples | None, task: str) -> ds.Labelled:
    pairs = list((extra or {}).get(task, ()))
    return ds.Labelled(
        [text for text, _ in pairs], [ds.normalise_label(lab, task) for _, lab in pairs]
    )


def train_sentiment(
    data_dir: Path, featurize: Featurizer, config: TrainConfig, extra: ExtraExamples | None
) -> tuple[LinearHead, dict[str, object]]:
    base = ds.sentiment(data_dir, "all", "train")
    ours = set(ds.sentiment(data_dir, "french", "train").texts)
    ours |= set(ds.sentiment(data_dir, "english", "train").texts)
    extra_set = _extra(extra, "sentiment")
    train = base + extra_set
    weights = np.array(
        [config.language_weight if t in ours else 1.0 for t in base.texts]
        + [config.extra_weight] * len(extra_set)
    )
    x = featurize(train.texts)
    vals = {lang: ds.sentiment(data_dir, lang, "val") for lang in ("french", "english")}
    x_vals = {lang: featurize(v.texts) for lang, v in vals.items()}
    scores: dict[str, float] = {}
    best: tuple[float, LinearHead] | None = None
    for c in config.c_grid:
        head = fit_head(x, train.labels, ds.SENTIMENT_LABELS, c, weights, min_df=config.min_df)
        mean = float(np.mean([macro_f1(head, x_vals[k], v.labels) for k, v in vals.items()]))
        scores[str(c)] = round(mean, 4)
        featurize.log(f"sentiment C={c}: mean fr/en val macro-F1 {mean:.4f}")
        if best is None or mean > best[0]:
            best = (mean, head)
    assert best is not None
    info = {"train_size": len(train), "extra": len(extra_set), "val_mean_macro_f1_by_C": scores}
    return best[1], info


def _best_threshold(proba: np.ndarray, gold: np.ndarray) -> float:
    # Macro-F1 over a grid of cut-offs; ties keep the lower (more recall) one.
    best_f1, best_t = -1.0, 0.5
    for t in np.arange(0.2, 0.71, 0.02):
        pred = proba >= t
        f1s = []
        for cls in (True, False):
            tp = np.sum((pred == cls) & (gold == cls))
            denom = np.sum(pred == cls) + np.sum(gold == cls)
            f1s.append(2 * tp / denom if denom else 0.0)
        if np.mean(f1s) > best_f1 + 1e-9:
            best_f1, best_t = float(np.mean(f1s)), round(float(t), 2)
    return best_t


def folds(n: int, k: int, seed: int) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[i::k] for i in range(k)]
