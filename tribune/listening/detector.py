"""Crisis detection, as pure functions over counts (the service gathers them, the
benchmark feeds synthetic ones: both run exactly this code).

For a query and a moment ``now``, the window is the last hour. Its counts (mentions,
negative ones, ones with a crisis word) are compared with the same hour of the week in
each of the previous ``WEEKS`` weeks — traffic on Monday 9:00 is not traffic on Sunday
3:00 — by a robust z-score: ``(x − median) / scale`` where ``scale`` is 1.4826 × MAD,
floored by the Poisson noise √(median) and by 1 so that a flat history does not make
one extra mention an anomaly. A rule fires only above a minimum absolute count as well.
An influential author's negative or toxic mention fires on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

import regex

from tribune.listening.querylang import contains_term
from tribune.strategy.rules.matching import Document

WINDOW = timedelta(hours=1)
WEEKS = 4
Z_THRESHOLD = 5.0
MIN_VOLUME = 12  # mentions in the window before a volume spike counts
MIN_NEGATIVE = 8
MIN_KEYWORD = 5
MIN_NEGATIVE_SHARE = 0.35
INFLUENCER_REACH = 10_000
TOXIC = 0.5

CRISIS_WORDS = (
    "boycott*",
    "arnaque*",
    "scandale*",
    "escroc*",
    "honte",
    "honteux",
    "rappel conso",
    "intoxication",
    "plainte",
    "scam*",
    "scandal*",
    "fraud*",
    "lawsuit",
    "recall",
)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    negative: int = 0
    keyword: int = 0
    influential: int = 0


@dataclass(frozen=True)
class Trigger:
    kind: str  # volume / negativity / keyword / influencer (Alert.Kind values)
    observed: int
    baseline: float
    scale: float
    z: float


# Most specific first: the alert's kind is the first trigger's.
ORDER = ("influencer", "negativity", "keyword", "volume")


def robust(history: Sequence[int]) -> tuple[float, float]:
    """(median, scale) of past counts."""
    if not history:
        return 0.0, 1.0
    mid = float(median(history))
    mad = float(median([abs(h - mid) for h in history]))
    return mid, max(1.4826 * mad, math.sqrt(mid), 1.0)


def zscore(observed: int, history: Sequence[int]) -> tuple[float, float, float]:
    mid, scale = robust(history)
    return (observed - mid) / scale, mid, scale


def assess(current: Counts, history: Sequence[Counts]) -> list[Trigger]:
    """The rules this window breaks, most specific first."""
    found: list[Trigger] = []
    if current.influential:
        found.append(Trigger("influencer", current.influential, 0.0, 1.0, float("inf")))
    z, mid, scale = zscore(current.negative, [h.negative for h in history])
    share = current.negative / current.total if current.total else 0.0
    if current.negative >= MIN_NEGATIVE and z >= Z_THRESHOLD and share >= MIN_NEGATIVE_SHARE:
        found.append(Trigger("negativity", current.negative, mid, scale, round(z, 2)))
    z, mid, scale = zscore(current.keyword, [h.keyword for h in history])
    if current.keyword >= MIN_KEYWORD and z >= Z_THRESHOLD:
        found.append(Trigger("keyword", current.keyword, mid, scale, round(z, 2)))
    z, mid, scale = zscore(current.total, [h.total for h in history])
    if current.total >= MIN_VOLUME and z >= Z_THRESHOLD:
        found.append(Trigger("volume", current.total, mid, scale, round(z, 2)))
    return found


_WORDS = [(word.rstrip("*"), word.endswith("*")) for word in CRISIS_WORDS]


def crisis_words(text: str, doc: Document | None = None) -> list[str]:
    doc = doc or Document.of(text)
    return [word for word, prefix in _WORDS if contains_term(doc, word, prefix)]


def is_influential(sentiment: str, toxicity: float, reach: int) -> bool:
    return reach >= INFLUENCER_REACH and (sentiment == "negative" or toxicity >= TOXIC)


_TOKEN = regex.compile(r"[\p{L}][\p{L}'’-]{2,}")
STOPWORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "est",
        "pas",
        "que",
        "qui",
        "pour",
        "dans",
        "sur",
        "avec",
        "vous",
        "nous",
        "mais",
        "plus",
        "tout",
        "très",
        "cette",
        "son",
        "ses",
        "aux",
        "par",
        "ont",
        "été",
        "fait",
        "faire",
        "comme",
        "même",
        "bien",
        "encore",
        "elle",
        "ils",
        "sont",
        "avait",
        "the",
        "and",
        "for",
        "are",
        "with",
        "this",
        "that",
        "you",
        "your",
        "our",
        "was",
        "not",
        "but",
        "have",
        "has",
        "from",
        "they",
        "their",
        "what",
        "just",
        "all",
        "can",
        "will",
        "about",
        "http",
        "https",
        "www",
    ]
)


def top_terms(texts: Sequence[str], exclude: Sequence[str] = (), limit: int = 8) -> list[str]:
    """The most frequent content words (at most once per text), for an alert's summary."""
    counts: dict[str, int] = {}
    skip = {w.lower() for w in exclude}
    for text in texts:
        for word in {w.lower() for w in _TOKEN.findall(text)}:
            if word not in STOPWORDS and word not in skip:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, count in ranked[:limit] if count > 1]
