"""Linear classification heads stored as plain arrays (``.npz``, never pickle).

A head is a multinomial (or binary) logistic regression: scoring is one matrix product
and a softmax, so inference needs numpy only and a trained head weighs a few kB.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LinearHead:
    classes: tuple[str, ...]
    # (n_outputs, n_features); a binary head has one output row, scored with a sigmoid.
    coef: np.ndarray
    intercept: np.ndarray
    # Probability of the last class at which a binary head says "yes".
    threshold: float = 0.5

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per sample, columns in ``classes`` order."""
        if features.shape[1] != self.n_features:
            raise ValueError(
                f"head expects {self.n_features} features, got {features.shape[1]}: "
                "was it trained with another encoder or feature set?"
            )
        logits = features.astype(np.float64) @ self.coef.T + self.intercept
        if self.coef.shape[0] == 1:
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, features: np.ndarray) -> list[str]:
        proba = self.predict_proba(features)
        if len(self.classes) == 2:
            picks = (proba[:, 1] >= self.threshold).astype(int)
        else:
            picks = proba.argmax(axis=1)
        return [self.classes[i] for i in picks]

    def save(self, path: Path) -> None:
        np.savez(
            path,
            classes=np.array(self.classes),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            threshold=np.array(self.threshold),
        )

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                classes=tuple(str(c) for c in data["classes"]),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                threshold=float(data["threshold"]),
            )

    @classmethod
    def from_sklearn(cls, model, classes: tuple[str, ...], threshold: float = 0.5) -> LinearHead:
        """Copy the arrays out of a fitted ``LogisticRegression`` (training only)."""
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        return cls(classes=classes, coef=coef, intercept=intercept, threshold=threshold)
