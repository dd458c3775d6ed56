"""Tracked short links: UTM parameters per network and campaign, click counting."""

from __future__ import annotations

import secrets
import string
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tribune.publishing.models import LinkClick, TrackedLink, Variant
from tribune.strategy.rules.entities import find_urls

ALPHABET = string.ascii_letters + string.digits
BOT_MARKERS = ("bot", "crawler", "spider", "preview", "facebookexternalhit", "slurp", "curl")


def with_utm(url: str, source: str, campaign: str, medium: str = "social") -> str:
    """Add UTM parameters the URL does not already have (the author's own win)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {k for k, _v in query}
    for key, value in (("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)):
        if key not in present and value:
            query.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def short_url(code: str) -> str:
    return f"{settings.SITE_URL}/l/{code}"


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(7))
        if not TrackedLink.objects.filter(code=code).exists():
            return code


def render_variant(variant: Variant, campaign: str = "") -> str:
    """The text as it will be sent: every web link replaced by a tracked short link.

    Idempotent: links already created for this variant are reused, so rendering again
    (a reschedule, a retry) gives the same text — which reconciliation relies on.
    """
    text = variant.body
    existing = {link.original_url: link for link in TrackedLink.objects.filter(variant=variant)}
    pieces, cursor = [], 0
    network = variant.account.network
    campaign = campaign or variant.brand.slug
    for url in find_urls(text):
        href = url.text if "://" in url.text else f"https://{url.text}"
        if href.startswith(settings.SITE_URL + "/l/"):
            continue
        link = existing.get(href)
        if link is None:
            link = TrackedLink.objects.create(
                brand=variant.brand,
                code=_new_code(),
                original_url=href,
                target_url=with_utm(href, network, campaign),
                variant=variant,
                network=network,
                campaign=campaign,
            )
            existing[href] = link
        pieces += [text[cursor : url.start], short_url(link.code)]
        cursor = url.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def agent_class(user_agent: str) -> str:
    ua = user_agent.lower()
    if not ua:
        return "other"
    if any(marker in ua for marker in BOT_MARKERS):
        return "bot"
    if "mobi" in ua or "android" in ua or "iphone" in ua:
        return "mobile"
    return "desktop"


CLICK_PARAM = "tclid"  # the click id a site hands back with a conversion (analytics)
_CLICK_SIGNER = signing.Signer(salt="tribune.publishing.click")


def click_id(click: LinkClick) -> str:
    """A click id that cannot be forged or enumerated: the row id, signed."""
    return _CLICK_SIGNER.sign(signing.b62_encode(click.pk))


def click_pk(value: str) -> int | None:
    try:
        return signing.b62_decode(_CLICK_SIGNER.unsign(value))
    except (signing.BadSignature, ValueError):
        return None


def with_click_id(url: str, click: LinkClick) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CLICK_PARAM]
    query.append((CLICK_PARAM, click_id(click)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def record_click(link: TrackedLink, request: HttpRequest) -> LinkClick:
    referrer = urlsplit(request.META.get("HTTP_REFERER", "")).hostname or ""
    agent = agent_class(request.META.get("HTTP_USER_AGENT", ""))
    click = LinkClick.objects.create(
        link=link,
        brand_id=link.brand_id,
        at=timezone.now(),
        referrer_host=referrer[:200],
        agent=agent,
    )
    if agent != "bot":
        TrackedLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    return click
