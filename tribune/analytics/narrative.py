"""The written summary of a report: what changed, computed from the numbers only.

Sentences are built from the period's totals against the previous period, with what
drove the change: the account whose engagement moved most, and the best post. Nothing is
said about a number that is unknown; a change under 1 % reads as "stable".
"""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.analytics import kpis
from tribune.analytics.dashboard import top_posts
from tribune.networks.models import SocialAccount


def number(value: float | int, digits: int = 0) -> str:
    return str(
        formats.number_format(round(value, digits), digits, use_l10n=True, force_grouping=True)
    )


def signed_pct(change: float) -> str:
    # "+18 %" in French (no-break space before %, from the catalogue), "+18%" in English.
    text = ("+" if change >= 0 else "−") + number(abs(change), 0 if abs(change) >= 10 else 1)
    return _("%(value)s%%") % {"value": text}


def _movement(change: float | None, versus: str) -> str:
    if change is None:
        return ""
    if abs(change) < 1:
        return _("stable compared with %(versus)s") % {"versus": versus}
    return _("%(change)s compared with %(versus)s") % {
        "change": signed_pct(change),
        "versus": versus,
    }


def _driver(brand: Brand, period: kpis.Period) -> str:
    """The account whose engagement grew (or fell) the most."""
    best: tuple[float, str] | None = None
    for account in SocialAccount.objects.filter(brand=brand):
        now = kpis.totals(brand, period, [account.pk]).engagement
        before = kpis.totals(brand, period.previous(), [account.pk]).engagement
        delta = now - before
        if best is None or abs(delta) > abs(best[0]):
            best = (delta, f"@{account.handle}")
    return best[1] if best and best[0] else ""


def summary(brand: Brand, period: kpis.Period, versus: str) -> list[str]:
    """Sentences for the report, in the active language."""
    now = kpis.totals(brand, period)
    before = kpis.totals(brand, period.previous())
    lines: list[str] = []
    if now.engagement_rate is not None:
        points = (
            now.engagement_rate - before.engagement_rate
            if before.engagement_rate is not None
            else None
        )
        change = kpis.pct_change(now.engagement_rate, before.engagement_rate)
        text = _("Engagement rate: %(rate)s%%") % {"rate": number(now.engagement_rate, 2)}
        movement = _movement(change, versus)
        if movement:
            text += " (" + movement + ")"
        driver = _driver(brand, period)
        best = top_posts(brand, period, limit=1).rows
        if driver and points is not None and best:
            text += ", " + _("driven by %(account)s and the post “%(post)s”") % {
                "account": driver,
                "post": best[0]["post"][:60],
            }
        elif driver and points is not None:
            text += ", " + _("driven by %(account)s") % {"account": driver}
        lines.append(text + ".")
    elif now.engagement:
        lines.append(
            _(
                "%(n)s interactions; the networks did not report impressions, so no rate can be computed."  # noqa: E501
            )
            % {"n": number(now.engagement)}
        )
    if now.followers is not None and now.growth is not None:
        key = "gained" if now.growth >= 0 else "lost"
        verb = _("gained") if key == "gained" else _("lost")
        lines.append(
            _("The accounts %(verb)s %(n)s followers (%(total)s in all).")
            % {"verb": verb, "n": number(abs(now.growth)), "total": number(now.followers)}
        )
    if now.posts or before.posts:
        text = _("%(n)s posts published") % {"n": number(now.posts)}
        movement = _movement(kpis.pct_change(now.posts, before.posts), versus)
        lines.append(text + (" (" + movement + ")" if movement else "") + ".")
    if now.clicks:
        text = _("%(n)s clicks on tracked links") % {"n": number(now.clicks)}
        if now.ctr is not None:
            text += " — " + _("click-through rate %(ctr)s%%") % {"ctr": number(now.ctr, 2)}
        movement = _movement(kpis.pct_change(now.clicks, before.clicks), versus)
        lines.append(text + (" (" + movement + ")" if movement else "") + ".")
    if now.conversions or before.conversions:
        text = _("%(n)s conversions recorded") % {"n": number(now.conversions)}
        movement = _movement(kpis.pct_change(now.conversions, before.conversions), versus)
        lines.append(text + (" (" + movement + ")" if movement else "") + ".")
    if not lines:
        lines.append(_("No activity was measured in this period."))
    return lines


def versus_label(kind: str) -> str:
    return {
        "monthly": _("last month"),
        "weekly": _("last week"),
    }.get(kind, _("the previous period"))


def figures(brand: Brand, period: kpis.Period) -> dict[str, Any]:
    return {"now": kpis.totals(brand, period), "before": kpis.totals(brand, period.previous())}
