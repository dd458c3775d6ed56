"""Lexicon sentiment: the explainable fast path.

English uses the VADER lexicon (valences shipped with ``vaderSentiment``); French uses
our own ``data/lexicon_fr.txt``. The scoring rules (negation, boosters, "mais"/"but"
contrast) are ours and deliberately simple: this path must score tens of thousands of
posts a second and produce the list of words behind a label ("why negative").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .normalize import lexical_tokens
from .vocabulary import _data_path, guess_language, vader_lexicon_path, words

# A negated word keeps part of its strength with the opposite sign ("pas mauvais" is
# faintly positive, not as positive as "bon").
NEGATION_FACTOR = -0.6
# How far back a negation or booster reaches ("pas du tout bon", "not very good").
WINDOW = 3
# Squashes the summed valence into -1..1; 16 makes a single strong word (~3) land near
# 0.6 and three of them near 0.9.
SQUASH = 16.0
# Compound score at which a post becomes positive / negative, per language; chosen for
# macro-F1 on the XLM-T French and English train splits (docs/evaluation.md). English
# needs a higher bar because VADER rates many neutral words slightly positive.
CUTOFFS = {"fr": (0.1, -0.05), "en": (0.4, -0.1)}
DEFAULT_CUTOFFS = (0.25, -0.1)

NEGATORS = words(
    "ne pas jamais rien aucun aucune ni sans guère point "
    "not no never nothing nobody none neither nor without cannot dont doesnt didnt isnt "
    "wasnt arent werent cant couldnt wont wouldnt shouldnt aint"
)
# French places "pas" after the verb: "j'aime pas", "c'est bon ? pas vraiment".
POST_NEGATORS = frozenset({"pas", "jamais", "rien", "point"})
_BOOSTERS = words(
    "très trop vraiment tellement super hyper grave vachement extrêmement ultra archi "
    "complètement totalement absolument carrément franchement si tant méga "
    "very really so extremely totally absolutely incredibly too completely truly highly most"
)
_DAMPENERS = words(
    "assez plutôt presque légèrement moyennement kinda somewhat slightly barely fairly rather"
)
MODIFIERS = {**dict.fromkeys(_BOOSTERS, 1.3), **dict.fromkeys(_DAMPENERS, 0.7)}
CONTRAST = frozenset({"mais", "cependant", "pourtant", "toutefois", "but", "however"})
# Weight of what comes before / after a contrast word: the end of "bien mais cher"
# is what the author means.
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.4


@dataclass(frozen=True, slots=True)
class Lexicon:
    words: dict[str, float]
    # First word -> (phrase tokens, valence), longest phrase first.
    phrases: dict[str, tuple[tuple[tuple[str, ...], float], ...]]
    insults: frozenset[str]


@dataclass(frozen=True, slots=True)
class LexiconResult:
    compound: float
    label: str
    # (term, signed contribution), strongest first: the explanation shown to users.
    terms: tuple[tuple[str, float], ...]
    insults: tuple[str, ...]
    lang: str

    @property
    def scores(self) -> dict[str, float]:
        c = self.compound
        return {"negative": max(-c, 0.0), "neutral": 1.0 - abs(c), "positive": max(c, 0.0)}

    def features(self) -> list[float]:
        """Numbers a model head can combine with the embedding."""
        pos = sum(v for _, v in self.terms if v > 0)
        neg = sum(v for _, v in self.terms if v < 0)
        return [self.compound, pos / 4.0, neg / 4.0, float(len(self.insults) > 0)]


def _build(entries: list[tuple[str, float, bool]]) -> Lexicon:
    words: dict[str, float] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    insults: set[str] = set()
    for term, value, insult in entries:
        tokens = tuple(lexical_tokens(term))
        if not tokens:
            continue
        if len(tokens) == 1:
            words[tokens[0]] = value
        else:
            phrases.setdefault(tokens[0], []).append((tokens, value))
        if insult:
            insults.add(" ".join(tokens))
    ordered = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in phrases.items()}
    return Lexicon(words, ordered, frozenset(insults))


def _read_tsv(path: Path, value_column: int = 1) -> list[tuple[str, float, bool]]:
    entries = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            tag = cols[2] if len(cols) > 2 and value_column == 1 else ""
            entries.append((cols[0], float(cols[value_column]), tag == "insult"))
    return entries


@cache
def load_lexicon(lang: str) -> Lexicon:
    """The lexicon for ``fr`` or ``en``; any other code gets both, French first."""
    if lang == "fr":
        return _build(_read_tsv(_data_path("lexicon_fr.txt")))
    if lang == "en":
        entries = _read_tsv(vader_lexicon_path())
        entries += [(w, -2.5, True) for w in _read_words("insults_en.txt")]
        return _build(entries)
    fr, en = load_lexicon("fr"), load_lexicon("en")
    return Lexicon({**en.words, **fr.words}, {**en.phrases, **fr.phrases}, fr.insults | en.insults)


def _read_words(name: str) -> list[str]:
    with _data_path(name).open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def score_tokens(tokens: list[str], lang: str = "und") -> LexiconResult:
    """Score already-normalised tokens with the lexicon of ``lang``."""
    if lang not in ("fr", "en"):
        lang = guess_language(tokens)
    lex = load_lexicon(lang)
    words, phrases = lex.words, lex.phrases
    n = len(tokens)
    hits: list[tuple[str, float, int]] = []
    contrast_at = -1
    exclamations = 0
    last_end = -1
    i = 0
    while i < n:
        tok = tokens[i]
        if tok in CONTRAST:
            contrast_at = i
        elif tok == "!":
            exclamations += 1
        value, span, term = words.get(tok), 1, tok
        for phrase, phrase_value in phrases.get(tok, ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                value, span, term = phrase_value, len(phrase), " ".join(phrase)
                break
        if value is None:
            i += 1
            continue
        after = tokens[i + span] if i + span < n else ""
        # "super bien": the first word boosts the second instead of counting twice.
        if span == 1 and tok in MODIFIERS and (after in words or after in phrases):
            i += 1
            continue
        negated = after in POST_NEGATORS
        # Look back, but never past the previous sentiment word: in "rien à redire,
        # parfait" the "rien" belongs to the expression, not to "parfait".
        adjacent = True
        for j in range(i - 1, max(last_end, i - 1 - WINDOW), -1):
            t = tokens[j]
            if t in NEGATORS:
                negated = True
            elif t == "peu":  # "peu fiable" negates, "un peu lent" only softens
                if j > 0 and tokens[j - 1] == "un":
                    value *= 0.7
                else:
                    negated = True
            elif t in MODIFIERS:
                if adjacent:  # "très bon", "pas très bon"; not "très déçu 😡" for 😡
                    value *= MODIFIERS[t]
                continue
            adjacent = adjacent and t in NEGATORS
        value = max(-4.0, min(4.0, value))  # "vraiment trop con": stay on the scale
        hits.append((term, value * NEGATION_FACTOR if negated else value, i))
        i += span
        last_end = i - 1
    return _result(hits, contrast_at, exclamations, lex.insults, lang)


def _result(
    hits: list[tuple[str, float, int]],
    contrast_at: int,
    exclamations: int,
    insult_terms: frozenset[str],
    lang: str,
) -> LexiconResult:
    if not hits:  # most posts: skip the arithmetic
        return LexiconResult(0.0, "neutral", (), (), lang)
    if contrast_at >= 0:
        hits = [
            (t, v * (BEFORE_CONTRAST if at < contrast_at else AFTER_CONTRAST), at)
            for t, v, at in hits
        ]
    total = sum(v for _, v, _ in hits)
    if exclamations and total:
        total += math.copysign(0.25 * min(exclamations, 3), total)
    compound = total / math.sqrt(total * total + SQUASH)
    positive_at, negative_at = CUTOFFS.get(lang, DEFAULT_CUTOFFS)
    if compound >= positive_at:
        label = "positive"
    elif compound <= negative_at:
        label = "negative"
    else:
        label = "neutral"
    terms = tuple(sorted(((t, round(v, 3)) for t, v, _ in hits), key=lambda h: -abs(h[1])))
    insults = tuple(t for t, _, _ in hits if t in insult_terms)
    return LexiconResult(round(compound, 4), label, terms, insults, lang)


def score_text(text: str, lang: str = "und") -> LexiconResult:
    """Lexicon sentiment of one raw post (the fast path used for 20k+ posts/s)."""
    return score_tokens(lexical_tokens(text), lang)


def score_texts(texts: list[str], langs: list[str] | None = None) -> list[LexiconResult]:
    if langs is None:
        return [score_tokens(lexical_tokens(t)) for t in texts]
    return [score_tokens(lexical_tokens(t), lang) for t, lang in zip(texts, langs, strict=True)]
