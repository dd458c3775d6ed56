"""Connector for the built-in sandbox network (simulated, offline, clearly labelled)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tribune.networks.base import (
    AccountMetrics,
    AuthExpired,
    Connector,
    Credentials,
    InboundItem,
    InboundPage,
    NetworkError,
    PostMetrics,
    PostRequest,
    PublishedPost,
    RateLimited,
    Rejected,
    RemoteAuthor,
    RemoteRef,
    TextLimits,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.sandbox.models import Event, Follow, Post, Profile


def post_url(post: Post) -> str:
    return url_of(post.remote_id)


def url_of(remote_id: uuid.UUID | str) -> str:
    return f"{settings.SITE_URL}/sandbox/p/{remote_id}"


@dataclass(frozen=True)
class _NewPost:
    remote_id: uuid.UUID
    text: str
    lang: str
    created_at: datetime
    idempotency_key: str
    media_count: int
    has_video: bool = False


def _insert_posts(author: Profile, rows: list[_NewPost]) -> None:
    """The sandbox server storing a batch of new top-level posts. On PostgreSQL one
    ``INSERT … SELECT FROM unnest(…)`` without the ORM's per-row work (the publisher
    benchmark sends thousands per second); elsewhere ``bulk_create``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Post.objects.bulk_create(
            [Post(author=author, **{k: getattr(r, k) for k in _FIELDS}) for r in rows]
        )
        return
    table = connection.ops.quote_name(Post._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (author_id, remote_id, text, lang, created_at, "  # noqa: S608
            "idempotency_key, media_count, has_video, likes, reposts, quotes, reply_count, "
            "impressions, link_clicks) SELECT %s, u.rid, u.body, u.lang, u.at, u.ik, u.mc, "
            "u.hv, 0, 0, 0, 0, 0, 0 FROM unnest(%s::uuid[], %s::text[], %s::text[], "
            "%s::timestamptz[], %s::text[], %s::int[], %s::boolean[]) "
            "AS u(rid, body, lang, at, ik, mc, hv)",
            [author.pk, *([getattr(r, k) for r in rows] for k in _FIELDS)],
        )


_FIELDS = (
    "remote_id",
    "text",
    "lang",
    "created_at",
    "idempotency_key",
    "media_count",
    "has_video",
)


def _has_video(post: PostRequest) -> bool:
    return any(item.mime_type.startswith("video/") for item in post.media)


def _share(post: Post, low: int, high: int) -> int:
    """A per-post percentage in [low, high], stable for the post (from its id)."""
    return low + post.remote_id.int % (high - low + 1)


def simulated_saves(post: Post) -> int:
    """Saves, simulated as a stable share (4–15 %) of the likes: a cumulative counter that
    grows with them, like the network's own."""
    return post.likes * _share(post, 4, 15) // 100


def simulated_video_views(post: Post) -> int | None:
    """Plays of a video post: a stable share (35–70 %) of its impressions; None for a post
    without video, as on the real networks."""
    if not post.has_video:
        return None
    return post.impressions * _share(post, 35, 70) // 100


class SandboxConnector(Connector):
    name = "sandbox"
    label = "Sandbox"
    is_sandbox = True
    capabilities = frozenset(
        {
            "publish",
            "delete",
            "threads",
            "first_comment",
            "mentions",
            "replies",
            "dms",
            "account_metrics",
            "post_metrics",
            "refresh",
            "media",
        }
    )
    limits = TextLimits(max_length=500, max_media=4, counts_graphemes=True)

    def _profile(self) -> Profile:
        profile = Profile.objects.filter(handle=self.credentials.handle, is_brand=True).first()
        if profile is None:
            raise Rejected(f"The sandbox account @{self.credentials.handle} does not exist.")
        return profile

    def _post(self, remote_id: str) -> Post:
        try:
            post = Post.objects.filter(remote_id=uuid.UUID(remote_id)).first()
        except ValueError:
            post = None
        if post is None or post.deleted_at is not None:
            raise Rejected("That sandbox post does not exist (deleted?).")
        return post

    def _take_fault(self, profile: Profile, kinds: tuple[str, ...]) -> str | None:
        """Pop the next pending fault if it is one of ``kinds`` (atomically, any process)."""
        if not profile.faults:  # the common case costs no extra query
            return None
        with transaction.atomic():
            row = Profile.objects.select_for_update().get(pk=profile.pk)
            if not row.faults or row.faults[0].split(":")[0] not in kinds:
                return None
            fault = row.faults.pop(0)
            Profile.objects.filter(pk=row.pk).update(faults=row.faults)
            return str(fault)

    def publish(self, post: PostRequest) -> PublishedPost:
        profile = self._profile()
        fault = self._take_fault(profile, ("rate_limit", "expire_token", "unavailable", "reject"))
        if fault is not None:
            kind, _, arg = fault.partition(":")
            if kind == "rate_limit":
                raise RateLimited(
                    "The sandbox network asks to slow down.", retry_after=float(arg or 60)
                )
            if kind == "expire_token":
                raise AuthExpired("The sandbox access token has expired.")
            if kind == "unavailable":
                raise Unavailable("The sandbox network is unavailable (simulated outage).")
            raise Rejected("The sandbox network refused this post (simulated).")
        published = self._create(profile, post)
        profile.faults = (
            Profile.objects.filter(pk=profile.pk).values_list("faults", flat=True)[0]
            if profile.faults
            else []
        )
        fault = self._take_fault(profile, ("timeout_after_accept", "hang_after_accept"))
        if fault is not None:
            kind, _, arg = fault.partition(":")
            if kind == "hang_after_accept":
                time.sleep(float(arg or 30))
            raise UnknownOutcome("The sandbox network did not answer in time.")
        return published

    def publish_many(self, posts: Sequence[PostRequest]) -> list[PublishedPost | NetworkError]:
        """Publish several top-level posts of this account in one round trip (the sandbox's
        batch endpoint). One result per request, in order: the post or the typed error.

        Pending faults and replies go through ``publish`` one by one, so fault injection
        behaves exactly as for single calls."""
        try:
            profile = self._profile()
        except NetworkError as exc:
            return [exc for _ in posts]
        if profile.faults or any(p.reply_to is not None for p in posts):
            return [self._publish_one(p) for p in posts]
        errors: dict[int, NetworkError] = {}
        rows: dict[int, _NewPost] = {}
        for index, request in enumerate(posts):
            try:
                text = self._valid_text(request)
            except Rejected as exc:
                errors[index] = exc
                continue
            rows[index] = _NewPost(
                remote_id=uuid.uuid4(),
                text=text,
                lang=request.language,
                created_at=timezone.now(),
                idempotency_key=request.idempotency_key,
                media_count=len(request.media),
                has_video=_has_video(request),
            )
        _insert_posts(profile, list(rows.values()))
        return [
            self._result(rows[i].remote_id, rows[i].created_at) if i in rows else errors[i]
            for i in range(len(posts))
        ]

    def _publish_one(self, post: PostRequest) -> PublishedPost | NetworkError:
        try:
            return self.publish(post)
        except NetworkError as exc:
            return exc

    def _valid_text(self, post: PostRequest) -> str:
        text = post.text.strip()
        if not text and not post.media:
            raise Rejected("A post needs text or media.")
        if len(text) > self.limits.max_length:
            raise Rejected(f"Sandbox posts are limited to {self.limits.max_length} characters.")
        return text

    @transaction.atomic
    def _create(self, profile: Profile, post: PostRequest) -> PublishedPost:
        text = self._valid_text(post)
        reply_to = self._post(post.reply_to.remote_id) if post.reply_to else None
        created = Post.objects.create(
            author=profile,
            text=text,
            lang=post.language,
            created_at=timezone.now(),
            reply_to=reply_to,
            root=(reply_to.root or reply_to) if reply_to else None,
            idempotency_key=post.idempotency_key,
            media_count=len(post.media),
            has_video=_has_video(post),
        )
        if reply_to is not None:
            Post.objects.filter(pk=reply_to.pk).update(reply_count=reply_to.reply_count + 1)
            if reply_to.author_id != profile.pk:
                Event.objects.create(
                    kind="reply",
                    actor=profile,
                    target=reply_to.author,
                    post=created,
                    subject=reply_to,
                    created_at=created.created_at,
                )
        return self._published(created)

    def _published(self, post: Post) -> PublishedPost:
        return self._result(post.remote_id, post.created_at)

    def _result(self, remote_id: uuid.UUID, created_at: datetime) -> PublishedPost:
        return PublishedPost(
            remote_id=str(remote_id),
            url=url_of(remote_id),
            published_at=created_at,
        )

    def delete(self, ref: RemoteRef) -> None:
        post = self._post(ref.remote_id)
        if post.author.handle != self.credentials.handle:
            raise Rejected("You can only delete your own sandbox posts.")
        Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        mine = Post.objects.filter(
            author=self._profile(), deleted_at__isnull=True, created_at__gte=since
        )
        found = (
            mine.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        ) or mine.filter(text=text.strip()).order_by("created_at").first()
        return self._published(found) if found else None

    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        after = int(cursor) if cursor.isdigit() else 0
        events = list(
            Event.objects.filter(target=self._profile(), id__gt=after)
            .select_related("actor", "post", "post__reply_to", "subject")
            .order_by("id")[:limit]
        )
        items = [self._item(e) for e in events]
        return InboundPage(items=items, cursor=str(events[-1].id) if events else cursor)

    def _item(self, event: Event) -> InboundItem:
        actor = event.actor
        author = RemoteAuthor(
            remote_id=actor.handle,
            handle=actor.handle,
            display_name=actor.display_name,
            followers=actor.base_followers + actor.followers.count(),
            bio=actor.bio,
            lang=actor.lang,
        )
        post = event.post
        subject = event.subject
        return InboundItem(
            remote_id=f"{event.kind}:{event.pk}" if post is None else str(post.remote_id),
            kind=event.kind,  # type: ignore[arg-type]
            author=author,
            created_at=event.created_at,
            text=post.text if post else "",
            url=post_url(post) if post else "",
            in_reply_to=str(post.reply_to.remote_id)
            if post and post.reply_to
            else (str(subject.remote_id) if subject else ""),
            root_id=str(post.root.remote_id) if post and post.root else "",
            raw={"event_id": event.pk, "lang": post.lang if post else actor.lang},
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        profile = self._profile()
        return AccountMetrics(
            at=timezone.now(),
            followers=profile.base_followers + Follow.objects.filter(followee=profile).count(),
            following=Follow.objects.filter(follower=profile).count(),
            posts=Post.objects.filter(author=profile, deleted_at__isnull=True).count(),
        )

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        ids = []
        for ref in refs:
            try:
                ids.append(uuid.UUID(ref.remote_id))
            except ValueError:
                continue
        now = timezone.now()
        return [
            PostMetrics(
                remote_id=str(p.remote_id),
                at=now,
                likes=p.likes,
                replies=p.reply_count,
                reposts=p.reposts,
                quotes=p.quotes,
                impressions=p.impressions,
                link_clicks=p.link_clicks,
                saves=simulated_saves(p),
                video_views=simulated_video_views(p),
            )
            for p in Post.objects.filter(remote_id__in=ids)
        ]

    def refresh_credentials(self) -> Credentials:
        return self.credentials.with_secrets(access_token=uuid.uuid4().hex)
