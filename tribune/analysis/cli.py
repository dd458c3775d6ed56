"""``nlp`` command line: classify, eval, train, topics (stable contract, see docs/analysis.md).

Exit status: 0 success, 1 failure while running (e.g. no trained model), 2 bad input or
missing data folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from .bundle import ModelMissing
from .embed import BACKENDS, ONNX_INT8
from .training.data import DataMissing, normalise_label, read_lines

BATCH = 512


class Progress:
    """A one-line progress bar on stderr (redrawn in place on a terminal)."""

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "posts"):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.tty = self.stream.isatty()
        self._last = 0.0

    def update(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if self.done < self.total and now - self._last < (0.2 if self.tty else 5.0):
            return
        self._last = now
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        rate = self.done / max(now - self.start, 1e-9)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
        line += f"{self.label} ({rate:.0f}/s)"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _classify(args: argparse.Namespace) -> int:
    from .engine import analyze, analyze_fast

    texts = read_lines(Path(args.input))
    progress = Progress(len(texts))
    with open(args.output, "w", encoding="utf-8") as out:
        for start in range(0, len(texts), args.batch_size):
            batch = texts[start : start + args.batch_size]
            if args.fast:
                results = analyze_fast(batch)
            else:
                results = analyze(batch, model_dir=args.model_dir, keywords=False)
            for result in results:
                out.write(json.dumps(result.classify_dict(), ensure_ascii=False) + "\n")
            progress.update(len(batch))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from .metrics import format_report
    from .training.evaluate import evaluate_engine

    texts = read_lines(Path(args.texts))
    try:
        gold = [normalise_label(v, args.task) for v in read_lines(Path(args.labels))]
    except ValueError as exc:
        print(f"nlp eval: {exc}", file=sys.stderr)
        return 2
    if len(texts) != len(gold):
        print(f"nlp eval: {len(texts)} texts but {len(gold)} labels", file=sys.stderr)
        return 2
    for engine in args.engine:
        report = evaluate_engine(args.task, texts, gold, engine, args.model_dir)
        if args.json:
            print(json.dumps({"engine": engine, "task": args.task, **report.to_dict()}))
        else:
            print(format_report(report, f"== {args.task} / engine: {engine} / {len(texts)} texts"))
    return 0


def _brand(slug: str):  # type: ignore[no-untyped-def]
    """The brand for ``--brand SLUG`` (needs Django: run through ``tribune nlp``)."""
    from django.apps import apps

    if not apps.ready:
        raise BrandError("--brand needs the database: run it as `tribune nlp ...`")
    from tribune.accounts.models import Brand

    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        raise BrandError(f"no brand with the slug {slug!r}")
    return brand


class BrandError(Exception):
    pass


def _version_line(model) -> str:  # type: ignore[no-untyped-def]
    parts = [f"v{model.version}", "ACTIVE" if model.active else "      "]
    parts.append(model.created_at.strftime("%Y-%m-%d %H:%M UTC"))
    for task in ("sentiment", "toxicity"):
        m = model.metrics.get(task, {})
        text = f"{task}: {m.get('corrections', 0)} corrections"
        if m.get("corrections"):
            text += (
                f", fit {m['fit_on_corrections']:.2f} (default {m['default_on_corrections']:.2f})"
            )
            if m.get("cross_validated") is not None:
                text += f", held-out {m['cross_validated']:.2f}"
            if m.get("agreement_with_default") is not None:
                text += f", agrees with default {m['agreement_with_default']:.2f}"
        parts.append(text)
    return "  ".join(parts)


def _train_brand(args: argparse.Namespace) -> int:
    from .brand_models import NothingToTrain, do_train_brand_model

    brand = _brand(args.brand)
    try:
        model = do_train_brand_model(brand, activate=not args.no_activate, note=args.note or "")
    except NothingToTrain as exc:
        print(f"nlp train: {exc}", file=sys.stderr)
        return 2
    state = "active" if model.active else "not activated"
    print(f"brand {brand.slug}: model v{model.version} stored ({state})")
    print(_version_line(model))
    return 0


def _models(args: argparse.Namespace) -> int:
    from .brand_models import versions

    brand = _brand(args.brand)
    rows = versions(brand)
    if args.json:
        for m in rows:
            print(
                json.dumps(
                    {
                        "version": m.version,
                        "active": m.active,
                        "created_at": m.created_at.isoformat(),
                        "encoder": m.encoder_key,
                        "metrics": m.metrics,
                    }
                )
            )
        return 0
    if not rows:
        print(f"brand {brand.slug}: no trained version; the default model is used")
        return 0
    if not any(m.active for m in rows):
        print(f"brand {brand.slug}: no active version; the default model is used")
    for m in rows:
        print(_version_line(m))
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from .brand_models import CorrectionError, do_rollback

    brand = _brand(args.brand)
    target = None
    if args.to is not None:
        if args.to.lower() in ("default", "0", "v0"):
            target = 0
        elif args.to.lower().lstrip("v").isdigit():
            target = int(args.to.lower().lstrip("v"))
        else:
            print(f"nlp rollback: --to takes a version number or 'default', not {args.to!r}")
            return 2
    try:
        model = do_rollback(brand, to=target)
    except CorrectionError as exc:
        print(f"nlp rollback: {exc}", file=sys.stderr)
        return 2
    if model is None:
        print(f"brand {brand.slug}: back to the default model")
    else:
        print(f"brand {brand.slug}: model v{model.version} is active")
    return 0


def _train(args: argparse.Namespace) -> int:
    if args.brand:
        return _train_brand(args)
    from .embed import EncoderSpec
    from .training.data import default_data_dir
    from .training.fit import TrainConfig
    from .training.pipeline import train

    data_dir = Path(args.data) if args.data else default_data_dir()
    if not data_dir.is_dir():
        print(
            f"nlp train: data folder {data_dir} is absent; nothing to train on. Pass --data "
            "DIR (or set TRIBUNE_DATA_DIR) pointing at the shared data set.",
            file=sys.stderr,
        )
        return 2
    config = TrainConfig(encoder=EncoderSpec(layers=args.layers, backend=args.backend))
    extra = _read_extra(Path(args.extra)) if args.extra else None
    bundle = train(
        data_dir,
        Path(args.out) if args.out else None,
        extra_examples=extra,
        config=config,
        cache_dir=Path(args.cache) if args.cache else None,
        log=lambda msg: print(msg, file=sys.stderr),
        command="nlp " + " ".join(args.raw),
        evaluate_after=not args.no_eval,
    )
    print(f"model written to {bundle.path}")
    validation = bundle.manifest.get("validation")
    if isinstance(validation, dict):
        for key, report in validation.items():
            print(f"{key}: macro-F1 {report['macro_f1']:.4f}")
    return 0


def _read_extra(path: Path) -> dict[str, list[tuple[str, str]]]:
    """JSON lines ``{"task": "sentiment"|"toxicity", "text": ..., "label": ...}``."""
    extra: dict[str, list[tuple[str, str]]] = {"sentiment": [], "toxicity": []}
    for line in read_lines(path):
        if line.strip():
            row = json.loads(line)
            extra[row["task"]].append((row["text"], str(row["label"])))
    return extra


def _topics(args: argparse.Namespace) -> int:
    from .topics import find_topics

    texts = [t for t in read_lines(Path(args.input)) if t.strip()]
    for topic in find_topics(texts, n_topics=args.n):
        print(json.dumps(topic.to_dict(), ensure_ascii=False))
    return 0


def build_parser(prog: str = "nlp") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Tribune text analytics")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("classify", help="one JSON object per input line")
    p.add_argument("--input", required=True, help="UTF-8 file, one text per line")
    p.add_argument("--output", required=True, help="JSON lines, same order as input")
    p.add_argument("--model-dir", help="model directory (default: packaged model)")
    p.add_argument("--batch-size", type=int, default=BATCH)
    p.add_argument("--fast", action="store_true", help="lexicon-only fast path")
    p.set_defaults(func=_classify)

    p = sub.add_parser("eval", help="macro-F1, per-class precision/recall, confusion")
    p.add_argument("--task", required=True, choices=("sentiment", "toxicity"))
    p.add_argument("--texts", required=True)
    p.add_argument("--labels", required=True, help="0/1/2 (sentiment), 0/1 (toxicity) or words")
    p.add_argument(
        "--engine",
        action="append",
        choices=("model", "lexicon", "vader"),
        help="repeat to compare engines in one run (default: model)",
    )
    p.add_argument("--model-dir")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_eval)

    p = sub.add_parser("train", help="retrain the heads reproducibly")
    p.add_argument("--data", help="data folder (default: ../shared/data or TRIBUNE_DATA_DIR)")
    p.add_argument("--out", help="model directory to write (default: packaged model)")
    p.add_argument("--layers", type=int, default=6, help="encoder layers kept (1-12)")
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default=ONNX_INT8,
        help="encoder engine the heads are trained with (default: onnx-int8)",
    )
    p.add_argument("--cache", help="embedding cache folder (default ~/.cache/tribune)")
    p.add_argument("--extra", help="extra labelled examples, JSON lines task/text/label")
    p.add_argument("--no-eval", action="store_true", help="skip the validation run")
    p.add_argument(
        "--brand",
        metavar="SLUG",
        help="train a new version for this brand from its corrections (no data folder needed)",
    )
    p.add_argument("--no-activate", action="store_true", help="with --brand: keep it inactive")
    p.add_argument("--note", help="with --brand: a note stored with the version")
    p.set_defaults(func=_train)

    p = sub.add_parser("models", help="a brand's model versions and their metrics")
    p.add_argument("--brand", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true", help="one JSON object per version")
    p.set_defaults(func=_models)

    p = sub.add_parser("rollback", help="activate a brand's previous (or given) version")
    p.add_argument("--brand", required=True, metavar="SLUG")
    p.add_argument("--to", help="version number, or 'default' for the default model")
    p.set_defaults(func=_rollback)

    p = sub.add_parser("topics", help="cluster posts into labelled topics")
    p.add_argument("--input", required=True)
    p.add_argument("-n", type=int, default=0, help="number of topics (0: automatic)")
    p.set_defaults(func=_topics)
    return parser


def main(argv: list[str] | None = None, prog: str = "nlp") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.raw = argv
    if getattr(args, "engine", None) is None and args.command == "eval":
        args.engine = ["model"]
    try:
        return args.func(args)
    except (DataMissing, FileNotFoundError) as exc:
        print(f"nlp {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrandError as exc:
        print(f"nlp {args.command}: {exc}", file=sys.stderr)
        return 2
    except ModelMissing as exc:
        print(f"nlp {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
