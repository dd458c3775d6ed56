"""Videos: resumable upload, metadata updates, and finding our own uploads.

Upload (``videos.insert``, 1,600 quota units): start a resumable session with the
metadata, then send the file in one ``PUT`` to the session URL. Only that ``PUT`` creates
a video, so only its timeout is an ``UnknownOutcome``. Videos uploaded by API projects
that Google has not audited are locked private, whatever ``privacyStatus`` says.
https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol ·
https://developers.google.com/youtube/v3/docs/videos/insert
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tribune.networks.base import MediaItem, PostRequest, Rejected
from tribune.networks.youtube.client import UPLOAD_API, YouTube

MAX_TITLE = 100
MAX_DESCRIPTION = 5000
PRIVACY = {"": "public", "public": "public", "unlisted": "unlisted", "private": "private"}
PEOPLE_AND_BLOGS = "22"  # videos need a category; this is YouTube's general-purpose one


def title_of(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= MAX_TITLE:
        return first
    return first[: MAX_TITLE - 1].rstrip() + "…"


def check(post: PostRequest) -> MediaItem:
    if len(post.media) != 1 or not post.media[0].mime_type.startswith("video/"):
        raise Rejected(
            "YouTube publishes videos only: attach exactly one video (text posts cannot be "
            "published through the YouTube API)."
        )
    if post.visibility not in PRIVACY:
        raise Rejected(f"YouTube has no {post.visibility!r} visibility.")
    if len(post.text) > MAX_DESCRIPTION:
        raise Rejected("YouTube descriptions are limited to 5,000 characters.")
    if "<" in post.text or ">" in post.text:
        raise Rejected("YouTube titles and descriptions cannot contain < or >.")
    if not title_of(post.text):
        raise Rejected("A YouTube video needs a title: the first line of the text.")
    return post.media[0]


def upload(api: YouTube, post: PostRequest) -> dict[str, Any]:
    video = check(post)
    snippet: dict[str, Any] = {
        "title": title_of(post.text),
        "description": post.text,
        "categoryId": PEOPLE_AND_BLOGS,
    }
    if post.language:
        snippet["defaultLanguage"] = post.language
    status = {"privacyStatus": PRIVACY[post.visibility], "selfDeclaredMadeForKids": False}
    session = api.request(
        "POST",
        f"{UPLOAD_API}/videos",
        params={"uploadType": "resumable", "part": "snippet,status"},
        json={"snippet": snippet, "status": status},
        headers={
            "X-Upload-Content-Type": video.mime_type,
            "X-Upload-Content-Length": str(len(video.content)),
        },
    )
    location = session.headers.get("location", "")
    if not location.startswith(UPLOAD_API):
        raise Rejected("YouTube did not open an upload session.", detail=location[:200])
    return api.json(
        "PUT",
        location,
        content=video.content,
        headers={"Content-Type": video.mime_type},
        write=True,
    )


def update_metadata(
    api: YouTube,
    video_id: str,
    *,
    title: str | None = None,
    description: str | None = None,
    tags: list[str] | None = None,
) -> None:
    """Change an existing video's title, description or tags (``videos.update`` replaces
    the whole snippet, so the current one is read first)."""
    found = api.json("GET", "videos", params={"part": "snippet", "id": video_id}).get("items")
    if not found:
        raise Rejected("That YouTube video does not exist (deleted?).")
    snippet = found[0]["snippet"]
    keep = ("title", "description", "tags", "categoryId", "defaultLanguage")
    snippet = {k: snippet[k] for k in keep if k in snippet}
    if title is not None:
        snippet["title"] = title
    if description is not None:
        snippet["description"] = description
    if tags is not None:
        snippet["tags"] = tags
    api.json("PUT", "videos", params={"part": "snippet"}, json={"id": video_id, "snippet": snippet})


def uploads(api: YouTube, channel_id: str, pages: int = 2) -> Iterator[dict[str, Any]]:
    """The channel's uploads, newest first (``playlistItems`` of its uploads playlist)."""
    channel = api.json("GET", "channels", params={"part": "contentDetails", "id": channel_id})
    items = channel.get("items") or [{}]
    playlist = items[0].get("contentDetails", {}).get("relatedPlaylists", {}).get("uploads")
    if not playlist:
        return
    token = None
    for _ in range(pages):
        params = {"part": "snippet", "playlistId": playlist, "maxResults": 25}
        if token:
            params["pageToken"] = token
        page = api.json("GET", "playlistItems", params=params)
        yield from page.get("items") or []
        token = page.get("nextPageToken")
        if not token:
            return
