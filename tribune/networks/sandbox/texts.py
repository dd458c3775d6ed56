"""Message templates for the simulated audience, in French and English.

Each template has a tone so that the simulation produces a realistic mix (mostly
positive or neutral, some questions, some complaints, a few toxic messages) that the
inbox, moderation and listening features can be tried on.
"""

from __future__ import annotations

TONES = ("positive", "neutral", "question", "negative", "toxic")

# Share of each tone in audience messages (sums to 1).
TONE_WEIGHTS = {"positive": 0.38, "neutral": 0.25, "question": 0.2, "negative": 0.13, "toxic": 0.04}

MENTIONS: dict[str, dict[str, list[str]]] = {
    "fr": {
        "positive": [
            "Franchement {handle}, votre {product} est top, je recommande !",
            "Merci {handle} pour l'accueil au magasin hier, équipe adorable 😊",
            "Je viens de tester {product} de {handle}, trooop bien 👏",
            "Bravo {handle} pour la nouvelle campagne, très réussie",
            "Toujours fidèle à {handle}, jamais déçue par {product}",
        ],
        "neutral": [
            "Quelqu'un a déjà essayé {product} de {handle} ?",
            "Vu la pub {handle} dans le métro ce matin",
            "{handle} sort un nouveau {product} la semaine prochaine apparemment",
        ],
        "question": [
            "{handle} est-ce que {product} est disponible en Belgique ?",
            "Bonjour {handle}, quels sont vos horaires ce week-end ?",
            "{handle} comment je fais pour modifier ma commande ? Merci",
            "{handle} le prix de {product} va-t-il baisser pendant les soldes ?",
        ],
        "negative": [
            "{handle} ma commande n'est toujours pas arrivée, 3 semaines d'attente…",
            "Déçu par {product}, {handle} la qualité a vraiment baissé",
            "{handle} votre service client ne répond jamais, c'est pénible",
            "Trop cher pour ce que c'est, {handle}. Je ne rachèterai pas {product}",
        ],
        "toxic": [
            "{handle} bande d'escrocs, vous êtes vraiment des nuls",
            "{handle} service de merde, allez vous faire voir",
            "{handle} c'est une arnaque, vous devriez avoir honte, bande de voleurs",
        ],
    },
    "en": {
        "positive": [
            "Loving my new {product} from {handle}, great job!",
            "Shout-out to {handle} support, fixed my issue in minutes 🙌",
            "{handle} the latest {product} update is excellent",
        ],
        "neutral": [
            "Has anyone compared {product} by {handle} with the alternatives?",
            "{handle} announced something about {product} today",
        ],
        "question": [
            "{handle} does {product} work with single sign-on?",
            "Hi {handle}, is there a student discount for {product}?",
            "{handle} when will the new version of {product} ship?",
        ],
        "negative": [
            "{handle} {product} has been down all morning, this is frustrating",
            "Really disappointed with {handle}, the price increase is not justified",
            "{handle} still waiting for a refund after two weeks",
        ],
        "toxic": [
            "{handle} you are a bunch of idiots, worst company ever",
            "{handle} total scam, you clowns should be ashamed",
        ],
    },
}

REPLIES: dict[str, dict[str, list[str]]] = {
    "fr": {
        "positive": ["Super idée 👍", "J'adore !", "Trop hâte de tester", "Merci pour l'info !"],
        "neutral": ["Intéressant", "On verra bien", "Ah d'accord"],
        "question": ["C'est disponible où ?", "Ça coûte combien ?", "Livraison en Suisse ?"],
        "negative": ["Bof, pas convaincu", "Encore une hausse de prix…", "Pas pour moi"],
        "toxic": ["Quelle bande de nuls", "Arrêtez de nous prendre pour des idiots, escrocs"],
    },
    "en": {
        "positive": ["Great news!", "Love it", "Can't wait to try it"],
        "neutral": ["Interesting", "Noted", "We'll see"],
        "question": ["Where can I get it?", "How much is it?", "Is it available in Canada?"],
        "negative": ["Not convinced", "Another price hike…", "Meh"],
        "toxic": ["What a bunch of idiots", "Stop lying to us, clowns"],
    },
}

DMS = {
    "fr": [
        "Bonjour, j'ai un souci avec ma commande {order}, pouvez-vous m'aider ?",
        "Bonjour, je suis blogueuse et j'aimerais parler d'un partenariat",
        "Salut ! Je peux venir à votre prochain événement ?",
    ],
    "en": [
        "Hi, I have a problem with order {order}, can you help?",
        "Hello, I run a podcast and would love to have someone from your team on it",
    ],
}

CHATTER = {
    "fr": [
        "{other} tu as vu la dernière annonce de {brand} ?",
        "Avec {other} on parlait de {product} hier soir",
        "{other} merci pour le conseil, je vais tester {product}",
        "Super thread de {other} sur les réseaux sociaux aujourd'hui",
    ],
    "en": [
        "{other} did you see what {brand} announced?",
        "Great thread by {other} on community building",
        "{other} thanks for the tip about {product}",
    ],
}

BRAND_POSTS = {
    "fr": [
        "Nouveau : découvrez {product} dès aujourd'hui ✨ {link}",
        "Les coulisses de notre atelier cette semaine 📸",
        "Merci à toute la communauté pour vos retours sur {product} 💬",
        "Jeu concours : dites-nous en commentaire votre moment préféré avec {product} !",
        "Notre équipe sera présente au salon ce week-end, venez nous voir 👋",
        "Astuce du jour : comment bien utiliser {product} {link}",
    ],
    "en": [
        "New: meet {product}, available today {link}",
        "Behind the scenes with our team this week",
        "Thanks for all your feedback on {product}!",
        "Join our webinar next Thursday to see {product} in action {link}",
    ],
}
