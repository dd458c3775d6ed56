"""A deterministic audience: the same seed always gives the same people."""

from __future__ import annotations

import random
from dataclasses import dataclass

FR_FIRST = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Jade",
    "Louise",
    "Zoé",
    "Anaïs",
    "Clémence",
    "Hugo",
    "Lucas",
    "Théo",
    "Nathan",
    "Mathis",
    "Louis",
    "Enzo",
    "Raphaël",
    "Jules",
    "Gaëtan",
    "Amélie",
    "Océane",
    "Benoît",
    "Hélène",
    "Jérôme",
    "Françoise",
    "Noémie",
    "Yanis",
    "Sofiane",
    "Aïcha",
    "Maëlle",
    "Loïc",
]
FR_LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "N'Diaye",
    "Benali",
]
EN_FIRST = [
    "Olivia",
    "Emma",
    "Amelia",
    "Grace",
    "Harper",
    "Ella",
    "Oliver",
    "Jack",
    "Harry",
    "George",
    "Noah",
    "Liam",
    "Ethan",
    "Mason",
    "Sophie",
    "Isla",
]
EN_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Walker",
    "Evans",
    "Clarke",
    "Hughes",
]
BIOS = {
    "fr": [
        "Passionnée de cosmétique naturelle",
        "Dev back-end, café et vélo",
        "Maman de 3, blogueuse",
        "Consultant marketing digital",
        "Photographe amateur à Lyon",
        "Étudiante en design",
        "DSI dans une PME industrielle",
        "Journaliste tech",
        "Fan de randonnée et de bons produits",
    ],
    "en": [
        "Product manager, SaaS nerd",
        "Beauty blogger",
        "CTO at a small startup",
        "Tech writer and podcaster",
        "Marketing lead",
    ],
}


@dataclass(frozen=True)
class Person:
    handle: str
    display_name: str
    lang: str
    bio: str
    base_followers: int
    influence: float


def _slug(text: str) -> str:
    table = str.maketrans("àâäéèêëîïôöùûüçÿ", "aaaeeeeiioouuucy")
    cleaned = text.lower().translate(table)
    return "".join(ch for ch in cleaned if ch.isalnum())


def generate_people(seed: int, count: int = 400, french_share: float = 0.75) -> list[Person]:
    """People with a heavy-tailed follower distribution and a handful of hubs."""
    rng = random.Random(f"audience:{seed}")
    people: list[Person] = []
    seen: set[str] = set()
    for index in range(count):
        lang = "fr" if rng.random() < french_share else "en"
        first = rng.choice(FR_FIRST if lang == "fr" else EN_FIRST)
        last = rng.choice(FR_LAST if lang == "fr" else EN_LAST)
        handle = f"{_slug(first)}.{_slug(last)}"
        if handle in seen:
            handle = f"{handle}{index}"
        seen.add(handle)
        # Pareto tail: most people have a few hundred followers, a few have tens of thousands.
        followers = int(min(250_000, 40 * rng.paretovariate(1.1)))
        hub = index % 50 == 7  # ~2 % opinion leaders, spread across the list
        if hub:
            followers = max(followers, 20_000 + rng.randint(0, 60_000))
        influence = min(1.0, (followers / 80_000) ** 0.5)
        people.append(
            Person(
                handle=f"{handle}.sandbox",
                display_name=f"{first} {last}",
                lang=lang,
                bio=rng.choice(BIOS[lang]),
                base_followers=followers,
                influence=round(influence, 4),
            )
        )
    return people
