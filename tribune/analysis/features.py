"""Feature matrices for the heads: the same code at training and at inference time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .lexicon import LexiconResult, score_tokens
from .normalize import lexical_tokens

FEATURE_BLOCKS = ("embedding", "lexicon")


def score_lexicon(texts: Sequence[str], langs: Sequence[str]) -> list[LexiconResult]:
    """Lexicon results with the detected language ("und" falls back to a guess)."""
    return [score_tokens(lexical_tokens(t), lang) for t, lang in zip(texts, langs, strict=True)]


def lexicon_block(results: Sequence[LexiconResult]) -> np.ndarray:
    if not results:
        return np.zeros((0, 4), dtype=np.float32)
    return np.asarray([r.features() for r in results], dtype=np.float32)


def build_features(
    names: Sequence[str],
    embeddings: np.ndarray,
    lexicon: Sequence[LexiconResult] | None = None,
) -> np.ndarray:
    """Concatenate the feature blocks a head was trained with, in manifest order."""
    blocks = []
    for name in names:
        if name == "embedding":
            blocks.append(embeddings.astype(np.float32))
        elif name == "lexicon":
            if lexicon is None:
                raise ValueError("this model needs lexicon features")
            blocks.append(lexicon_block(lexicon))
        else:
            raise ValueError(f"unknown feature block {name!r}")
    return np.hstack(blocks) if len(blocks) > 1 else blocks[0]
