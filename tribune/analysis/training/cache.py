"""Embedding cache for training runs.

Embedding the ~50,000 training tweets takes minutes on two cores; the heads take
seconds. Caching the embeddings (keyed by encoder and exact text list) lets people
iterate on the heads and rerun ``nlp train`` cheaply. The cache holds derived numbers
only, lives outside the repository by default, and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..embed import EncoderSpec, embed
from ..normalize import clean_for_model


def default_cache_dir() -> Path:
    env = os.environ.get("TRIBUNE_CACHE_DIR")
    base = Path(env) if env else Path.home() / ".cache" / "tribune"
    return base / "analysis"


def embed_cached(
    texts: list[str],
    spec: EncoderSpec,
    cache_dir: Path | None,
    log: Callable[[str], None] = lambda _msg: None,
) -> np.ndarray:
    """Embeddings of the normalised ``texts``, read from / written to ``cache_dir``."""
    cleaned = [clean_for_model(t) for t in texts]
    if cache_dir is None:
        return embed(cleaned, spec)
    digest = hashlib.sha256("\x00".join(cleaned).encode("utf-8")).hexdigest()[:20]
    path = cache_dir / f"{spec.key}-{digest}.npy"
    if path.is_file():
        return np.load(path, allow_pickle=False)
    log(f"embedding {len(texts)} texts with {spec.key} (cached in {cache_dir})")
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done % 2048 < n or done == len(texts):
            log(f"  {done}/{len(texts)}")

    vectors = embed(cleaned, spec, progress=progress)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors
