"""Readers for the shared training data (``../shared/data``, see its README).

The data is never committed to the project; every reader raises :class:`DataMissing`
with a sentence a person can act on, and the CLI turns that into exit code 2.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

SENTIMENT_LABELS = ("negative", "neutral", "positive")
TOXICITY_LABELS = ("non-toxic", "toxic")

_SENTIMENT_WORDS = {
    "0": "negative",
    "1": "neutral",
    "2": "positive",
    "negative": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
    "négatif": "negative",
    "neutre": "neutral",
    "positif": "positive",
}
_TOXICITY_WORDS = {
    "0": "non-toxic",
    "1": "toxic",
    "non-toxic": "non-toxic",
    "not-toxic": "non-toxic",
    "nontoxic": "non-toxic",
    "not-offensive": "non-toxic",
    "not-hate": "non-toxic",
    "normal": "non-toxic",
    "false": "non-toxic",
    "toxic": "toxic",
    "offensive": "toxic",
    "hate": "toxic",
    "true": "toxic",
}


class DataMissing(Exception):
    """The training/evaluation data folder (or one of its files) is not there."""


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    labels: list[str]

    def __add__(self, other: Labelled) -> Labelled:
        return Labelled(self.texts + other.texts, self.labels + other.labels)

    def __len__(self) -> int:
        return len(self.texts)


def default_data_dir() -> Path:
    """``$TRIBUNE_DATA_DIR``, else ``../shared/data`` next to the repository."""
    env = os.environ.get("TRIBUNE_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def normalise_label(value: str, task: str) -> str:
    table = _SENTIMENT_WORDS if task == "sentiment" else _TOXICITY_WORDS
    key = value.strip().lower()
    if key not in table:
        raise ValueError(f"unknown {task} label {value!r}")
    return table[key]


def read_lines(path: Path) -> list[str]:
    """One item per line; a trailing newline does not make an extra empty item."""
    if not path.is_file():
        raise DataMissing(f"{path} not found")
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _pair(folder: Path, split: str, task: str) -> Labelled:
    texts = read_lines(folder / f"{split}_text.txt")
    labels = [normalise_label(v, task) for v in read_lines(folder / f"{split}_labels.txt")]
    if len(texts) != len(labels):
        raise ValueError(f"{folder}/{split}: {len(texts)} texts but {len(labels)} labels")
    return Labelled(texts, labels)


def require(data_dir: Path) -> Path:
    if not data_dir.is_dir():
        raise DataMissing(
            f"training data folder {data_dir} is absent; point --data (or TRIBUNE_DATA_DIR) "
            "at a copy of the shared data set (see docs/analysis.md)"
        )
    return data_dir


def sentiment(data_dir: Path, language: str, split: str) -> Labelled:
    """XLM-T tweets; ``language`` is ``french``, ``english`` or ``all``."""
    return _pair(require(data_dir) / "sentiment" / "xlmt" / language, split, "sentiment")


def tweeteval(data_dir: Path, task: str, split: str) -> Labelled:
    """TweetEval ``offensive`` or ``hate`` (1 = toxic)."""
    return _pair(require(data_dir) / "toxicity" / "tweeteval" / task, split, "toxicity")


def mlma(data_dir: Path, lang: str) -> Labelled:
    """MLMA tweets: ``normal`` -> non-toxic; any hostile class without ``normal`` -> toxic.

    Rows mixing ``normal`` with a hostile class ("abusive_normal") are annotator
    disagreements; they are left out rather than forced to one side.
    """
    path = require(data_dir) / "toxicity" / "mlma" / f"{lang}_dataset.csv"
    if not path.is_file():
        raise DataMissing(f"{path} not found")
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            parts = set(row["sentiment"].split("_"))
            if parts == {"normal"}:
                label = "non-toxic"
            elif "normal" in parts:
                continue
            else:
                label = "toxic"
            texts.append(row["tweet"])
            labels.append(label)
    return Labelled(texts, labels)
