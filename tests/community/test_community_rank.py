"""``tribune community rank``: PageRank on an edge list, checked against networkx."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from tribune.community.rank import EdgeListError, main, pagerank, parse_edges, read_edges, top

ROOT = Path(__file__).resolve().parents[2]

# A small directed graph with ids that are large and sparse, a duplicate edge, a self
# loop, a dangling node (40000000000 has no out-edge) and two components.
EDGES = """# comment line
1001 2002
1001 3003
2002 3003
3003 1001
4004 3003
4004 3003
5005 5005
5005 40000000000
6006 7007
7007 6006
2002 40000000000
"""


@pytest.fixture
def edge_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.edges"
    path.write_text(EDGES)
    return path


def _networkx_scores(text: str) -> dict[int, float]:
    graph = nx.DiGraph()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            a, b = (int(x) for x in line.split()[:2])
            graph.add_edge(a, b)
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    return nx.pagerank(graph, alpha=0.85, tol=1e-10, max_iter=1000)


def test_scores_match_networkx(edge_file: Path) -> None:
    edge_list = read_edges(edge_file)
    scores = pagerank(edge_list)
    expected = _networkx_scores(EDGES)
    assert sorted(expected) == edge_list.ids.tolist()
    for i, node in enumerate(edge_list.ids.tolist()):
        assert scores[i] == pytest.approx(expected[node], rel=1e-5), node
    assert scores.sum() == pytest.approx(1.0)
    ranked = top(edge_list, scores, 3)
    assert [n for n, _s in ranked] == sorted(expected, key=lambda n: -expected[n])[:3]


def test_cli_prints_json_lines_best_first(edge_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["rank", "--edges", str(edge_file), "--top", "4"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 4 and set(rows[0]) == {"node", "score"}
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    expected = _networkx_scores(EDGES)
    assert rows[0]["node"] == max(expected, key=lambda n: expected[n])
    assert isinstance(rows[0]["node"], int)


def test_tribune_command_runs_end_to_end(edge_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tribune.cli", "community", "rank", "--edges", str(edge_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 8  # --top 20 on 8 nodes prints them all


def test_weights_column_is_used() -> None:
    heavy = parse_edges(b"1 2 10\n1 3 1\n2 1 1\n3 1 1\n")
    scores = dict(zip(heavy.ids.tolist(), pagerank(heavy).tolist(), strict=True))
    assert scores[2] > scores[3]
    graph = nx.DiGraph()
    graph.add_weighted_edges_from([(1, 2, 10), (1, 3, 1), (2, 1, 1), (3, 1, 1)])
    expected = nx.pagerank(graph, tol=1e-10, max_iter=1000)
    assert scores[2] == pytest.approx(expected[2], rel=1e-5)


@pytest.mark.parametrize(
    "text,message",
    [
        (b"1 2\n3 x\n", "must be numbers"),
        (b"1 2 3 4\n", "two node ids"),
        (b"1 2 -1\n2 1 1\n", "negative"),
    ],
)
def test_bad_input_is_explained(text: bytes, message: str) -> None:
    with pytest.raises(EdgeListError, match=message):
        parse_edges(text)


def test_cli_errors_are_sentences(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["rank", "--edges", str(tmp_path / "missing")]) == 2
    assert "Cannot read" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.write_text("# nothing\n")
    assert main(["rank", "--edges", str(empty)]) == 2
    assert "holds no edges" in capsys.readouterr().err


def test_both_entry_points(edge_file: Path, capsys: pytest.CaptureFixture) -> None:
    from django.core.management import call_command

    from tribune.cli import main as tribune

    with pytest.raises(SystemExit) as done:
        tribune(["community", "rank", "--edges", str(edge_file), "--top", "2"])  # fast path
    assert done.value.code == 0
    fast = capsys.readouterr().out
    call_command("community", "rank", "--edges", str(edge_file), "--top", "2")  # manage.py
    assert capsys.readouterr().out == fast and len(fast.splitlines()) == 2
