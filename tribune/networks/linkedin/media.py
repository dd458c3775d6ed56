"""Media for LinkedIn posts.

- Images (Images API): initialize an upload for the organization, PUT the bytes to the URL
  LinkedIn gives, then refer to the ``urn:li:image:…`` in the post, with its alt text.
- One video (Videos API): initialize with the file size, PUT each part to its upload URL
  (LinkedIn says which byte ranges), finalize with the parts' ETags, wait until the video
  is ``AVAILABLE``, then refer to the ``urn:li:video:…`` in the post.
Uploads publish nothing, so a timeout during them is ``Unavailable``.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api ·
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from tribune.networks.base import MediaItem, Rejected, Unavailable
from tribune.networks.linkedin.client import LinkedIn, urn

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif"})
MAX_ITEMS = 20  # a multi-image post takes 2 to 20 images
MAX_ALT_TEXT = 4086
VIDEO_TYPES = frozenset({"video/mp4"})
MIN_VIDEO_BYTES, MAX_VIDEO_BYTES = 75 * 1024, 500 * 1024 * 1024
WAIT_ATTEMPTS, WAIT_SECONDS = 30, 3.0  # 90 s: under the publisher's stuck delay
sleep: Callable[[float], None] = time.sleep  # tests replace it


def check(items: Sequence[MediaItem]) -> None:
    if any(item.mime_type.startswith("video/") for item in items):
        if len(items) > 1:
            raise Rejected("A LinkedIn post takes one video on its own, without images.")
        if items[0].mime_type not in VIDEO_TYPES:
            raise Rejected("LinkedIn takes MP4 videos only.")
        if not MIN_VIDEO_BYTES <= len(items[0].content) <= MAX_VIDEO_BYTES:
            raise Rejected("LinkedIn takes videos from 75 KB to 500 MB.")
        return
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


def upload_video(api: LinkedIn, owner: str, item: MediaItem) -> str:
    """One video → its URN, once LinkedIn has processed it."""
    started = api.json(
        "POST",
        "videos",
        query="action=initializeUpload",
        json={
            "initializeUploadRequest": {
                "owner": owner,
                "fileSizeBytes": len(item.content),
                "uploadCaptions": False,
                "uploadThumbnail": False,
            }
        },
    )
    value = started["value"]
    video = str(value["video"])
    etags = []
    for part in value["uploadInstructions"]:
        first, last = int(part["firstByte"]), int(part["lastByte"])
        response = api.request(
            "PUT",
            part["uploadUrl"],
            content=item.content[first : last + 1],
            headers={"Content-Type": "application/octet-stream"},
        )
        etags.append(response.headers.get("etag", ""))
    api.json(
        "POST",
        "videos",
        query="action=finalizeUpload",
        json={
            "finalizeUploadRequest": {
                "video": video,
                "uploadToken": value.get("uploadToken", ""),
                "uploadedPartIds": etags,
            }
        },
    )
    for _ in range(WAIT_ATTEMPTS):
        status = api.json("GET", f"videos/{urn(video)}").get("status")
        if status == "AVAILABLE":
            return video
        if status == "PROCESSING_FAILED":
            raise Rejected("LinkedIn could not process the video.")
        sleep(WAIT_SECONDS)
    raise Unavailable("LinkedIn is still processing the video; we will try again.")


def content(
    api: LinkedIn, owner: str, items: Sequence[MediaItem], title: str = ""
) -> dict[str, Any] | None:
    if not items:
        return None
    if items[0].mime_type.startswith("video/"):
        return {"media": {"id": upload_video(api, owner, items[0]), "title": title}}
    images = []
    for item in items:
        image: dict[str, str] = {"id": upload(api, owner, item)}
        if item.alt_text:
            image["altText"] = item.alt_text
        images.append(image)
    if len(images) == 1:
        return {"media": images[0]}
    return {"multiImage": {"images": images}}
