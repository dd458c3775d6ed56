"""Text analytics for inbox messages, behind one small interface.

``analyse_messages(texts)`` gives, per text and in input order, the language, the
sentiment, a toxicity score and whether the text asks a question. Two engines:

* ``model`` — ``tribune.analysis.analyze`` (embeddings + trained heads). Its first call
  in a process loads the model (seconds); ``tribune.analysis`` keeps it loaded.
* ``lexicon`` — ``tribune.analysis.analyze_fast`` (function words and lexicons, no model)
  plus the inbox's own list of insults and abuse directed at a brand, which the generic
  lexicon does not flag ("bande d'escrocs", "service de merde"). Deterministic and fast:
  the tests use it, and ``auto`` falls back to it while no trained model is installed.

``TRIBUNE_INBOX_ANALYSIS`` picks ``auto`` (default), ``model`` or ``lexicon``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from tribune.inbox import conf

logger = logging.getLogger(__name__)

SENTIMENTS = ("negative", "neutral", "positive")
TOXIC_THRESHOLD = 0.5  # the lexicon engine's verdict line (the model has its own)


@dataclass(frozen=True)
class MessageAnalysis:
    language: str  # "fr", "en", … or "und"
    sentiment: str  # negative / neutral / positive
    toxicity: float  # 0..1
    toxic: bool
    is_question: bool
    engine: str  # "model" or "lexicon"
    toxic_terms: tuple[str, ...] = ()


# --- questions ---------------------------------------------------------------------------
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_OPENERS = (
    # French: interrogative words and inversions that start a question without "?".
    r"est[- ]ce que|qu'est[- ]ce|comment|pourquoi|combien|où|"
    r"y a[- ]t[- ]il|avez[- ]vous|pouvez[- ]vous|peut[- ]on|puis[- ]je|sauriez[- ]vous|"
    r"faut[- ]il|est[- ]il|est[- ]elle|"
    # English.
    r"how|why|where|which|is there|are there|is it|are you|do you|does|"
    r"can i|can you|could you|would you|should i|any idea"
)
_OPENER = re.compile(rf"^(?:(?:@\S+|bonjour|salut|hello|hi|hey)[\s,!]+)*(?:{_OPENERS})\b")
_SENTENCE = re.compile(r"[.!?\n]+")


def is_question(text: str) -> bool:
    """A question mark outside links, or a sentence opening like a question."""
    plain = _URL.sub(" ", text)
    if "?" in plain:
        return True
    return any(_OPENER.match(s.strip().lower()) for s in _SENTENCE.split(plain) if s.strip())


# --- abuse the generic lexicon misses -----------------------------------------------------
_ABUSE = [
    # (pattern on lower-cased text, weight). Patterns target abuse aimed at people, not
    # complaints: "nul" alone is a (negative) opinion, "bande de nuls" is an insult.
    (
        r"\bbande (?:d['’]\s?|de\s)"
        r"(?:escrocs?|voleurs?|nuls?|incapables?|idiots?|clowns?|guignols?)\b",
        0.8,
    ),
    (r"\b(?:escrocs?|voleurs?|arnaqueurs?|guignols?|clowns?|incapables)\b", 0.45),
    (r"\bdes (?:nuls|idiots|abrutis|crétins|clowns)\b", 0.5),
    (r"\bde merde\b|\bmerdique\b", 0.6),
    (r"\ballez vous faire\b|\bva te faire\b|\bferme[sz]?[- ]la\b", 0.8),
    (r"\bidiots?\b|\bimbéciles?\b|\bcrétins?\b|\babrutis?\b|\bconnards?\b", 0.6),
    (r"\bbunch of (?:idiots|clowns|morons|crooks|thieves)\b", 0.8),
    (r"\b(?:idiots?|morons?|clowns?|crooks?|scammers?|losers?|stupid|pathetic)\b", 0.45),
    (r"\bshut up\b|\bscrew you\b|\bf+u+c+k+\w*|\bshit\w*", 0.7),
    (r"\bworst company ever\b", 0.3),
]
_ABUSE_RE = [(re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in _ABUSE]


def abuse_score(text: str) -> tuple[float, tuple[str, ...]]:
    """0..1 from the abuse patterns found (capped), and the words that matched."""
    score, found = 0.0, []
    for pattern, weight in _ABUSE_RE:
        for match in pattern.finditer(text):
            score += weight
            found.append(match.group(0).lower())
    return min(1.0, round(score, 4)), tuple(dict.fromkeys(found))


# --- engines ------------------------------------------------------------------------------
def _lexicon(texts: Sequence[str]) -> list[MessageAnalysis]:
    from tribune.analysis import analyze_fast

    results = []
    for text, fast in zip(texts, analyze_fast(list(texts)), strict=True):
        extra, words = abuse_score(text)
        toxicity = max(float(fast.toxicity), extra)
        sentiment = fast.sentiment
        if toxicity >= TOXIC_THRESHOLD and sentiment != "negative":
            sentiment = "negative"  # abuse is never neutral, whatever the words around it
        results.append(
            MessageAnalysis(
                language=fast.lang,
                sentiment=sentiment,
                toxicity=round(toxicity, 4),
                toxic=toxicity >= TOXIC_THRESHOLD,
                is_question=is_question(text),
                engine="lexicon",
                toxic_terms=tuple(dict.fromkeys((*fast.toxic_terms, *words))),
            )
        )
    return results


def _model(texts: Sequence[str], brand: Any = None) -> list[MessageAnalysis]:
    from tribune.analysis import analyze

    return [
        MessageAnalysis(
            language=result.lang,
            sentiment=result.sentiment,
            toxicity=round(float(result.toxicity), 4),
            toxic=bool(result.toxic),
            is_question=is_question(text),
            engine="model",
            toxic_terms=tuple(result.toxic_terms),
        )
        for text, result in zip(
            texts, analyze(list(texts), keywords=False, brand=brand), strict=True
        )
    ]


@cache
def model_available() -> bool:
    """Whether a trained model is installed (checked once per process)."""
    try:
        from tribune.analysis.bundle import load_bundle

        load_bundle(None)
    except Exception as exc:  # noqa: BLE001 - any failure means "use the lexicon"
        logger.info("Inbox analysis uses the lexicon engine: %s", exc)
        return False
    return True


def analyse_messages(
    texts: Sequence[str], engine: str | None = None, brand: Any = None
) -> list[MessageAnalysis]:
    """Analyse a batch (pass the whole page of new messages at once). With ``brand``,
    the model engine uses that brand's retrained model when it has an active one."""
    if not texts:
        return []
    chosen = engine or conf.analysis_engine()
    if chosen == "lexicon" or (chosen == "auto" and not model_available()):
        return _lexicon(texts)
    try:
        return _model(texts) if brand is None else _model(texts, brand)
    except Exception:
        if chosen == "model":
            raise
        # Never lose or delay messages because the model broke: the lexicon still answers.
        logger.exception("Inbox analysis with the model failed; using the lexicon")
        return _lexicon(texts)
