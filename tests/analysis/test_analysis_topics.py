import numpy as np

from tribune.analysis import extract_keywords, find_topics
from tribune.analysis.topics import auto_k, spherical_kmeans

DELIVERY = [
    "Mon colis n'est toujours pas arrivé, livraison en retard",
    "Livraison en retard encore une fois, colis introuvable",
    "Le colis est perdu, la livraison est un cauchemar",
    "Toujours pas de livraison, colis bloqué au dépôt",
]
PRICES = [
    "Les prix ont encore augmenté, abonnement trop cher",
    "Abonnement trop cher pour ce que c'est, prix abusifs",
    "Prix en hausse, l'abonnement devient trop cher",
    "Franchement l'abonnement est trop cher, baissez les prix",
]


def test_kmeans_is_deterministic_and_separates_directions():
    rng = np.random.default_rng(1)
    a = rng.normal([5, 0, 0], 0.3, (10, 3))
    b = rng.normal([0, 5, 0], 0.3, (10, 3))
    x = np.vstack([a, b])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    first, _ = spherical_kmeans(x, 2, seed=3)
    second, _ = spherical_kmeans(x, 2, seed=3)
    assert np.array_equal(first, second)
    assert len(set(first[:10])) == 1 and len(set(first[10:])) == 1 and first[0] != first[10]


def test_topics_group_posts_and_get_readable_labels(warm_model):
    texts = DELIVERY + PRICES
    topics = find_topics(texts, n_topics=2)
    assert sorted(t.size for t in topics) == [4, 4]
    groups = [{texts[i] for i in t.members} for t in topics]
    assert set(DELIVERY) in groups and set(PRICES) in groups
    labels = " ".join(t.label for t in topics)
    assert "colis" in labels or "livraison" in labels
    assert "cher" in labels or "abonnement" in labels or "prix" in labels


def test_auto_k_stays_readable():
    assert auto_k(1) == 1
    assert auto_k(8) == 2
    assert auto_k(10_000) == 12


def test_keywords_in_both_languages():
    assert "service client" in extract_keywords(
        "Le service client ne répond pas, service client injoignable", "fr"
    )
    assert "battery life" in extract_keywords(
        "The battery life is short and the battery life matters", "en"
    )
    assert extract_keywords("ok", "fr") == []
