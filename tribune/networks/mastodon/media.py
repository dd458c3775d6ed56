"""Media attachments: checked first, uploaded with their description (alt text), and
waited for until the server has processed them.

``POST /api/v2/media`` answers 200 with a ``url`` when the file was processed at once, or
202 with ``url: null`` while it is processed; ``GET /api/v1/media/:id`` answers 206 until
it is done. A status cannot attach media that is still processing (422).
https://docs.joinmastodon.org/methods/media/
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from mastodon import Mastodon

from tribune.networks.base import MediaItem, Rejected, Unavailable
from tribune.networks.mastodon.errors import translated

MAX_ITEMS = 4
MAX_DESCRIPTION = 1500  # MediaAttachment description limit since Mastodon 4.0
WAIT_ATTEMPTS = 30
WAIT_SECONDS = 2.0


def _kind(mime_type: str) -> str:
    return mime_type.split("/", 1)[0]


def check(items: Sequence[MediaItem]) -> None:
    """Mastodon takes up to 4 images, or one video or audio file."""
    if len(items) > MAX_ITEMS:
        raise Rejected(f"Mastodon takes at most {MAX_ITEMS} attachments per post.")
    kinds = [_kind(item.mime_type) for item in items]
    if any(kind not in {"image", "video", "audio"} for kind in kinds):
        raise Rejected("Mastodon accepts images, videos and audio files only.")
    if len(items) > 1 and any(kind != "image" for kind in kinds):
        raise Rejected("A Mastodon post takes one video or audio file on its own.")
    if any(len(item.alt_text) > MAX_DESCRIPTION for item in items):
        raise Rejected(f"Mastodon image descriptions are limited to {MAX_DESCRIPTION} characters.")


def upload(
    api: Mastodon,
    item: MediaItem,
    *,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = WAIT_ATTEMPTS,
) -> str:
    """Upload one file and return its attachment id once it is processed.

    A timeout here is only ``Unavailable``: an unattached upload publishes nothing."""
    with translated(api):
        attachment = api.media_post(
            item.content,
            mime_type=item.mime_type,
            description=item.alt_text or None,
            file_name=item.filename or None,
        )
    media_id = str(attachment["id"])
    for _ in range(attempts):
        if attachment.get("url"):
            return media_id
        sleep(WAIT_SECONDS)
        with translated(api):
            attachment = api.media(media_id)
    raise Unavailable("Mastodon is still processing the attachment; we will try again.")
