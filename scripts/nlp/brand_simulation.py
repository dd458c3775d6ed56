"""Does learning from corrections help on posts nobody corrected? A simulation.

    .venv/bin/python scripts/nlp/brand_simulation.py [--model-dir DIR] [--data DIR]

For each validation split (XLM-T French and English sentiment, TweetEval offensive),
the tweets are shuffled (fixed seed) and cut in two halves. A "moderator" corrects
every tweet of half A that the default model gets wrong (the gold label becomes the
correction); the other tweets of half A are the brand's recent posts (the keep set,
with the generic posts shipped with Tribune). The brand model is fine-tuned exactly
as ``nlp train --brand`` does, and both models are scored on half B, which neither the
corrections nor the keep set contain. Prints a Markdown table. Exits 2 without data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tribune.analysis.bundle import load_bundle  # noqa: E402
from tribune.analysis.engine import prepare  # noqa: E402
from tribune.analysis.metrics import evaluate  # noqa: E402
from tribune.analysis.training import data as ds  # noqa: E402
from tribune.analysis.training.finetune import FineTuneConfig, fine_tune_head  # noqa: E402

KEEP_FILE = Path(__file__).resolve().parents[2] / "tribune/analysis/data/keep_posts.txt"
SEED = 20261201


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir")
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    defaults = FineTuneConfig()
    parser.add_argument("--weight", type=float, default=defaults.weight)
    parser.add_argument("--strength", type=float, default=defaults.strength)
    parser.add_argument("--keep-weight", type=float, default=defaults.keep_weight)
    parser.add_argument("--keep-min-total", type=float, default=defaults.keep_min_total)
    args = parser.parse_args(argv)
    config = FineTuneConfig(
        weight=args.weight,
        strength=args.strength,
        keep_weight=args.keep_weight,
        keep_min_total=args.keep_min_total,
    )
    if not args.data.is_dir():
        print(f"data folder {args.data} is absent; nothing to simulate", file=sys.stderr)
        return 2
    bundle = load_bundle(args.model_dir)
    generic = [
        line
        for line in KEEP_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    offensive = ds.tweeteval(args.data, "offensive", "val")
    splits = [
        ("sentiment, XLM-T French val", "sentiment", ds.sentiment(args.data, "french", "val")),
        ("sentiment, XLM-T English val", "sentiment", ds.sentiment(args.data, "english", "val")),
        ("toxicity, TweetEval offensive val", "toxicity", offensive),
    ]
    print(
        "| split | corrections (half A) | corrections the brand model follows "
        "| default macro-F1 on half B | brand model on half B "
        "| same verdict as default on half B |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for title, task, split in splits:
        head = bundle.sentiment if task == "sentiment" else bundle.toxicity
        order = np.random.default_rng(SEED).permutation(len(split.texts))
        half_a, half_b = order[: len(order) // 2], order[len(order) // 2 :]
        texts = list(split.texts)
        features = prepare(texts + generic, bundle).features
        predicted = head.predict(features.subset(half_a))
        wrong = [i for i, p in zip(half_a, predicted, strict=True) if p != split.labels[i]]
        right = [i for i, p in zip(half_a, predicted, strict=True) if p == split.labels[i]]
        keep = features.subset([*right, *range(len(texts), len(texts) + len(generic))])
        tuned = fine_tune_head(
            head,
            features.subset(wrong),
            [split.labels[i] for i in wrong],
            config=config,
            keep=keep,
        )
        test = features.subset(half_b)
        gold = [split.labels[i] for i in half_b]
        before, after = head.predict(test), tuned.predict(test)
        f1_before = evaluate(gold, before, head.classes).macro_f1
        f1_after = evaluate(gold, after, head.classes).macro_f1
        same = float(np.mean([a == b for a, b in zip(before, after, strict=True)]))
        fitted = tuned.predict(features.subset(wrong))
        fit = float(np.mean([p == split.labels[i] for p, i in zip(fitted, wrong, strict=True)]))
        print(
            f"| {title} | {len(wrong)} of {len(half_a)} | {fit:.2f} | {f1_before:.4f} "
            f"| {f1_after:.4f} | {same:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
