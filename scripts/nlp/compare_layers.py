"""How many encoder layers: sentiment quality and embedding speed per depth.

    .venv/bin/python scripts/nlp/compare_layers.py [--layers 4 6 12] [--data DIR]

A smaller protocol than ``nlp train`` so that it runs in minutes on two cores: the
sentiment head (all feature blocks, C grid as in training) is trained on the French +
English XLM-T train tweets only and scored on their val splits. Embeddings go through
the training cache, so reruns are quick. Exits 2 without the data folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tribune.analysis.embed import EncoderSpec, embed  # noqa: E402
from tribune.analysis.normalize import clean_for_model  # noqa: E402
from tribune.analysis.training import data as ds  # noqa: E402
from tribune.analysis.training.cache import default_cache_dir  # noqa: E402
from tribune.analysis.training.fit import (  # noqa: E402
    Featurizer,
    TrainConfig,
    fit_head,
    macro_f1,
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, nargs="+", default=[4, 6, 12])
    parser.add_argument("--data", type=Path, default=ds.default_data_dir())
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"data folder {args.data} is absent; nothing to compare", file=sys.stderr)
        return 2
    train = ds.sentiment(args.data, "french", "train") + ds.sentiment(args.data, "english", "train")
    vals = {lang: ds.sentiment(args.data, lang, "val") for lang in ("french", "english")}
    timing = [clean_for_model(t) for t in ds.sentiment(args.data, "all", "val").texts[:600]]
    print("| layers | French val | English val | best C | posts/s (600 tweets) |")
    print("| --- | --- | --- | --- | --- |")
    for layers in args.layers:
        config = TrainConfig(encoder=EncoderSpec(layers=layers))
        featurize = Featurizer(config, default_cache_dir(), lambda m: print(m, file=sys.stderr))
        x = featurize(train.texts)
        x_vals = {lang: featurize(v.texts) for lang, v in vals.items()}
        best = None
        for c in config.c_grid:
            head = fit_head(x, train.labels, ds.SENTIMENT_LABELS, c)
            scores = [macro_f1(head, x_vals[lang], v.labels) for lang, v in vals.items()]
            if best is None or sum(scores) > sum(best[0]):
                best = (scores, c)
        assert best is not None
        embed(timing[:8], config.encoder)  # load outside the timed part
        start = time.perf_counter()
        embed(timing, config.encoder)
        speed = len(timing) / (time.perf_counter() - start)
        (fr, en), c = best
        print(f"| {layers} | {fr:.4f} | {en:.4f} | {c} | {speed:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
