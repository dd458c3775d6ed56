"""Video rules per network, from each network's documentation, for the networks Tribune
publishes video to. A network missing here gets no video from Tribune (the composer says
so before anything is scheduled).

Every network that takes video takes **one** video per post, never mixed with images.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
MP4_MOV = frozenset({"video/mp4", "video/quicktime"})


@dataclass(frozen=True)
class VideoRules:
    max_bytes: int
    min_seconds: float
    max_seconds: float
    types: frozenset[str]
    source: str  # where the numbers come from
    min_bytes: int = 0
    warn_seconds: float | None = None  # longer works only for some accounts


VIDEO_RULES: dict[str, VideoRules] = {
    # The built-in simulated network takes what the strictest real network takes.
    "sandbox": VideoRules(512 * MB, 0.5, 600, MP4_MOV, "Tribune's sandbox"),
    # 512 MB, 0.5–140 s for posts (longer only for some paid accounts).
    "x": VideoRules(
        512 * MB,
        0.5,
        140,
        MP4_MOV,
        "https://docs.x.com/x-api/media/quickstart/best-practices",
    ),
    # MP4 up to 100 MB through the PDS, up to 3 minutes (Bluesky's video service).
    "bluesky": VideoRules(
        100 * 1000 * 1000,
        0,
        180,
        frozenset({"video/mp4"}),
        "https://docs.bsky.app/docs/tutorials/video",
    ),
    # Mastodon 4.x default limit: 99 MB per video; no duration limit (the server
    # transcodes). Instance administrators may set other limits.
    "mastodon": VideoRules(
        99 * MB,
        0,
        24 * 3600,
        MP4_MOV | {"video/webm"},
        "https://docs.joinmastodon.org/user/posting/#media",
    ),
    # Page videos, single (non-resumable) upload: up to 1 GB and 20 minutes.
    "facebook": VideoRules(
        1024 * MB,
        1,
        20 * 60,
        MP4_MOV,
        "https://developers.facebook.com/docs/video-api/guides/publishing",
    ),
    # Reels through the Content Publishing API: MP4/MOV, 3 s to 15 min, at most 300 MB.
    "instagram": VideoRules(
        300 * MB,
        3,
        15 * 60,
        MP4_MOV,
        "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media#reel-specifications",
    ),
    # Videos API: MP4, 75 KB to 500 MB, 3 s to 30 min.
    "linkedin": VideoRules(
        500 * MB,
        3,
        30 * 60,
        frozenset({"video/mp4"}),
        "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api",
        min_bytes=75 * 1024,
    ),
    # Up to 256 GB or 12 hours; more than 15 minutes needs a verified channel.
    "youtube": VideoRules(
        256 * 1024 * MB,
        1,
        12 * 3600,
        MP4_MOV | {"video/webm"},
        "https://support.google.com/youtube/answer/71673",
        warn_seconds=15 * 60,
    ),
}
