"""Group posts into topics and name each topic with its most characteristic words.

Used by community feedback ("what are people asking for?") and listening ("what is
being said about us this week?"). Clustering is spherical k-means on the embeddings
(they are L2-normalised, so cosine similarity is a dot product); a topic's label is
its top terms by class-based TF-IDF (frequent in the topic, rare in the others), and
YAKE adds a few key phrases for display.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from .embed import FULL_LAYERS, EncoderSpec
from .normalize import lexical_tokens
from .vocabulary import EN_FUNCTION_WORDS, FR_FUNCTION_WORDS, guess_language

# Topics run on smaller sets than classification and are read by people: they get the
# full 12-layer encoder, which groups paraphrases more reliably than the 6-layer one.
TOPIC_ENCODER = EncoderSpec(layers=FULL_LAYERS, prefix="query")
# k-means restarts; the grouping with the tightest topics wins.
RESTARTS = 4
_STOP = FR_FUNCTION_WORDS | EN_FUNCTION_WORDS | {"user", "http", "rt", "!", "?"}


@dataclass(frozen=True)
class Topic:
    label: str
    terms: tuple[str, ...]
    phrases: tuple[str, ...]
    size: int
    members: tuple[int, ...]  # indices into the input list, closest to the centre first

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def auto_k(n: int) -> int:
    """A readable number of topics: about sqrt(n/2), between 2 and 12."""
    return max(1, min(12, n // 2, round(math.sqrt(n / 2))))


def spherical_kmeans(
    vectors: np.ndarray, k: int, seed: int = 0, iterations: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """(assignment per row, unit centroids); deterministic for a given seed."""
    n = len(vectors)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    # k-means++ seeding on cosine distance: spread-out starting centres.
    centres = [vectors[rng.integers(n)]]
    for _ in range(1, k):
        sims = np.max(vectors @ np.array(centres).T, axis=1)
        dist = np.clip(1.0 - sims, 0.0, None)
        total = dist.sum()
        pick = rng.choice(n, p=dist / total) if total > 0 else rng.integers(n)
        centres.append(vectors[pick])
    centroids = np.array(centres, dtype=np.float64)
    assignment = np.zeros(n, dtype=int)
    for _ in range(iterations):
        new = np.argmax(vectors @ centroids.T, axis=1)
        if _ and np.array_equal(new, assignment):
            break
        assignment = new
        for c in range(k):
            members = vectors[assignment == c]
            if len(members):
                mean = members.sum(axis=0)
                centroids[c] = mean / max(np.linalg.norm(mean), 1e-12)
    return assignment, centroids


def _terms(tokens: list[str]) -> list[str]:
    words = [t for t in tokens if t not in _STOP and len(t) > 2 and t.isalpha()]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def topic_terms(texts: list[str], assignment: np.ndarray, top: int = 3) -> list[list[str]]:
    """Top ``top`` terms per cluster by class-based TF-IDF."""
    clusters = sorted(set(assignment.tolist()))
    counts: dict[int, Counter[str]] = {c: Counter() for c in clusters}
    for text, c in zip(texts, assignment.tolist(), strict=True):
        counts[c].update(set(_terms(lexical_tokens(text))))  # documents, not repeats
    spread: Counter[str] = Counter()
    for counter in counts.values():
        spread.update(counter.keys())
    result = []
    for c in clusters:
        size = max(1, int(np.sum(assignment == c)))
        scored = []
        for term, df in counts[c].items():
            if df < 2 and size > 3:  # a word one post used is not a topic
                continue
            weight = (df / size) * math.log(1 + len(clusters) / spread[term])
            weight *= 1.2 if " " in term else 1.0  # "service client" beats "service"
            scored.append((-weight, term))
        picked: list[str] = []
        for _, term in sorted(scored):
            if any(term in p or p in term for p in picked):
                continue
            picked.append(term)
            if len(picked) == top:
                break
        result.append(picked)
    return result


def find_topics(
    texts: list[str],
    n_topics: int = 0,
    *,
    embeddings: np.ndarray | None = None,
    encoder: EncoderSpec = TOPIC_ENCODER,
    seed: int = 0,
    phrases: bool = True,
) -> list[Topic]:
    """Topics of ``texts``, largest first. Pass ``embeddings`` to reuse an analysis run."""
    if not texts:
        return []
    if embeddings is None:
        from .embed import embed
        from .normalize import clean_for_model

        embeddings = embed([clean_for_model(t) for t in texts], encoder)
    vectors = np.asarray(embeddings, dtype=np.float64)
    k = n_topics or auto_k(len(texts))
    best = None
    for attempt in range(RESTARTS):
        assignment, centroids = spherical_kmeans(vectors, k, seed + attempt)
        cohesion = float(np.sum(vectors * centroids[assignment]))
        if best is None or cohesion > best[0] + 1e-9:
            best = (cohesion, assignment, centroids)
    assert best is not None  # RESTARTS >= 1
    _cohesion, assignment, centroids = best
    terms = topic_terms(texts, assignment)
    topics = []
    for c, picked in zip(sorted(set(assignment.tolist())), terms, strict=True):
        idx = np.flatnonzero(assignment == c)
        order = idx[np.argsort(-(embeddings[idx] @ centroids[c]), kind="stable")]
        members = [texts[i] for i in order]
        found: tuple[str, ...] = ()
        if phrases:
            from .keywords import corpus_keywords

            lang = guess_language(lexical_tokens(" ".join(members[:50])))
            found = tuple(corpus_keywords(members[:50], lang if lang != "und" else "en", top=3))
        label = " · ".join(picked) if picked else (found[0] if found else "divers")
        topics.append(Topic(label, tuple(picked), found, len(idx), tuple(int(i) for i in order)))
    return sorted(topics, key=lambda t: (-t.size, t.label))
