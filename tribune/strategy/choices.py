"""Lists shared by the strategy screens: networks a strategy can talk about, currencies.

Strategy covers networks Tribune cannot connect yet (a charter rule for LinkedIn, a
campaign on Instagram), so the list is wider than the connector registry.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NETWORKS: list[tuple[str, str]] = [
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
    ("x", "X"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("linkedin", "LinkedIn"),
    ("youtube", "YouTube"),
    ("tiktok", "TikTok"),
    ("reddit", "Reddit"),
    ("sandbox", "Sandbox"),
]
NETWORK_LABELS = dict(NETWORKS)
ALL_NETWORKS = ("", _("All networks"))

# ISO 4217 codes offered in forms; amounts are Decimals, never floats.
CURRENCIES: list[tuple[str, str]] = [
    ("EUR", "EUR €"),
    ("USD", "USD $"),
    ("GBP", "GBP £"),
    ("CHF", "CHF"),
    ("CAD", "CAD $"),
    ("XOF", "XOF (franc CFA)"),
    ("MAD", "MAD"),
    ("JPY", "JPY ¥"),
]


def network_label(name: str) -> str:
    if not name:
        return str(ALL_NETWORKS[1])
    return NETWORK_LABELS.get(name, name)
