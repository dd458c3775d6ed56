"""Images for posts: ``POST /2/media/upload`` (one request, base64 body) then
``POST /2/media/metadata`` for the alt text. Both take OAuth 2.0 user tokens with the
``media.write`` scope (the v1.1 upload tweepy wraps needs OAuth 1.0a). GIFs and videos
need the chunked INIT/APPEND/FINALIZE flow, which Tribune does not implement yet.
https://docs.x.com/x-api/media/upload-media · https://docs.x.com/x-api/media/metadata-create
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import tweepy

from tribune.networks.base import MediaItem, Rejected
from tribune.networks.x.errors import translated

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff"})
MAX_ITEMS = 4
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ALT_TEXT = 1000


def check(items: Sequence[MediaItem]) -> None:
    if len(items) > MAX_ITEMS:
        raise Rejected(f"X takes at most {MAX_ITEMS} images per post.")
    for item in items:
        if item.mime_type not in IMAGE_TYPES:
            raise Rejected("Tribune can attach JPEG, PNG, WebP, BMP or TIFF images to X posts.")
        if len(item.content) > MAX_IMAGE_BYTES:
            raise Rejected("Images on X are limited to 5 MB.")
        if len(item.alt_text) > MAX_ALT_TEXT:
            raise Rejected(f"Alt text on X is limited to {MAX_ALT_TEXT} characters.")


def upload(client: tweepy.Client, item: MediaItem) -> str:
    """Upload one image and set its alt text; returns the media id. A timeout here is only
    ``Unavailable``: an unused upload publishes nothing (it expires after a day)."""
    body = {
        "media": base64.b64encode(item.content).decode("ascii"),
        "media_category": "tweet_image",
        "media_type": item.mime_type,
    }
    with translated():
        answer = client.request("POST", "/2/media/upload", json=body).json()
        media_id = str(answer["data"]["id"])
        if item.alt_text:
            client.request(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": item.alt_text}}},
            )
    return media_id
