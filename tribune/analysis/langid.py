"""Language identification restricted to the languages a deployment works in.

Lingua is told only about the configured languages (``TRIBUNE_ANALYSIS_LANGUAGES``,
default French and English): restricting the candidates is what makes it both accurate
(99 %+ on fr/en tweets) and fast. A post that is too short, or where the two best
languages are too close, gets ``"und"`` rather than a guess that would send it to the
wrong model or reviewer.
"""

from __future__ import annotations

import re
from functools import cache

DEFAULT_LANGUAGES = ("fr", "en")
# Fewer letters than this and no detector is reliable ("ok", "lol", "👍").
MIN_LETTERS = 3
# Lingua's relative distance between the two best languages; below it we say "und".
# Tuned on the XLM-T fr/en train tweets (docs/evaluation.md).
MIN_RELATIVE_DISTANCE = 0.1

_PLACEHOLDERS_RE = re.compile(r"@user|\bhttp\b|#")
_LETTER_RE = re.compile(r"[^\W\d_]")


def configured_languages() -> tuple[str, ...]:
    """Languages from Django settings when they are configured, else fr+en."""
    try:
        from django.conf import settings

        if settings.configured:
            value = getattr(settings, "TRIBUNE_ANALYSIS_LANGUAGES", None)
            if value:
                return tuple(str(code).lower() for code in value)
    except ImportError:  # the engine also runs outside Django (scripts, notebooks)
        pass
    return DEFAULT_LANGUAGES


@cache
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [IsoCode639_1.from_str(code) for code in languages]
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
        .with_preloaded_language_models()
        .build()
    )


def _text_for_detection(text: str) -> str:
    # Placeholders from clean_for_model are English-looking noise ("user", "http").
    return _PLACEHOLDERS_RE.sub(" ", text)


def detect_languages(texts: list[str], languages: tuple[str, ...] | None = None) -> list[str]:
    """ISO 639-1 code per text, or ``"und"``; one parallel lingua call per batch."""
    languages = languages or configured_languages()
    prepared = [_text_for_detection(t) for t in texts]
    todo = [i for i, t in enumerate(prepared) if len(_LETTER_RE.findall(t)) >= MIN_LETTERS]
    result = ["und"] * len(texts)
    if not todo:
        return result
    if len(languages) == 1:  # nothing to choose from, but short texts stay "und"
        for i in todo:
            result[i] = languages[0]
        return result
    detected = _detector(tuple(languages)).detect_languages_in_parallel_of(
        [prepared[i] for i in todo]
    )
    for i, language in zip(todo, detected, strict=True):
        if language is not None:
            result[i] = language.iso_code_639_1.name.lower()
    return result


def detect_language(text: str, languages: tuple[str, ...] | None = None) -> str:
    return detect_languages([text], languages)[0]
