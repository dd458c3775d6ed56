"""Video views of the page's video posts (``videoAnalytics``, type ``VIDEO_VIEW``).

LinkedIn counts a view when a play reaches 3 seconds (a looping video counts once per
load) and keeps the number for about six months; ``aggregation=ALL`` gives one lifetime
total. The API takes the URN of a ``ugcPost`` that holds the video, one post per call.

Connectors see only the posts' URNs, so which posts hold a video is asked from LinkedIn:
one batch read of the Posts API per 20 ``ugcPost`` URNs (a post is a video post when its
``content.media.id`` is a ``urn:li:video:``), then one ``videoAnalytics`` call per video
post. ``urn:li:share`` posts cost nothing and keep ``None``: the API does not take them.

A refused or failed call leaves that post's views ``None`` (logged) and the other posts'
numbers intact; after a 429 the remaining video posts wait for the next collection.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/video-analytics-api
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import unquote

from tribune.networks.base import NetworkError, RateLimited
from tribune.networks.linkedin.client import LinkedIn, urn

logger = logging.getLogger(__name__)

POSTS_BATCH = 20
UGC_POST = "urn:li:ugcPost:"
VIDEO = "urn:li:video:"


def video_posts(api: LinkedIn, ids: Sequence[str]) -> list[str]:
    """The ``ugcPost`` URNs among ``ids`` whose post holds a video."""
    candidates = [i for i in ids if i.startswith(UGC_POST)]
    found = []
    for start in range(0, len(candidates), POSTS_BATCH):
        batch = candidates[start : start + POSTS_BATCH]
        answer = api.json(
            "GET",
            "posts",
            query=f"ids=List({','.join(urn(i) for i in batch)})",
            headers={"X-RestLi-Method": "BATCH_GET"},
        )
        for key, post in (answer.get("results") or {}).items():
            post = post if isinstance(post, dict) else {}
            post_urn = str(post.get("id") or unquote(key))
            media = (post.get("content") or {}).get("media") or {}
            # Only the posts asked: each one found costs a videoAnalytics call.
            if post_urn in batch and str(media.get("id", "")).startswith(VIDEO):
                found.append(post_urn)
    return found


def lifetime_views(api: LinkedIn, post_urn: str) -> int | None:
    """The post's lifetime ``VIDEO_VIEW`` total; None when LinkedIn gives no number."""
    answer = api.json(
        "GET",
        "videoAnalytics",
        query=f"q=entity&entity={urn(post_urn)}&type=VIDEO_VIEW&aggregation=ALL",
    )
    values = [
        element.get("value")
        for element in answer.get("elements") or []
        if element.get("type", "VIDEO_VIEW") == "VIDEO_VIEW"
    ]
    known = [int(v) for v in values if v is not None]
    return sum(known) if known else None


def video_views(api: LinkedIn, ids: Sequence[str]) -> dict[str, int]:
    """``{post URN: views}`` for the video posts among ``ids`` that LinkedIn answered for.
    Never raises a ``NetworkError``: the share statistics must not be lost for views."""
    try:
        videos = video_posts(api, ids)
    except NetworkError as exc:
        logger.warning("LinkedIn video posts could not be listed: %s %s", exc.message, exc.detail)
        return {}
    views: dict[str, int] = {}
    for position, post_urn in enumerate(videos):
        try:
            value = lifetime_views(api, post_urn)
        except RateLimited as exc:
            logger.warning(
                "LinkedIn video views: rate limited after %d of %d posts (retry in %.0f s): %s",
                position,
                len(videos),
                exc.retry_after,
                exc.detail,
            )
            break
        except NetworkError as exc:
            logger.warning(
                "LinkedIn video views of %s not read: %s %s", post_urn, exc.message, exc.detail
            )
            continue
        if value is not None:
            views[post_urn] = value
    return views
