"""Tracked short links: UTM parameters per network and campaign, click counting."""

from __future__ import annotations

import functools
import secrets
import string
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F, Field
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


def click_id(click: LinkClick | int) -> str:
    """A click id that cannot be forged or enumerated: the row id (``click`` or its pk,
    which the link server knows before the row exists), signed."""
    pk = click if isinstance(click, int) else click.pk
    return _CLICK_SIGNER.sign(signing.b62_encode(pk))


def click_pk(value: str) -> int | None:
    try:
        return signing.b62_decode(_CLICK_SIGNER.unsign(value))
    except (signing.BadSignature, ValueError):
        return None


@functools.lru_cache(maxsize=4096)
def _target_parts(url: str) -> tuple[SplitResult, str]:
    """A redirect target split, its query re-encoded without any click id. Cached: the
    same few targets take most clicks, and the redirect is the hottest path."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CLICK_PARAM]
    return parts, urlencode(query)


def with_click_id(url: str, click: LinkClick | int) -> str:
    """``url`` with this click's id as its last query parameter (replacing any other)."""
    parts, query = _target_parts(url)
    tag = urlencode([(CLICK_PARAM, click_id(click))])
    return urlunsplit(parts._replace(query=f"{query}&{tag}" if query else tag))


def referrer_host(referrer: str) -> str:
    """The host of a ``Referer`` header, the only part kept (empty when absent or malformed)."""
    try:
        return (urlsplit(referrer).hostname or "")[:200]
    except ValueError:  # e.g. an unclosed IPv6 bracket: not worth a 500 on a redirect
        return ""


def record_click(link: TrackedLink, referrer: str = "", user_agent: str = "") -> LinkClick:
    """Log one click on ``link`` (``referrer``/``user_agent``: the raw request headers)
    and count it unless it comes from a bot."""
    agent = agent_class(user_agent)
    click = LinkClick.objects.create(
        link=link,
        brand_id=link.brand_id,
        at=timezone.now(),
        referrer_host=referrer_host(referrer),
        agent=agent,
    )
    if agent != "bot":
        TrackedLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    return click


_FOLLOW_SQL = (
    "WITH link AS (SELECT id, brand_id, target_url FROM {links} WHERE code = %s), "
    "click AS (INSERT INTO {clicks} (link_id, brand_id, {columns}) "
    "SELECT id, brand_id, {values} FROM link RETURNING id, link_id, brand_id), "
    "counted AS (UPDATE {links} SET clicks = clicks + 1 "
    "WHERE id = (SELECT id FROM link) AND %s RETURNING id) "
    "SELECT link.target_url, click.id, click.link_id, click.brand_id FROM link, click"
)
_follow_statement: tuple[str, list[Field]] | None = None


def _follow_sql() -> tuple[str, list[Field]]:
    """The PostgreSQL statement of :func:`follow` and the LinkClick fields it fills, built
    once per process from the models (only quoted table/column names go into the text)."""
    global _follow_statement
    if _follow_statement is None:
        fields = [
            field
            for field in LinkClick._meta.concrete_fields
            if not field.primary_key and field.name not in ("link", "brand")
        ]
        quote = connection.ops.quote_name
        sql = (
            _FOLLOW_SQL.replace("{links}", quote(TrackedLink._meta.db_table))
            .replace("{clicks}", quote(LinkClick._meta.db_table))
            .replace("{columns}", ", ".join(quote(str(f.column)) for f in fields))
            .replace("{values}", ", ".join(["%s"] * len(fields)))
        )
        _follow_statement = (sql, fields)
    return _follow_statement


def follow(code: str, referrer: str = "", user_agent: str = "") -> tuple[str, LinkClick] | None:
    """The redirect's work in one go: find the link, record the click, count it (not
    for bots). ``referrer`` and ``user_agent`` are the raw ``Referer`` and ``User-Agent``
    headers; both the Django view and the WSGI fast path (:mod:`fastlink`) call this.

    On PostgreSQL this is one statement (data-modifying CTEs) — one round trip and one
    commit per click, the hot path of ``/l/<code>``; elsewhere three statements in one
    transaction. Returns ``(target_url, click)`` or None for an unknown code."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            link = TrackedLink.objects.filter(code=code).only("id", "brand_id", "target_url")
            found = link.first()
            if found is None:
                return None
            return found.target_url, record_click(found, referrer, user_agent)
    host = referrer_host(referrer)
    agent = agent_class(user_agent)
    now = timezone.now()
    values = {"at": now, "referrer_host": host, "agent": agent}
    sql, fields = _follow_sql()
    params = [
        field.get_db_prep_save(
            values[field.name] if field.name in values else field.get_default(), connection
        )
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [code, *params, agent != "bot"])
        row = cursor.fetchone()
    if row is None:
        return None
    target, click_id_, link_id, brand_id = row
    return target, LinkClick(
        pk=click_id_,
        link_id=link_id,
        brand_id=brand_id,
        at=now,
        referrer_host=host,
        agent=agent,
    )
