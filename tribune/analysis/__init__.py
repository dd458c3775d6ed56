"""Text analytics: language, sentiment, toxicity, keywords and topics for social posts.

Public API (imported lazily so that Django start-up does not pay for numpy and the
lexicons in processes that never analyse text)::

    from tribune.analysis import analyze, analyze_fast, extract_keywords, find_topics

See docs/analysis.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Analysis, analyze, analyze_fast
    from .keywords import extract_keywords
    from .topics import Topic, find_topics

_EXPORTS = {
    "Analysis": "engine",
    "analyze": "engine",
    "analyze_fast": "engine",
    "extract_keywords": "keywords",
    "Topic": "topics",
    "find_topics": "topics",
}
__all__ = [
    "Analysis",
    "Topic",
    "analyze",
    "analyze_fast",
    "extract_keywords",
    "find_topics",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
