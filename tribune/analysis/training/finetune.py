"""Fold a brand's human corrections into the heads, without the shared data set.

A brand model is the default model's heads *moved* towards the brand's corrections:
we minimise, over the head weights ``θ`` (dense weights, bias, and the hashed-word
weights of the words that appear in the corrections),

    Σ_i w_i · cross-entropy(label_i, head_θ(text_i))  +  (λ / 2) · ‖θ − θ_default‖²

with L-BFGS. The penalty anchors every weight to the default model, so a handful of
corrections changes the verdict on those posts and on posts written like them, while
the rest of the model stays where it was (the "agreement with the default model"
metric on a fixed set of generic posts checks it for every version).

e5 sentence vectors all point roughly the same way, so moving the weights towards one
corrected post moves every post: the penalty alone let three corrections change a third
of the verdicts on unrelated tweets. A *keep set* fixes that: posts nobody corrected
(generic posts shipped with Tribune and the brand's own recent posts) enter the loss with
the default model's probabilities as soft targets, so the optimiser looks for the change
that moves the corrected posts while leaving the others alone.

Weighting (``FineTuneConfig``, chosen with ``scripts/nlp/brand_simulation.py``, numbers
in docs/evaluation.md): each correction weighs ``weight`` = 1, each keep post
``keep_weight`` = 1 (at least ``keep_min_total`` = 20 in all), λ = ``strength`` = 1; a
binary head is fitted around its own decision threshold. On corrections of *random*
model errors (noisy tweets) the head follows 20–40 % of them and loses 1–2 points of
macro-F1 on held-out tweets: the fine-tune is deliberately conservative, it needs several
corrections in the same vein to move. The exact corrected posts (and their copies) get
the human verdict anyway through the brand model's overrides (``engine.override_key``).

Everything here is pure numpy/scipy: no database, no data folder; it runs in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..features import Features
from ..heads import LinearHead


@dataclass(frozen=True)
class FineTuneConfig:
    weight: float = 1.0  # per correction
    strength: float = 1.0  # λ, pull towards the default weights
    keep_weight: float = 1.0  # per post whose verdict we keep (as much as a correction)
    keep_min_total: float = 20.0  # ... but at least this much in all
    max_iter: int = 300
    cv_folds: int = 5  # cross-validated accuracy when a task has ≥ cv_min corrections
    cv_min: int = 10

    def to_dict(self) -> dict[str, object]:
        return {
            "weight": self.weight,
            "strength": self.strength,
            "keep_weight": self.keep_weight,
            "keep_min_total": self.keep_min_total,
            "max_iter": self.max_iter,
        }


def _word_matrix(features: Features, slots: np.ndarray):
    from scipy import sparse

    n = len(features)
    if features.words is None or not len(slots):
        return sparse.csr_matrix((n, 0))
    indptr, cols, vals = [0], [], []
    for index, values in features.words.rows:
        pos = np.searchsorted(slots, index)
        cols.append(pos)
        vals.append(values)
        indptr.append(indptr[-1] + len(index))
    return sparse.csr_matrix(
        (np.concatenate(vals), np.concatenate(cols), np.array(indptr)), shape=(n, len(slots))
    )


def _slots_of(features: Features) -> np.ndarray:
    if features.words is None or not len(features.words):
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate([index for index, _ in features.words.rows]))


def _base_word_weights(head: LinearHead, slots: np.ndarray) -> np.ndarray:
    outputs = head.coef.shape[0]
    out = np.zeros((outputs, len(slots)))
    if head.word_index is None or head.word_coef is None or not len(head.word_index):
        return out
    pos = np.minimum(np.searchsorted(head.word_index, slots), len(head.word_index) - 1)
    known = head.word_index[pos] == slots
    out[:, known] = head.word_coef[:, pos[known]]
    return out


def fine_tune_head(
    head: LinearHead,
    features: Features,
    labels: Sequence[str],
    config: FineTuneConfig | None = None,
    weights: np.ndarray | None = None,
    keep: Features | None = None,
) -> LinearHead:
    """A copy of ``head`` adjusted to ``labels`` (see the module docstring).

    ``keep``: posts whose current probabilities the new head should preserve (soft
    targets from ``head`` itself, each weighing ``config.keep_weight``, and at least
    ``config.keep_min_total`` in all).
    """
    from scipy import optimize, sparse

    config = config or FineTuneConfig()
    if not len(labels):
        return head
    unknown = sorted(set(labels) - set(head.classes))
    if unknown:
        raise ValueError(f"labels {unknown} are not among {head.classes}")
    n_corr = len(labels)
    w = np.full(n_corr, config.weight) if weights is None else np.asarray(weights, float)
    soft = None
    if keep is not None and len(keep):
        soft = head.predict_proba(keep)
        if head.coef.shape[0] == 1:
            # In the threshold-shifted space of the objective (see ``offset`` below).
            logit = np.log(soft[:, 1] / np.maximum(soft[:, 0], 1e-12)) - _logit(head.threshold)
            toxic = 1.0 / (1.0 + np.exp(-logit))
            soft = np.column_stack([1.0 - toxic, toxic])
        each = max(config.keep_weight, config.keep_min_total / len(keep))
        w = np.concatenate([w, np.full(len(keep), each)])
        features = _concat(features, keep)
    slots = _slots_of(features) if head.word_index is not None else np.zeros(0, np.int64)
    x = sparse.hstack(
        [sparse.csr_matrix(features.dense.astype(np.float64)), _word_matrix(features, slots)]
    ).tocsr()
    theta0 = np.hstack([head.coef, _base_word_weights(head, slots)])
    b0 = head.intercept.copy()
    outputs, width = theta0.shape
    binary = outputs == 1
    y_index = np.array([head.classes.index(label) for label in labels])
    hard = np.zeros((n_corr, len(head.classes)))
    hard[np.arange(n_corr), y_index] = 1.0
    if soft is not None:
        hard = np.vstack([hard, soft])
    target = hard[:, 1:] if binary else hard
    # A binary head says "yes" at its own threshold, not at 0.5: fit the probability
    # shifted so that 0.5 in the loss is the head's threshold.
    offset = _logit(head.threshold) if binary else 0.0
    lam = config.strength

    def objective(flat: np.ndarray) -> tuple[float, np.ndarray]:
        theta = flat[: outputs * width].reshape(outputs, width)
        bias = flat[outputs * width :]
        logits = np.asarray(x @ theta.T) + bias
        if binary:
            z = logits[:, 0] - offset
            # log(1 + e^-z) for y=1, log(1 + e^z) for y=0, computed stably
            loss_i = np.logaddexp(0.0, -z) * target[:, 0] + np.logaddexp(0.0, z) * (
                1 - target[:, 0]
            )
            proba = 1.0 / (1.0 + np.exp(-z))
            resid = (proba - target[:, 0])[:, None]
        else:
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            log_p = shifted - log_norm
            loss_i = -(target * log_p).sum(axis=1)
            resid = np.exp(log_p) - target
        d_theta, d_bias = theta - theta0, bias - b0
        loss = float(w @ loss_i) + 0.5 * lam * float((d_theta**2).sum() + (d_bias**2).sum())
        weighted = resid * w[:, None]
        grad_theta = np.asarray((x.T @ weighted).T) + lam * d_theta
        grad_bias = weighted.sum(axis=0) + lam * d_bias
        return loss, np.concatenate([grad_theta.ravel(), grad_bias])

    start = np.concatenate([theta0.ravel(), b0])
    result = optimize.minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"maxiter": config.max_iter}
    )
    flat = result.x
    theta = flat[: outputs * width].reshape(outputs, width)
    bias = flat[outputs * width :]
    n_dense = head.coef.shape[1]
    word_index, word_coef = head.word_index, head.word_coef
    if head.word_index is not None and head.word_coef is not None:
        word_index, word_coef = _merge_words(
            head.word_index, head.word_coef, slots, theta[:, n_dense:]
        )
    return LinearHead(
        classes=head.classes,
        coef=theta[:, :n_dense],
        intercept=bias,
        threshold=head.threshold,
        word_index=word_index,
        word_coef=word_coef,
    )


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def _concat(a: Features, b: Features) -> Features:
    from ..features import SparseRows

    words = None
    if a.words is not None and b.words is not None:
        words = SparseRows(a.words.rows + b.words.rows)
    return Features(np.vstack([a.dense, b.dense]), words)


def _merge_words(
    index: np.ndarray, coef: np.ndarray, slots: np.ndarray, new: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    merged = np.union1d(index, slots)
    out = np.zeros((coef.shape[0], len(merged)))
    out[:, np.searchsorted(merged, index)] = coef
    out[:, np.searchsorted(merged, slots)] = new
    return merged, out


def accuracy(head: LinearHead, features: Features, labels: Sequence[str]) -> float:
    if not len(labels):
        return 0.0
    return float(np.mean([p == g for p, g in zip(head.predict(features), labels, strict=True)]))


def cross_validated_accuracy(
    head: LinearHead,
    features: Features,
    labels: Sequence[str],
    config: FineTuneConfig,
    keep: Features | None = None,
) -> float | None:
    """Accuracy on held-out corrections (k folds, fixed order): how well the brand
    model generalises to corrections it has not seen. ``None`` below ``cv_min``."""
    n = len(labels)
    if n < config.cv_min:
        return None
    k = min(config.cv_folds, n)
    order = np.random.default_rng(20261201).permutation(n)
    right = 0
    labels = list(labels)
    for fold in range(k):
        test = order[fold::k]
        train = np.setdiff1d(order, test)
        tuned = fine_tune_head(
            head, features.subset(train), [labels[i] for i in train], config=config, keep=keep
        )
        predicted = tuned.predict(features.subset(test))
        right += sum(p == labels[i] for p, i in zip(predicted, test, strict=True))
    return right / n
