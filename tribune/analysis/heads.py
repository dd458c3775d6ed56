"""Linear classification heads stored as plain arrays (``.npz``, never pickle).

A head is a multinomial (or binary) logistic regression: scoring is one matrix product
(plus a gather for the hashed-word slots) and a softmax, so inference needs numpy only.
Word weights are stored only for the slots seen in training, which keeps a head small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .features import Features, SparseRows


@dataclass(frozen=True)
class LinearHead:
    classes: tuple[str, ...]
    # (n_outputs, n_features); a binary head has one output row, scored with a sigmoid.
    coef: np.ndarray
    intercept: np.ndarray
    # Probability of the last class at which a binary head says "yes".
    threshold: float = 0.5
    # Hashed-word weights: sorted slot numbers and their (n_outputs, n_slots) weights.
    word_index: np.ndarray | None = None
    word_coef: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    def predict_proba(self, features: Features | np.ndarray) -> np.ndarray:
        """Class probabilities, one row per sample, columns in ``classes`` order."""
        if isinstance(features, np.ndarray):
            features = Features(features)
        dense = features.dense
        if dense.shape[1] != self.n_features:
            raise ValueError(
                f"head expects {self.n_features} features, got {dense.shape[1]}: "
                "was it trained with another encoder or feature set?"
            )
        logits = dense.astype(np.float64) @ self.coef.T + self.intercept
        if self.word_index is not None:
            if features.words is None:
                raise ValueError("head expects word features")
            logits += self._word_logits(features.words)
        if self.coef.shape[0] == 1:
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def _word_logits(self, words: SparseRows) -> np.ndarray:
        assert self.word_index is not None and self.word_coef is not None
        n, outputs = len(words), self.coef.shape[0]
        out = np.zeros((n, outputs))
        if not n or not len(self.word_index):
            return out
        lengths = [len(index) for index, _ in words.rows]
        if not sum(lengths):
            return out
        slots = np.concatenate([index for index, _ in words.rows])
        values = np.concatenate([value for _, value in words.rows])
        row_of = np.repeat(np.arange(n), lengths)
        pos = np.minimum(np.searchsorted(self.word_index, slots), len(self.word_index) - 1)
        known = self.word_index[pos] == slots
        contrib = self.word_coef[:, pos[known]] * values[known]
        for j in range(outputs):
            out[:, j] = np.bincount(row_of[known], weights=contrib[j], minlength=n)
        return out

    def predict(self, features: Features | np.ndarray) -> list[str]:
        proba = self.predict_proba(features)
        if len(self.classes) == 2:
            picks = (proba[:, 1] >= self.threshold).astype(int)
        else:
            picks = proba.argmax(axis=1)
        return [self.classes[i] for i in picks]

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **self.arrays())

    def arrays(self) -> dict[str, Any]:
        """The head as named arrays (what ``save`` writes, and brand model blobs hold)."""
        arrays: dict[str, Any] = {
            "classes": np.array(self.classes),
            "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "threshold": np.array(self.threshold),
        }
        if self.word_index is not None and self.word_coef is not None:
            arrays["word_index"] = self.word_index.astype(np.int32)
            arrays["word_coef"] = self.word_coef.astype(np.float16)  # ample precision
        return arrays

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        with np.load(path, allow_pickle=False) as data:
            return cls.from_arrays({key: data[key] for key in data.files})

    @classmethod
    def from_arrays(cls, data: Mapping[str, np.ndarray]) -> LinearHead:
        return cls(
            classes=tuple(str(c) for c in data["classes"]),
            coef=data["coef"].astype(np.float64),
            intercept=data["intercept"].astype(np.float64),
            threshold=float(data["threshold"]),
            word_index=data["word_index"].astype(np.int64) if "word_index" in data else None,
            word_coef=data["word_coef"].astype(np.float64) if "word_coef" in data else None,
        )

    @classmethod
    def from_sklearn(
        cls,
        model,
        classes: tuple[str, ...],
        threshold: float = 0.5,
        n_dense: int | None = None,
        word_slots: np.ndarray | None = None,
    ) -> LinearHead:
        """Copy the arrays out of a fitted ``LogisticRegression`` (training only).

        With ``word_slots``, the columns after ``n_dense`` are the weights of those
        hashed-word slots; slots whose weights are all negligible are dropped.
        """
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if word_slots is None:
            return cls(classes=classes, coef=coef, intercept=intercept, threshold=threshold)
        dense, words = coef[:, :n_dense], coef[:, n_dense:]
        keep = np.abs(words).max(axis=0) >= 1e-3
        return cls(classes, dense, intercept, threshold, word_slots[keep], words[:, keep])
