"""Payloads of the events the areas emit (one function per call site, so each hunk in
the areas' code is one line). Each runs inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from tribune.webhooks.services import emit

POST_EVENTS = {"published": "post.published", "failed": "post.failed"}


def post_status_changed(post_id: int, status: str) -> None:
    """Called when a post's combined status changes; published and failed are events."""
    event = POST_EVENTS.get(str(status))
    if event is None:
        return
    from tribune.publishing.models import Post

    post = Post.objects.select_related("brand").filter(pk=post_id).first()
    if post is None:
        return
    variants = [
        {
            "variant_id": v.pk,
            "account_id": v.account_id,
            "network": v.account.network,
            "handle": v.account.handle,
            "status": v.status,
            "remote_id": v.remote_id,
            "url": v.remote_url,
            "published_at": v.published_at,
            "error": v.last_error,
        }
        for v in post.variants.select_related("account").order_by("pk")
    ]
    emit(
        post.brand,
        event,
        {
            "post_id": post.pk,
            "title": post.title,
            "text": post.text,
            "status": post.status,
            "scheduled_at": post.scheduled_at,
            "variants": variants,
        },
    )


def message_received(message: Any) -> None:
    author = message.author
    emit(
        message.brand_id,
        "inbox.message_received",
        {
            "message_id": message.pk,
            "thread_id": message.thread_id,
            "account_id": message.account_id,
            "kind": message.kind,
            "author": {"handle": author.handle, "name": author.display_name} if author else None,
            "text": message.text,
            "url": message.url,
            "created_at": message.created_at,
            "language": message.language,
            "sentiment": message.sentiment,
        },
    )


def _alert(alert: Any) -> dict[str, Any]:
    return {
        "alert_id": alert.pk,
        "query_id": alert.query_id,
        "kind": alert.kind,
        "status": alert.status,
        "why": alert.why,
        "mention_count": alert.mention_count,
        "raised_at": alert.raised_at,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": alert.acknowledged_by,
    }


def alert_raised(alert: Any) -> None:
    emit(alert.brand_id, "alert.raised", _alert(alert))


def alert_acknowledged(alert: Any) -> None:
    emit(alert.brand_id, "alert.acknowledged", _alert(alert))


LEADER_LEVELS = {"core", "ambassador"}


def member_level_changed(member: Any, before: str) -> None:
    """Called when scoring sets a member's level; reaching core/ambassador is an event."""
    if member.level in LEADER_LEVELS and before not in LEADER_LEVELS:
        emit(
            member.brand_id,
            "member.became_leader",
            {
                "member_id": member.pk,
                "name": member.display_name,
                "level": member.level,
                "previous_level": before,
                "score": member.score,
                "influence": member.influence,
            },
        )


def conversion_recorded(conversion: Any) -> None:
    emit(
        conversion.brand_id,
        "conversion.recorded",
        {
            "conversion_id": conversion.pk,
            "goal": conversion.goal.key,
            "occurred_at": conversion.occurred_at,
            "value": str(conversion.value),
            "source": conversion.source,
            "reference": conversion.reference,
            "post_id": conversion.variant.post_id if conversion.variant else None,
            "account_id": conversion.account_id,
            "utm_campaign": conversion.utm_campaign,
        },
    )
