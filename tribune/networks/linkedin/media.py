"""Images for LinkedIn posts (Images API): initialize an upload for the organization, PUT
the bytes to the URL LinkedIn gives, then refer to the ``urn:li:image:…`` in the post,
with its alt text. https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tribune.networks.base import MediaItem, Rejected
from tribune.networks.linkedin.client import LinkedIn

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif"})
MAX_ITEMS = 20  # a multi-image post takes 2 to 20 images
MAX_ALT_TEXT = 4086


def check(items: Sequence[MediaItem]) -> None:
    if len(items) > MAX_ITEMS:
        raise Rejected(f"A LinkedIn post takes at most {MAX_ITEMS} images.")
    if any(item.mime_type not in IMAGE_TYPES for item in items):
        raise Rejected("Tribune attaches JPEG, PNG or GIF images to LinkedIn posts.")
    if any(len(item.alt_text) > MAX_ALT_TEXT for item in items):
        raise Rejected(f"LinkedIn alt text is limited to {MAX_ALT_TEXT} characters.")


def upload(api: LinkedIn, owner: str, item: MediaItem) -> str:
    """One image → its URN. Uploads publish nothing, so a timeout is ``Unavailable``."""
    started = api.json(
        "POST",
        "images",
        query="action=initializeUpload",
        json={"initializeUploadRequest": {"owner": owner}},
    )
    value = started["value"]
    api.request(
        "PUT",
        value["uploadUrl"],
        content=item.content,
        headers={"Content-Type": "application/octet-stream"},
    )
    return str(value["image"])


def content(api: LinkedIn, owner: str, items: Sequence[MediaItem]) -> dict[str, Any] | None:
    if not items:
        return None
    images = []
    for item in items:
        image: dict[str, str] = {"id": upload(api, owner, item)}
        if item.alt_text:
            image["altText"] = item.alt_text
        images.append(image)
    if len(images) == 1:
        return {"media": images[0]}
    return {"multiImage": {"images": images}}
