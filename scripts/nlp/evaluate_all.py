"""Every acceptance figure of the text analytics engine, in one run, as Markdown.

    .venv/bin/python scripts/nlp/evaluate_all.py [--model-dir DIR] [--data DIR]

Runs on the validation splits of ../shared/data (the test splits are held back):
sentiment on XLM-T French and English val with the model, our lexicon and stock
vaderSentiment; toxicity on TweetEval offensive (and hate, for information) val;
language id on the French and English val tweets; and copies the held-out MLMA
figures that ``nlp train`` computed on out-of-fold predictions. Exits 2 without data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tribune.analysis.bundle import load_bundle  # noqa: E402
from tribune.analysis.langid import detect_languages  # noqa: E402
from tribune.analysis.metrics import Report  # noqa: E402
from tribune.analysis.normalize import clean_for_model  # noqa: E402
from tribune.analysis.training import data as ds  # noqa: E402
from tribune.analysis.training.evaluate import evaluate_engine  # noqa: E402


def row(name: str, report: Report) -> str:
    per_class = ", ".join(f"{c.label} P {c.precision:.3f} R {c.recall:.3f}" for c in report.classes)
    return f"| {name} | {report.macro_f1:.4f} | {report.accuracy:.4f} | {per_class} |"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir")
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"data folder {args.data} is absent; nothing to evaluate", file=sys.stderr)
        return 2
    bundle = load_bundle(args.model_dir)
    print(f"model: {bundle.path} (encoder {bundle.encoder.key}, features {bundle.features})\n")
    print("| split / engine | macro-F1 | accuracy | per class |")
    print("| --- | --- | --- | --- |")
    for lang in ("french", "english"):
        val = ds.sentiment(args.data, lang, "val")
        for engine in ("model", "lexicon", "vader"):
            report = evaluate_engine("sentiment", val.texts, val.labels, engine, args.model_dir)
            print(row(f"sentiment {lang} val / {engine}", report))
    for task in ("offensive", "hate"):
        val = ds.tweeteval(args.data, task, "val")
        for engine in ("model", "lexicon"):
            report = evaluate_engine("toxicity", val.texts, val.labels, engine, args.model_dir)
            print(row(f"toxicity {task} val / {engine}", report))
    print()
    for lang, code in (("french", "fr"), ("english", "en")):
        texts = ds.sentiment(args.data, lang, "val").texts
        found = detect_languages([clean_for_model(t) for t in texts])
        correct = sum(f == code for f in found)
        undetermined = found.count("und")
        print(
            f"language id, {lang} val: {correct}/{len(texts)} = {correct / len(texts):.4f} "
            f"({undetermined} und)"
        )
    held_out = bundle.manifest.get("training", {}).get("toxicity", {}).get("out_of_fold", {})
    for name, report in held_out.items():
        toxic = report["classes"]["toxic"]
        normal = report["classes"]["non-toxic"]
        print(
            f"held-out folds, {name}: toxic recall {toxic['recall']:.4f}, precision "
            f"{toxic['precision']:.4f}; non-toxic recall {normal['recall']:.4f}; "
            f"macro-F1 {report['macro_f1']:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
