"""What the Facebook Page and Instagram connectors share: times, authors, text checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tribune.networks.base import PostRequest, Rejected, RemoteAuthor

RECONCILE_SLACK = timedelta(minutes=10)  # clock skew between us and Meta


def parse_time(value: str) -> datetime:
    """Graph times: ``2025-03-14T11:00:00+0000``."""
    return datetime.fromisoformat(value).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def unix(moment: datetime) -> int:
    return int(aware(moment).timestamp())


def comparable(text: str | None) -> str:
    return " ".join((text or "").split())


def author(who: dict[str, Any] | None, *, username: str = "") -> RemoteAuthor:
    who = who or {}
    return RemoteAuthor(
        remote_id=str(who.get("id") or ""),
        handle=who.get("username") or username or who.get("name") or "",
        display_name=who.get("name") or "",
    )


def check_public(post: PostRequest, label: str) -> None:
    if post.visibility not in {"", "public"}:
        raise Rejected(f"{label} posts published by Tribune are public.")
    if post.content_warning:
        raise Rejected(f"{label} has no content warnings for posts.")
