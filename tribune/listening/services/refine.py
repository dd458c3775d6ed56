"""The later analysis pass: the trained model re-reads mentions analysed at ingest.

Ingestion analyses with the fast lexicon engine so bursts are stored at thousands of
mentions a second (docs/benchmarks.md, listening ingestion); the model (embeddings +
trained heads, about a hundred texts a second on two cores) then re-reads them in batches,
newest first, and updates language, sentiment and toxicity on the mention and the
``negative`` / ``influential`` flags detection counts on its matches. Matching is not
redone: a ``lang:`` query keeps the language seen at ingest.

``listening.refine`` runs every 30 seconds for at most ``BUDGET_SECONDS``. Mentions older
than ``MAX_AGE`` are left as they are (their alerts are long decided).
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tribune.listening.analysis import analyse_texts, engine_setting, model_available
from tribune.listening.detector import is_influential
from tribune.listening.models import Mention, MentionMatch

BATCH = 128
BUDGET_SECONDS = 20.0
MAX_AGE = timedelta(days=2)


def refine_engine() -> str:
    """ "model" when the later pass has something better than the lexicon to offer."""
    setting = engine_setting()
    if setting == "lexicon":
        return "lexicon"
    if setting == "model" or model_available():
        return "model"
    return "lexicon"


def refine_pending(limit: int = BATCH, now=None) -> int:  # type: ignore[no-untyped-def]
    """Re-read up to ``limit`` lexicon-analysed mentions with the model (inside a brand
    scope, or unscoped for the job). Returns how many were updated."""
    if refine_engine() != "model":
        return 0
    now = now or timezone.now()
    rows = list(
        Mention.objects.filter(analysis_engine="lexicon", fetched_at__gte=now - MAX_AGE)
        .select_related("brand")
        .order_by("-fetched_at", "-pk")[:limit]
    )
    if not rows:
        return 0
    by_brand: dict[int, list[Mention]] = defaultdict(list)
    for mention in rows:
        by_brand[mention.brand_id].append(mention)
    for mentions in by_brand.values():
        texts = [f"{m.title}\n{m.text}".strip() for m in mentions]
        analyses = analyse_texts(texts, engine="model", brand=mentions[0].brand)
        for mention, analysis in zip(mentions, analyses, strict=True):
            mention.language = analysis.language[:8]
            mention.sentiment = analysis.sentiment
            mention.toxicity = analysis.toxicity
            mention.analysis_engine = analysis.engine
        _save(mentions)
    return len(rows)


def _save(mentions: list[Mention]) -> None:
    with transaction.atomic():
        Mention.objects.bulk_update(
            mentions, ["language", "sentiment", "toxicity", "analysis_engine"]
        )
        for negative in (True, False):
            for influential in (True, False):
                ids = [
                    m.pk
                    for m in mentions
                    if (m.sentiment == Mention.Sentiment.NEGATIVE) == negative
                    and is_influential(m.sentiment, m.toxicity, m.reach) == influential
                ]
                if ids:
                    MentionMatch.objects.filter(mention_id__in=ids).update(
                        negative=negative, influential=influential
                    )


def refine_for(seconds: float = BUDGET_SECONDS) -> int:
    """Refine batches until nothing is left or the time budget is spent."""
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        count = refine_pending()
        done += count
        if count < BATCH:
            break
    return done
