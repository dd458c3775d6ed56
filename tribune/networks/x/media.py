"""Media for posts, with OAuth 2.0 user tokens (``media.write`` scope; the v1.1 upload
tweepy wraps needs OAuth 1.0a).

- Images: ``POST /2/media/upload`` (one request, base64 body), then
  ``POST /2/media/metadata`` for the alt text.
- One video: the chunked upload — ``POST /2/media/upload/initialize`` (type, size,
  ``tweet_video``), ``POST /2/media/upload/{id}/append`` per 4 MB segment (multipart),
  ``POST /2/media/upload/{id}/finalize``, then ``GET /2/media/upload?command=STATUS``
  until X has processed it. An upload publishes nothing (unused media expire), so a
  timeout anywhere here is only ``Unavailable``.
https://docs.x.com/x-api/media/upload-media · https://docs.x.com/x-api/media/metadata-create ·
https://docs.x.com/x-api/media/quickstart/media-upload-chunked
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
import tweepy

from tribune.networks.base import MediaItem, Rejected, Unavailable
from tribune.networks.x.errors import translated

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime"})
MAX_ITEMS = 4
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_VIDEO_BYTES = 512 * 1024 * 1024
MAX_ALT_TEXT = 1000
SEGMENT_BYTES = 4 * 1024 * 1024  # APPEND takes at most 5 MB per request
API_HOST = "https://api.twitter.com"  # tweepy's host for every v2 route
MAX_WAIT_SECONDS = 90.0  # under the publisher's stuck delay (TRIBUNE_PUBLISH_STUCK_SECONDS)
sleep: Callable[[float], None] = time.sleep  # tests replace it


def check(items: Sequence[MediaItem]) -> None:
    videos = [item for item in items if item.mime_type in VIDEO_TYPES]
    if videos:
        if len(items) > 1:
            raise Rejected("An X post takes one video on its own, without images.")
        if len(videos[0].content) > MAX_VIDEO_BYTES:
            raise Rejected("Videos on X are limited to 512 MB.")
        return
    if len(items) > MAX_ITEMS:
        raise Rejected(f"X takes at most {MAX_ITEMS} images per post.")
    for item in items:
        if item.mime_type not in IMAGE_TYPES:
            raise Rejected(
                "Tribune can attach JPEG, PNG, WebP, BMP or TIFF images, or one MP4/MOV "
                "video, to X posts."
            )
        if len(item.content) > MAX_IMAGE_BYTES:
            raise Rejected("Images on X are limited to 5 MB.")
        if len(item.alt_text) > MAX_ALT_TEXT:
            raise Rejected(f"Alt text on X is limited to {MAX_ALT_TEXT} characters.")


def upload(client: tweepy.Client, item: MediaItem) -> str:
    """Upload one image (and set its alt text) or one video; returns the media id."""
    if item.mime_type in VIDEO_TYPES:
        return upload_video(client, item)
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


def _raise_for_status(response: requests.Response) -> None:
    """The tweepy exception ``client.request`` would raise (``translated`` maps it)."""
    if response.ok:
        return
    error: type[tweepy.HTTPException] = {
        400: tweepy.BadRequest,
        401: tweepy.Unauthorized,
        403: tweepy.Forbidden,
        404: tweepy.NotFound,
        429: tweepy.TooManyRequests,
    }.get(response.status_code, tweepy.HTTPException)
    if response.status_code >= 500:
        error = tweepy.TwitterServerError
    raise error(response)


def _processing(answer: dict[str, Any]) -> dict[str, Any]:
    return dict((answer.get("data") or {}).get("processing_info") or {})


def upload_video(client: tweepy.Client, item: MediaItem) -> str:
    with translated():
        started = client.request(
            "POST",
            "/2/media/upload/initialize",
            json={
                "media_type": item.mime_type,
                "total_bytes": len(item.content),
                "media_category": "tweet_video",
            },
        ).json()
        media_id = str(started["data"]["id"])
        for index, offset in enumerate(range(0, len(item.content), SEGMENT_BYTES)):
            response = client.session.post(
                f"{API_HOST}/2/media/upload/{media_id}/append",
                data={"segment_index": str(index)},
                files={
                    "media": (
                        "segment",
                        item.content[offset : offset + SEGMENT_BYTES],
                        "application/octet-stream",
                    )
                },
                headers={"Authorization": f"Bearer {client.bearer_token}"},
            )
            _raise_for_status(response)
        answer = client.request("POST", f"/2/media/upload/{media_id}/finalize").json()
        info = _processing(answer)
        waited = 0.0
        while info.get("state") in {"pending", "in_progress"}:
            if waited >= MAX_WAIT_SECONDS:
                raise Unavailable("X is still processing the video; we will try again.")
            delay = float(info.get("check_after_secs") or 5)
            sleep(delay)
            waited += delay
            answer = client.request(
                "GET", "/2/media/upload", params={"command": "STATUS", "media_id": media_id}
            ).json()
            info = _processing(answer)
    if info.get("state") == "failed":
        reason = (info.get("error") or {}).get("message") or "unknown reason"
        raise Rejected(f"X could not process the video: {reason}.")
    return media_id
