"""Embedding cache for training runs.

Embedding the ~40,000 training tweets takes minutes on two cores; the heads take
seconds. Caching the embeddings lets people iterate on the heads and rerun
``nlp train`` cheaply. The cache is keyed per encoder and per normalised text (so a
change in normalisation re-embeds only the posts it changes), holds derived numbers
only, lives outside the repository by default, and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..embed import DIM, EncoderSpec, embed
from ..normalize import clean_for_model


def default_cache_dir() -> Path:
    env = os.environ.get("TRIBUNE_CACHE_DIR")
    base = Path(env) if env else Path.home() / ".cache" / "tribune"
    return base / "analysis"


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class EmbeddingStore:
    """``{text digest: vector}`` for one encoder, saved as one ``.npz`` of arrays."""

    def __init__(self, path: Path):
        self.path = path
        self.index: dict[bytes, int] = {}
        self.vectors = np.zeros((0, DIM), dtype=np.float32)
        if path.is_file():
            with np.load(path, allow_pickle=False) as data:
                keys, self.vectors = data["keys"], data["vectors"]
            self.index = {bytes(k): i for i, k in enumerate(keys)}

    def add(self, keys: list[bytes], vectors: np.ndarray) -> None:
        start = len(self.vectors)
        self.vectors = np.vstack([self.vectors, vectors.astype(np.float32)])
        for offset, key in enumerate(keys):
            self.index[key] = start + offset

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.zeros((len(self.index), 16), dtype=np.uint8)
        for key, row in self.index.items():
            keys[row] = np.frombuffer(key, dtype=np.uint8)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(tmp, keys=keys, vectors=self.vectors)
        tmp.replace(self.path)


def embed_cached(
    texts: list[str],
    spec: EncoderSpec,
    cache_dir: Path | None,
    log: Callable[[str], None] = lambda _msg: None,
) -> np.ndarray:
    """Embeddings of the normalised ``texts``, read from / added to ``cache_dir``."""
    cleaned = [clean_for_model(t) for t in texts]
    if cache_dir is None:
        return embed(cleaned, spec)
    store = EmbeddingStore(cache_dir / f"{spec.key}.npz")
    keys = [_key(t) for t in cleaned]
    missing = list(
        dict.fromkeys(t for t, k in zip(cleaned, keys, strict=True) if k not in store.index)
    )
    if missing:
        log(f"embedding {len(missing)} new texts with {spec.key} (cache: {store.path})")
        done = 0

        def progress(n: int) -> None:
            nonlocal done
            done += n
            if done % 2048 < n or done == len(missing):
                log(f"  {done}/{len(missing)}")

        # Chunks of 4096 are saved as they finish, so an interrupted run resumes.
        for start in range(0, len(missing), 4096):
            chunk = missing[start : start + 4096]
            store.add([_key(t) for t in chunk], embed(chunk, spec, progress=progress))
            store.save()
    return store.vectors[[store.index[k] for k in keys]]
