"""Feedback for marketing and product teams: collected from the inbox, listening and
manual entry (and event surveys), classified, clustered into topics, exported."""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.community.models import Feedback, Member
from tribune.community.services.members import CommunityError, find_identity, live_member

logger = logging.getLogger(__name__)

# Cue words (accents removed, lower case), French and English. The first category with a
# cue wins in this order: pricing and support are the most specific.
CUES: dict[str, tuple[str, ...]] = {
    "pricing": (
        "prix",
        "tarif",
        "cher",
        "chere",
        "abonnement",
        "promo",
        "remise",
        "payer",
        "facture",
        "price",
        "pricing",
        "expensive",
        "cheap",
        "cost",
        "subscription",
        "discount",
        "€",
        "$",
    ),
    "support": (
        "bug",
        "panne",
        "erreur",
        "ne marche",
        "marche pas",
        "marche plus",
        "fonctionne pas",
        "bloque",
        "plante",
        "rembourse",
        "sav",
        "livraison",
        "colis",
        "retard",
        "commande",
        "aide",
        "help",
        "broken",
        "crash",
        "error",
        "refund",
        "delivery",
        "support",
        "doesn't work",
        "not working",
    ),
    "feature": (
        "il manque",
        "ajouter",
        "ajoutez",
        "j'aimerais",
        "serait bien",
        "serait top",
        "fonctionnalite",
        "option",
        "pourriez",
        "possible d'",
        "feature",
        "please add",
        "wish",
        "would be great",
        "would love",
        "could you add",
        "missing",
    ),
    "product": (
        "produit",
        "qualite",
        "texture",
        "odeur",
        "parfum",
        "gout",
        "taille",
        "design",
        "appli",
        "application",
        "version",
        "nouveau",
        "nouvelle",
        "product",
        "quality",
        "app",
        "love",
        "adore",
        "deçu",
        "decu",
    ),
}
CATEGORY_ORDER = ("pricing", "support", "feature", "product")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def classify(text: str) -> str:
    folded = _fold(text)
    for category in CATEGORY_ORDER:
        for cue in CUES[category]:
            if re.search(
                r"(?<!\w)" + re.escape(_fold(cue)) + (r"(?!\w)" if cue[-1].isalnum() else ""),
                folded,
            ):
                return category
    return Feedback.Category.OTHER


def _analyse(texts: list[str]) -> list[tuple[str, str]]:
    """(language, sentiment) per text with the listening engine (model or lexicon)."""
    from tribune.listening.analysis import analyse_texts

    return [(a.language, a.sentiment) for a in analyse_texts(texts)]


def do_add_feedback(
    brand: Brand,
    actor: User | None,
    *,
    text: str,
    source: str = "manual",
    category: str = "",
    member: Member | None = None,
    author_label: str = "",
    source_key: str = "",
    received_at: datetime | None = None,
) -> Feedback | None:
    text = text.strip()
    if not text:
        raise CommunityError(_("Write the feedback."))
    if category and category not in Feedback.Category.values:
        raise CommunityError(_("Unknown category."))
    language, sentiment = _analyse([text])[0]
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                brand=brand,
                member=live_member(member) if member else None,
                source=source,
                source_key=source_key,
                category=category or classify(text),
                sentiment=sentiment,
                language=language,
                text=text[:10000],
                author_label=author_label[:200] or (member.display_name if member else ""),
                received_at=received_at or timezone.now(),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        return None  # already collected


def collect(brand: Brand, since_days: int = 90) -> int:
    """Inbound messages and social mentions that read as feedback (a category other than
    "other") become feedback items, once each."""
    from tribune.inbox.models import Message
    from tribune.listening.models import Mention

    since = timezone.now() - timedelta(days=since_days)
    known = set(Feedback.objects.exclude(source_key="").values_list("source_key", flat=True))
    candidates: list[dict[str, Any]] = []
    for m in (
        Message.objects.filter(direction="in", created_at__gte=since)
        .exclude(text="")
        .select_related("author", "thread")
    ):
        key = f"inbox:{m.pk}"
        if key not in known and classify(m.text) != "other":
            who = m.author
            candidates.append(
                {
                    "key": key,
                    "text": m.text,
                    "source": "inbox",
                    "when": m.created_at,
                    "sentiment": m.sentiment,
                    "language": m.language,
                    "network": m.thread.network,
                    "handle": who.handle if who else "",
                    "label": who.name if who else "",
                }
            )
    for mention in Mention.objects.filter(published_at__gte=since):
        key = f"listening:{mention.pk}"
        if key not in known and classify(mention.text) != "other":
            candidates.append(
                {
                    "key": key,
                    "text": mention.text,
                    "source": "listening",
                    "when": mention.published_at,
                    "sentiment": mention.sentiment,
                    "language": mention.language,
                    "network": mention.network,
                    "handle": mention.author,
                    "label": mention.author,
                }
            )
    created = 0
    for c in candidates:
        identity = find_identity(c["network"], c["handle"]) if c["handle"] else None
        try:
            with transaction.atomic():
                Feedback.objects.create(
                    brand=brand,
                    member=live_member(identity.member) if identity else None,
                    source=c["source"],
                    source_key=c["key"],
                    category=classify(c["text"]),
                    sentiment=c["sentiment"] or "neutral",
                    language=c["language"],
                    text=c["text"][:10000],
                    author_label=c["label"][:200],
                    received_at=c["when"],
                )
            created += 1
        except IntegrityError:
            continue
    return created


def label_topics(brand: Brand, limit: int = 500) -> int:
    """Cluster recent feedback into topics with readable labels (tribune.analysis)."""
    items = list(Feedback.objects.order_by("-received_at")[:limit])
    if len(items) < 2:
        return 0
    texts = [f.text for f in items]
    try:
        from tribune.analysis import find_topics

        topics = find_topics(texts)
    except Exception as exc:  # noqa: BLE001 - no embeddings model: keyword labels
        logger.info("feedback topics fall back to keywords: %s", exc)
        return _keyword_topics(items)
    for topic in topics:
        for index in topic.members:
            items[index].topic = topic.label[:200]
    Feedback.objects.bulk_update(items, ["topic"], batch_size=500)
    return len(topics)


def _keyword_topics(items: list[Feedback]) -> int:
    from tribune.analysis import extract_keywords

    labels = set()
    for item in items:
        words = extract_keywords(item.text, top=2)
        item.topic = " · ".join(words)[:200]
        labels.add(item.topic)
    Feedback.objects.bulk_update(items, ["topic"], batch_size=500)
    return len(labels)


def filtered(filters: dict[str, str]) -> Any:
    rows = Feedback.objects.all()
    if filters.get("category") in Feedback.Category.values:
        rows = rows.filter(category=filters["category"])
    if filters.get("sentiment") in ("positive", "neutral", "negative"):
        rows = rows.filter(sentiment=filters["sentiment"])
    if filters.get("source") in Feedback.Source.values:
        rows = rows.filter(source=filters["source"])
    if filters.get("topic"):
        rows = rows.filter(topic=filters["topic"])
    return rows


def trends(rows: Any, weeks: int = 8) -> list[dict[str, Any]]:
    """Items per week and category, and the share of negative ones."""
    start = timezone.now() - timedelta(weeks=weeks)
    table: dict[str, Counter] = defaultdict(Counter)
    for category, sentiment, at in rows.filter(received_at__gte=start).values_list(
        "category", "sentiment", "received_at"
    ):
        week = (at - timedelta(days=at.weekday())).date().isoformat()
        table[week][category] += 1
        table[week]["total"] += 1
        table[week]["negative"] += sentiment == "negative"
    return [
        {"week": week, **counts, "negative_share": round(counts["negative"] / counts["total"], 2)}
        for week, counts in sorted(table.items())
    ]


def topic_summary(rows: Any) -> list[dict[str, Any]]:
    summary: dict[str, Counter] = defaultdict(Counter)
    for topic, sentiment in rows.exclude(topic="").values_list("topic", "sentiment"):
        summary[topic]["total"] += 1
        summary[topic][sentiment] += 1
    return sorted(({"topic": t, **c} for t, c in summary.items()), key=lambda r: -r["total"])


def export_csv(rows: Any, with_authors: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["date", "source", "category", "sentiment", "language", "topic", "text"]
    writer.writerow(header + (["author"] if with_authors else []))
    for f in rows:
        row = [
            f.received_at.isoformat(),
            f.source,
            f.category,
            f.sentiment,
            f.language,
            f.topic,
            _safe_cell(f.text),
        ]
        writer.writerow(row + ([_safe_cell(f.author_label)] if with_authors else []))
    return out.getvalue()


def _safe_cell(value: str) -> str:
    # Spreadsheets run cells starting with = + - @ as formulas (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
