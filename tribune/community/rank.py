"""Influence ranking on large edge lists: PageRank with igraph, fast parsing with numpy.

An edge list is a text file with one ``source target`` pair per line (integers, any
whitespace; an optional third column is a weight; lines starting with ``#`` or ``%`` are
comments), like the SNAP graphs. Node ids may be any 63-bit integers: they are mapped to
dense vertex indices with ``numpy.unique`` and mapped back in the results.

No Django here: ``tribune community rank`` and the benchmark call these functions.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DAMPING = 0.85


class EdgeListError(ValueError):
    """The file is not an edge list this reader understands (message for people)."""


@dataclass
class EdgeList:
    ids: np.ndarray  # original node id of each vertex index (sorted, int64)
    edges: np.ndarray  # (m, 2) vertex indices
    weights: np.ndarray | None  # (m,) float64, or None

    @property
    def node_count(self) -> int:
        return len(self.ids)


def _strip_comments(data: bytes) -> bytes:
    if b"#" not in data and b"%" not in data:
        return data
    return b"\n".join(
        line for line in data.splitlines() if not line.lstrip().startswith((b"#", b"%"))
    )


def parse_edges(data: bytes) -> EdgeList:
    """Parse the bytes of an edge list (see module docstring)."""
    data = _strip_comments(data)
    first = next((line for line in data.splitlines() if line.strip()), b"")
    columns = len(first.split())
    if columns == 0:
        return EdgeList(np.empty(0, np.int64), np.empty((0, 2), np.int64), None)
    if columns not in (2, 3):
        raise EdgeListError(
            f"Each line must hold two node ids (and optionally a weight); found {columns} columns."
        )
    flat = _numbers(data, np.int64 if columns == 2 else np.float64)
    if flat.size % columns:
        raise EdgeListError(_SHAPE[columns])
    if columns == 2:
        pairs = flat.reshape(-1, 2)
        weights = None
    else:
        table = flat.reshape(-1, 3)
        pairs = table[:, :2].astype(np.int64)
        if not np.array_equal(pairs, table[:, :2]):
            raise EdgeListError("Node ids must be integers.")
        weights = table[:, 2]
        if (weights < 0).any():
            raise EdgeListError("Weights must not be negative.")
    # unique + searchsorted is about 3x faster than unique(return_inverse=True).
    ids = np.unique(pairs)
    return EdgeList(ids, np.searchsorted(ids, pairs), weights)


_SHAPE = {
    2: "Each line must hold two integer node ids.",
    3: "Each line must hold two integer node ids and a weight.",
}


def _numbers(data: bytes, dtype: type) -> np.ndarray:
    """Every number in ``data``. ``np.fromstring`` with a separator parses in C (about 10x
    faster than ``loadtxt``) but stops quietly at the first token that is not a number,
    so the count is checked against the tokens."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # older numpy: a warning
            flat: np.ndarray = np.fromstring(data, dtype=dtype, sep=" ")  # type: ignore[call-overload]
    except ValueError:
        flat = np.empty(0, dtype=dtype)
    # Quick check: tokens = 2 or 3 per line; exact count only when it does not add up.
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if flat.size in (2 * lines, 3 * lines):
        return flat
    tokens = data.split()
    if flat.size != len(tokens):
        bad = tokens[flat.size].decode(errors="replace")[:40] if flat.size < len(tokens) else ""
        raise EdgeListError(f"Node ids must be numbers; found {bad!r}.")
    return flat


def read_edges(path: str | Path) -> EdgeList:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EdgeListError(f"Cannot read {path}: {exc.strerror or exc}") from None
    return parse_edges(data)


def pagerank(edge_list: EdgeList, *, directed: bool = True, damping: float = DAMPING) -> np.ndarray:
    """PageRank of every vertex (sums to 1). Repeated edges count once (weights are summed)
    and self-loops are dropped (nobody gains influence by citing themselves)."""
    import igraph

    graph = igraph.Graph(n=edge_list.node_count, edges=edge_list.edges, directed=directed)
    if edge_list.weights is not None:
        graph.es["weight"] = edge_list.weights
        graph.simplify(multiple=True, loops=True, combine_edges="sum")
        scores = graph.pagerank(directed=directed, damping=damping, weights="weight")
    else:
        graph.simplify(multiple=True, loops=True)
        scores = graph.pagerank(directed=directed, damping=damping)
    return np.asarray(scores, dtype=np.float64)


def top(edge_list: EdgeList, scores: np.ndarray, n: int) -> list[tuple[int, float]]:
    n = max(0, min(n, len(scores)))
    if n == 0:
        return []
    picked = np.argpartition(-scores, n - 1)[:n]
    # Highest score first; ties by node id so the output is stable.
    order = sorted(picked.tolist(), key=lambda i: (-scores[i], int(edge_list.ids[i])))
    return [(int(edge_list.ids[i]), float(scores[i])) for i in order]


def build_parser(prog: str = "tribune community") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Community analytics.")
    sub = parser.add_subparsers(dest="command", required=True)
    rank = sub.add_parser(
        "rank", help="PageRank of an edge list; prints JSON lines {node, score}, best first."
    )
    rank.add_argument("--edges", required=True, help="edge list file: 'source target' per line")
    rank.add_argument("--top", type=int, default=20, help="how many nodes to print (default 20)")
    rank.add_argument("--undirected", action="store_true", help="treat edges as undirected")
    rank.add_argument("--damping", type=float, default=DAMPING, help="damping factor (0.85)")
    return parser


def main(argv: list[str] | None = None, prog: str = "tribune community") -> int:
    args = build_parser(prog).parse_args(argv)
    if args.top < 1:
        print("--top must be at least 1.", file=sys.stderr)
        return 2
    if not 0 < args.damping < 1:
        print("--damping must be between 0 and 1.", file=sys.stderr)
        return 2
    try:
        edge_list = read_edges(args.edges)
    except EdgeListError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if edge_list.node_count == 0:
        print(f"{args.edges} holds no edges.", file=sys.stderr)
        return 2
    scores = pagerank(edge_list, directed=not args.undirected, damping=args.damping)
    out = sys.stdout
    for node, score in top(edge_list, scores, args.top):
        out.write(json.dumps({"node": node, "score": round(score, 10)}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
