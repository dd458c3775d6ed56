"""Live checks on a variant: the network's own length rules and the brand's charter."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.networks.registry import connector_class
from tribune.publishing.textcount import measure
from tribune.strategy.rules.engine import ContentContext
from tribune.strategy.services.charter import check_brand_content


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str  # "block" | "warn"
    message: str
    start: int | None = None
    end: int | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "block"


def _length_problems(network: str, text: str) -> tuple[list[Problem], int, int]:
    try:
        m = measure(network, text)
    except ValueError:
        return [], len(text), 0
    problems = []
    messages = {
        "too_long": _("%(length)d characters for a limit of %(limit)d on this network.")
        % {"length": m.length, "limit": m.limit},
        "too_many_hashtags": _("Too many hashtags for this network (at most %(n)s).")
        % {"n": m.max_hashtags},
        "too_many_mentions": _("Too many mentions for this network (at most %(n)s).")
        % {"n": m.max_mentions},
        "too_many_bytes": _("The text is too large for this network."),
    }
    for code in m.problems:
        problems.append(Problem(code, "block", messages[code]))
    return problems, m.length, m.limit


def charter_problems(
    brand: Brand, network: str, text: str, context: ContentContext
) -> list[Problem]:
    language = get_language() or "fr"
    return [
        Problem(v.code, v.severity, v.message(language), v.start, v.end)
        for v in check_brand_content(brand, network, text, context)
    ]


def media_problems(network: str, images: int) -> list[Problem]:
    if not images:
        return []
    connector = connector_class(network)
    if "media" not in connector.capabilities:
        return [
            Problem(
                "media_unsupported",
                "block",
                _("Tribune cannot publish images on %(network)s yet.")
                % {"network": connector.label},
            )
        ]
    if images > connector.limits.max_media:
        return [
            Problem(
                "too_many_images",
                "block",
                _("%(network)s accepts at most %(n)d images per post.")
                % {"network": connector.label, "n": connector.limits.max_media},
            )
        ]
    return []


def check_text(
    brand: Brand,
    network: str,
    text: str,
    *,
    sponsored: bool = False,
    language: str = "",
    account: str = "",
) -> dict:
    """Everything the composer shows for one account: counts and problems."""
    problems, length, limit = _length_problems(network, text)
    if not text.strip():
        problems.append(Problem("empty", "block", _("The text is empty.")))
    context = ContentContext(sponsored=sponsored, language=language or None, account=account)
    problems += charter_problems(brand, network, text, context)
    from tribune.publishing.preview import preview_html

    return {
        "length": length,
        "limit": limit,
        "problems": problems,
        "blocking": any(p.blocking for p in problems),
        "preview": preview_html(text, problems),
    }
