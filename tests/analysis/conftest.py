"""Fixtures for the analysis tests: a tiny hand-written data folder laid out like the
shared training data (so training and eval run without ../shared/data), and one
warm-up of the embedding model per session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

# Our own sentences, written for these tests.
SENTIMENT = {
    "negative": [
        "Service client nul, je suis très déçu",
        "Colis jamais reçu, c'est une arnaque",
        "Horrible expérience, je ne reviendrai pas",
        "Application plantée depuis trois jours, inadmissible",
        "This product is terrible and broke after a day",
        "Worst customer service I have ever had",
        "I hate waiting two hours on the phone",
        "Really disappointed with the delivery",
    ],
    "neutral": [
        "Le magasin ouvre à neuf heures demain",
        "Nouvelle collection disponible en boutique lundi",
        "La réunion est prévue jeudi à Lyon",
        "Le train part de la gare de Lyon",
        "The store opens at nine tomorrow",
        "The meeting is scheduled for Thursday",
        "New catalogue available next week",
        "The train leaves from platform four",
    ],
    "positive": [
        "Merci beaucoup, service au top !",
        "Trop bien, je recommande à tout le monde",
        "Livraison rapide et produit génial",
        "Bravo à toute l'équipe, super boulot",
        "I love this app, great job",
        "Fantastic support, thank you so much",
        "Best purchase of the year, really happy",
        "Wonderful experience, highly recommended",
    ],
}
TOXIC = [
    "ferme ta gueule connard",
    "t'es qu'un abruti et un crétin",
    "bande d'imbéciles, dégagez",
    "espèce de sale enfoiré",
    "shut up you stupid idiot",
    "you are a worthless moron",
    "go to hell you loser",
    "what a pathetic bunch of idiots",
]
CLEAN = [
    "merci pour votre réponse rapide",
    "à quelle heure ouvre la boutique ?",
    "bonne journée à toute l'équipe",
    "le match commence à vingt heures",
    "thanks for the quick answer",
    "what time does the shop open?",
    "have a nice day everyone",
    "the game starts at eight",
]
SENTIMENT_CODES = {"negative": "0", "neutral": "1", "positive": "2"}


def _write_pair(folder: Path, split: str, texts: list[str], labels: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{split}_text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    (folder / f"{split}_labels.txt").write_text("\n".join(labels) + "\n", encoding="utf-8")


def _sentiment_rows(french: bool | None) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, sentences in SENTIMENT.items():
        for i, sentence in enumerate(sentences):
            if french is None or (i < 4) == french:
                texts.append(sentence)
                labels.append(SENTIMENT_CODES[label])
    return texts, labels


def build_data_dir(root: Path) -> Path:
    xlmt = root / "sentiment" / "xlmt"
    for lang, french in (("french", True), ("english", False)):
        texts, labels = _sentiment_rows(french)
        _write_pair(xlmt / lang, "train", texts, labels)
        # Validation repeats training sentences with a suffix: the point is the plumbing.
        _write_pair(xlmt / lang, "val", [t + " !" for t in texts], labels)
    texts, labels = _sentiment_rows(None)
    _write_pair(xlmt / "all", "train", texts, labels)
    _write_pair(xlmt / "all", "val", texts, labels)
    offensive = root / "toxicity" / "tweeteval" / "offensive"
    rows = [(t, "1") for t in TOXIC[4:]] + [(t, "0") for t in CLEAN[4:]]
    _write_pair(offensive, "train", [t for t, _ in rows], [y for _, y in rows])
    _write_pair(offensive, "val", [t + " !" for t, _ in rows], [y for _, y in rows])
    mlma = root / "toxicity" / "mlma"
    mlma.mkdir(parents=True)
    for lang, part in (("fr", slice(0, 4)), ("en", slice(4, 8))):
        with (mlma / f"{lang}_dataset.csv").open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(["HITId", "tweet", "sentiment", "directness"])
            for i, text in enumerate(TOXIC[part]):
                out.writerow([i, text, "offensive" if i % 2 else "abusive_hateful", "direct"])
            for i, text in enumerate(CLEAN[part]):
                out.writerow([100 + i, text, "normal", "indirect"])
            out.writerow([200, "un avis partagé", "abusive_normal", "indirect"])
    return root


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def warm_model() -> None:
    """Load the embedding model once for the whole session (it is process-wide)."""
    from tribune.analysis import analyze

    analyze(["chauffe"], keywords=False)
