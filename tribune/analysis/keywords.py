"""Key phrases with YAKE (unsupervised, per language, no model to download)."""

from __future__ import annotations

import threading

from .lexicon import MODIFIERS
from .normalize import clean_for_model
from .vocabulary import EN_FUNCTION_WORDS, FR_FUNCTION_WORDS

# Words that YAKE happily returns from short posts but that say nothing about a topic.
_NOISE = FR_FUNCTION_WORDS | EN_FUNCTION_WORDS | frozenset(MODIFIERS) | {"user", "http", "rt"}
_local = threading.local()  # YAKE extractors keep state between calls: one per thread


def _extractor(lang: str, top: int, max_words: int):
    import yake

    key = (lang, top, max_words)
    cache_ = getattr(_local, "extractors", None)
    if cache_ is None:
        cache_ = _local.extractors = {}
    if key not in cache_:
        yake_lang = lang if lang in ("fr", "en") else "en"
        cache_[key] = yake.KeywordExtractor(lan=yake_lang, n=max_words, top=top * 2)
    return cache_[key]


def _meaningful(phrase: str) -> bool:
    words = phrase.lower().split()
    return bool(words) and not all(w in _NOISE for w in words) and len(phrase) > 2


def extract_keywords(text: str, lang: str = "fr", top: int = 5, max_words: int = 3) -> list[str]:
    """Up to ``top`` key phrases, best first, lower-cased and without placeholders."""
    cleaned = clean_for_model(text).replace("@user", " ").replace("http", " ")
    if len(cleaned.split()) < 2:
        return []
    found = _extractor(lang, top, max_words).extract_keywords(cleaned)
    phrases: list[str] = []
    for phrase, _score in found:  # lower YAKE score = more relevant; already sorted
        phrase = phrase.lower()
        # A single word already inside a kept phrase ("colis" next to "colis jamais
        # reçu") adds nothing; a shorter phrase may still be the useful one.
        redundant = " " not in phrase and any(phrase in kept.split() for kept in phrases)
        if _meaningful(phrase) and phrase not in phrases and not redundant:
            phrases.append(phrase)
        if len(phrases) == top:
            break
    return phrases


def corpus_keywords(texts: list[str], lang: str = "fr", top: int = 10) -> list[str]:
    """Key phrases of a whole set of posts (a topic, a day of mentions)."""
    return extract_keywords("\n".join(texts), lang, top=top)
