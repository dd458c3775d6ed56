"""Images for posts: checks, blob upload and the ``app.bsky.embed.images`` embed.

https://docs.bsky.app/docs/advanced-guides/posts#images-embeds
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from atproto import Client, models

from tribune.networks.base import MediaItem, Rejected
from tribune.networks.bluesky.errors import translated

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
MAX_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images: maxSize
MAX_IMAGES = 4


def check(media: Sequence[MediaItem]) -> None:
    if len(media) > MAX_IMAGES:
        raise Rejected(f"Bluesky posts can carry at most {MAX_IMAGES} images.")
    for item in media:
        if item.mime_type not in IMAGE_TYPES:
            raise Rejected(f"Bluesky cannot show {item.mime_type or 'this file'} in a post.")
        if len(item.content) > MAX_IMAGE_BYTES:
            raise Rejected("Images on Bluesky must be under 1 MB.")


def aspect_ratio(content: bytes) -> models.AppBskyEmbedDefs.AspectRatio | None:
    """Width and height help apps lay the image out before it loads; optional."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except Exception:  # noqa: BLE001 - unreadable or Pillow missing: simply omit it
        return None
    return models.AppBskyEmbedDefs.AspectRatio(width=width, height=height)


def embed_images(client: Client, media: Sequence[MediaItem]) -> models.AppBskyEmbedImages.Main:
    images = []
    for item in media:
        # Blobs are content-addressed, so uploading twice is harmless: a timeout here is
        # "unavailable", not an unknown outcome.
        with translated():
            blob = client.com.atproto.repo.upload_blob(
                item.content, headers={"Content-Type": item.mime_type}
            ).blob
        images.append(
            models.AppBskyEmbedImages.Image(
                alt=item.alt_text, image=blob, aspect_ratio=aspect_ratio(item.content)
            )
        )
    return models.AppBskyEmbedImages.Main(images=images)
