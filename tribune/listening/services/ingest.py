"""Store new mentions: de-duplicate, analyse, match the brand's queries, one batch at a time.

A source hands over plain ``Item`` values. An item is kept only when at least one of the
brand's enabled queries matches it. Duplicates are dropped before analysis:

* the same ``key`` (canonical URL, or the network's id) already stored for the brand;
* the same normalised text (lower-cased, accents, links, mentions and punctuation
  removed) already stored for the brand in the last ``NEAR_DUPLICATE_DAYS`` days — for
  web items the text alone (one article syndicated under several addresses), for network
  posts the author plus the text (many people posting the same words is real volume).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import regex
from django.db import IntegrityError, transaction
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.core.safety import web_url
from tribune.listening.analysis import analyse_texts
from tribune.listening.detector import crisis_words, is_influential
from tribune.listening.models import Mention, MentionMatch, Query, Source
from tribune.listening.querylang import (
    Node,
    QuerySyntaxError,
    Target,
    evaluate,
    parse,
    quick_fold,
)
from tribune.strategy.rules.matching import Document

logger = logging.getLogger(__name__)

NEAR_DUPLICATE_DAYS = 7
MAX_TEXT = 20_000  # characters kept per mention (a huge feed item is cut, not refused)


@dataclass
class Item:
    key: str
    text: str
    published_at: datetime
    network: str = "web"
    url: str = ""
    author: str = ""
    title: str = ""
    reach: int = 0


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    unmatched: int = 0
    mention_ids: list[int] = field(default_factory=list)


_URL = regex.compile(r"https?://\S+|www\.\S+", regex.IGNORECASE)
_HANDLE = regex.compile(r"@[\w.]+")
_NOT_WORD = regex.compile(r"[^\w]+")


def normalised_text(text: str) -> str:
    plain = _HANDLE.sub(" ", _URL.sub(" ", text))
    # quick_fold folds character by character like fold_term; the whitespace fold_term
    # collapses is removed here with every other non-word character.
    return " ".join(_NOT_WORD.sub(" ", quick_fold(plain)).split())


def text_hash(item: Item) -> str:
    basis = normalised_text(f"{item.title} {item.text}")
    if item.network != "web":
        basis = f"{item.network}:{item.author.lower()}:{basis}"
    return hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()


def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, fragment and tracking parameters dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = "&".join(
        p for p in parts.query.split("&") if p and not p.lower().startswith(("utm_", "fbclid="))
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def ingest_engine() -> str:
    """The analysis run while storing: the fast lexicon engine unless an install asks for
    the model at ingest (``TRIBUNE_LISTENING_INGEST_ANALYSIS=model``, fine for small
    volumes). The model reads the mentions later (``services/refine.py``)."""
    from django.conf import settings

    return str(getattr(settings, "TRIBUNE_LISTENING_INGEST_ANALYSIS", "") or "lexicon")


def compiled_queries(brand: Brand) -> list[tuple[Query, Node]]:
    found = []
    for query in Query.objects.filter(brand=brand, enabled=True):
        try:
            found.append((query, parse(query.expression)))
        except QuerySyntaxError:  # saved before a grammar change: skip, do not crash
            logger.warning("Listening query %s does not parse", query.pk)
    return found


def match_queries(
    queries: Sequence[tuple[Query, Node]], target: Target, doc: Document | None = None
) -> list[Query]:
    doc = doc or Document.of(target.text)
    return [q for q, node in queries if evaluate(node, target, doc)]


def do_ingest(
    brand: Brand, source: Source | None, items: Iterable[Item], now: datetime | None = None
) -> IngestResult:
    """Store the new, matching items of one batch (called inside the brand's scope)."""
    now = now or timezone.now()
    result = IngestResult()
    batch: dict[str, Item] = {}
    for item in items:
        item.key = (item.key or canonical_url(item.url))[:500]
        item.url = web_url(item.url)  # shown as a link: no javascript:, data:, …
        item.text = item.text[:MAX_TEXT]
        if not item.key or not item.text.strip():
            continue
        if item.key in batch:
            result.duplicates += 1
            continue
        batch[item.key] = item
    if not batch:
        return result
    known = set(
        Mention.objects.filter(brand=brand, key__in=list(batch)).values_list("key", flat=True)
    )
    hashes = {key: text_hash(item) for key, item in batch.items()}
    seen_hashes = set(
        Mention.objects.filter(
            brand=brand,
            text_hash__in=set(hashes.values()),
            published_at__gte=now - timedelta(days=NEAR_DUPLICATE_DAYS),
        ).values_list("text_hash", flat=True)
    )
    queries = compiled_queries(brand)
    fresh: list[Item] = []
    for key, item in batch.items():
        if key in known or hashes[key] in seen_hashes:
            result.duplicates += 1
            continue
        seen_hashes.add(hashes[key])
        fresh.append(item)
    if not fresh or not queries:
        result.unmatched += len(fresh)
        return result
    # Analyse before matching: ``lang:`` in a query needs the detected language.
    # The lexicon at ingest keeps up with bursts (benchmarks: listening ingestion); the
    # trained model re-reads each mention shortly after (listening.refine).
    analyses = analyse_texts(
        [f"{i.title}\n{i.text}".strip() for i in fresh], engine=ingest_engine(), brand=brand
    )
    rows = []
    for item, analysis in zip(fresh, analyses, strict=True):
        target = Target(f"{item.title}\n{item.text}", analysis.language, item.network, item.author)
        doc = Document.of(target.text)
        matched = match_queries(queries, target, doc)
        if not matched:
            result.unmatched += 1
            continue
        mention = Mention(
            brand=brand,
            source=source,
            network=item.network,
            key=item.key,
            url=item.url[:1000],
            author=item.author[:200],
            title=item.title[:300],
            text=item.text,
            text_hash=hashes[item.key],
            published_at=min(item.published_at, now),
            fetched_at=now,
            language=analysis.language[:8],
            sentiment=analysis.sentiment,
            toxicity=analysis.toxicity,
            analysis_engine=analysis.engine,
            reach=max(0, int(item.reach)),
        )
        mention.flags = (  # type: ignore[attr-defined]
            bool(crisis_words(target.text, doc)),
            is_influential(mention.sentiment, mention.toxicity, mention.reach),
        )
        rows.append((mention, matched))
    _store(brand, rows, result)
    return result


def _store(brand: Brand, rows: list[tuple[Mention, list[Query]]], result: IngestResult) -> None:
    try:
        with transaction.atomic():
            Mention.objects.bulk_create([m for m, _q in rows])
            _matches(brand, rows)
        stored = rows
    except IntegrityError:
        # Another worker stored some of them meanwhile: one at a time, skipping those.
        stored = []
        for mention, matched in rows:
            try:
                with transaction.atomic():
                    mention.pk = None
                    mention.save()
                    _matches(brand, [(mention, matched)])
                stored.append((mention, matched))
            except IntegrityError:
                result.duplicates += 1
    result.stored += len(stored)
    result.mention_ids.extend(m.pk for m, _q in stored)


def _matches(brand: Brand, rows: list[tuple[Mention, list[Query]]]) -> None:
    MentionMatch.objects.bulk_create(
        [
            MentionMatch(
                brand=brand,
                query=query,
                mention=mention,
                published_at=mention.published_at,
                negative=mention.sentiment == Mention.Sentiment.NEGATIVE,
                keyword=mention.flags[0],  # type: ignore[attr-defined]
                influential=mention.flags[1],  # type: ignore[attr-defined]
            )
            for mention, matched in rows
            for query in matched
        ]
    )
