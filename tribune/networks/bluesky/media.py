"""Media for posts: checks, blob upload and the ``app.bsky.embed.images`` embed, or one
MP4 video in an ``app.bsky.embed.video`` embed.

Videos use the documented "simple method": the file is uploaded to the PDS with
``uploadBlob`` like an image, and Bluesky's video service processes it once the post is in
the firehose (it may show as processing for a few seconds). Bluesky-hosted accounts must
have verified their email to post videos, and have a daily video quota.
https://docs.bsky.app/docs/advanced-guides/posts#images-embeds ·
https://docs.bsky.app/docs/tutorials/video
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
MAX_VIDEO_BYTES = 100_000_000  # 100 MB (the lexicon now allows more; PDSes may not)


def check(media: Sequence[MediaItem]) -> None:
    if any(item.mime_type.startswith("video/") for item in media):
        if len(media) > 1:
            raise Rejected("A Bluesky post takes one video on its own, without images.")
        if media[0].mime_type != "video/mp4":
            raise Rejected("Bluesky takes MP4 videos only.")
        if len(media[0].content) > MAX_VIDEO_BYTES:
            raise Rejected("Videos on Bluesky must be under 100 MB.")
        return
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


def video_aspect_ratio(content: bytes) -> models.AppBskyEmbedDefs.AspectRatio | None:
    """From the MP4 headers (the composer's box parser); optional, like for images."""
    try:
        from tribune.publishing.video import probe

        info = probe(io.BytesIO(content))
    except Exception:  # noqa: BLE001 - unreadable: simply omit it
        return None
    return models.AppBskyEmbedDefs.AspectRatio(width=info.width, height=info.height)


def embed(
    client: Client, media: Sequence[MediaItem]
) -> models.AppBskyEmbedImages.Main | models.AppBskyEmbedVideo.Main | None:
    if not media:
        return None
    if media[0].mime_type.startswith("video/"):
        item = media[0]
        with translated():  # content-addressed blob: uploading twice is harmless
            blob = client.com.atproto.repo.upload_blob(
                item.content, headers={"Content-Type": item.mime_type}
            ).blob
        return models.AppBskyEmbedVideo.Main(
            video=blob, alt=item.alt_text or None, aspect_ratio=video_aspect_ratio(item.content)
        )
    return embed_images(client, media)
