"""Answer a thread on the network, threaded under the message it answers.

The outbound ``Message`` row is written *before* calling the network (delivery
"sending", with an idempotency key) and completed after, so a crash or a timeout never
loses the fact that we may have answered. After ``UnknownOutcome`` the account is
searched for the reply (``find_published``) before anyone may send it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import User
from tribune.core.audit import record_audit
from tribune.inbox.models import Identity, Message, ModerationRule, SavedReply, Thread
from tribune.inbox.models import ThreadStatus as Status
from tribune.inbox.services import sla
from tribune.networks.base import (
    NetworkError,
    PostRequest,
    PublishedPost,
    RemoteRef,
    UnknownOutcome,
)
from tribune.networks.models import SocialAccount


class ReplyError(Exception):
    """Why a reply cannot be sent, written for a person. The typed text is kept."""


def render_saved_reply(body: str, author: Identity | None, brand_name: str) -> str:
    """Replace ``{name}`` and ``{brand}`` only (never ``str.format``: a saved reply is
    user input and must not reach attributes)."""
    name = author.name if author else ""
    return body.replace("{name}", name).replace("{brand}", brand_name)


def saved_reply_text(saved: SavedReply, thread: Thread) -> str:
    return render_saved_reply(saved.body, thread.author, thread.brand.name)


def reply_disabled_reason(thread: Thread) -> str:
    """Empty when replying is possible, else the reason shown next to the disabled form."""
    account = thread.account
    if account.status != SocialAccount.Status.ACTIVE:
        return _("The account %(handle)s must be reconnected before answering.") % {
            "handle": account.handle
        }
    if thread.kind == Thread.Kind.DM:
        return _(
            "Answering direct messages from Tribune is not available for this network yet: "
            "answer in the network's own app."
        )
    capabilities = account.connector().capabilities
    if "replies" not in capabilities and "publish" not in capabilities:
        return _("This network does not let Tribune answer.")
    return ""


@dataclass(frozen=True)
class Sent:
    message: Message
    reconciled: bool = False


def check_reply(thread: Thread, text: str) -> str:
    text = text.strip()
    if not text:
        raise ReplyError(_("Write an answer first."))
    reason = reply_disabled_reason(thread)
    if reason:
        raise ReplyError(reason)
    limit = thread.account.connector().limits.max_length
    if len(text) > limit:
        raise ReplyError(
            _("This answer has %(count)d characters; %(network)s accepts %(limit)d.")
            % {"count": len(text), "network": thread.account.get_network_display(), "limit": limit}
        )
    return text


def _target(thread: Thread, reply_to: Message | None) -> Message:
    if reply_to is not None and reply_to.thread_id == thread.pk and reply_to.remote_id:
        return reply_to
    latest = (
        thread.messages.exclude(remote_id="")
        .filter(direction=Message.Direction.IN)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None:
        raise ReplyError(_("There is no message to answer in this conversation."))
    return latest


def do_reply(
    thread: Thread,
    actor: User | None,
    text: str,
    *,
    reply_to: Message | None = None,
    close: bool = False,
    auto_rule: ModerationRule | None = None,
) -> Sent:
    """Send ``text`` under ``reply_to`` (default: the latest inbound message). Raises
    ``ReplyError`` with the network's words when it refuses."""
    text = check_reply(thread, text)
    parent = _target(thread, reply_to)
    with transaction.atomic():
        outbound = Message.objects.create(
            brand_id=thread.brand_id,
            account_id=thread.account_id,
            thread=thread,
            direction=Message.Direction.OUT,
            kind=Message.Kind.REPLY,
            sent_by=actor,
            auto_rule=auto_rule,
            text=text,
            created_at=timezone.now(),
            in_reply_to=parent.remote_id,
            root_id=parent.root_id or parent.remote_id,
            delivery=Message.Delivery.SENDING,
        )
    started = outbound.created_at
    connector = thread.account.connector()
    request = PostRequest(
        text=text,
        idempotency_key=str(outbound.idempotency_key),
        reply_to=RemoteRef(parent.remote_id),
        language=parent.language if parent.language not in ("", "und") else "",
    )
    reconciled = False
    try:
        published = connector.publish(request)
    except UnknownOutcome as exc:
        found = _reconcile(connector, outbound, started)
        if found is None:
            _fail(outbound, Message.Delivery.UNKNOWN, exc.message)
            raise ReplyError(
                _(
                    "The network did not confirm the answer (%(reason)s). It may have been "
                    "published: check the conversation on the network before sending again."
                )
                % {"reason": exc.message}
            ) from exc
        published, reconciled = found, True
    except NetworkError as exc:
        _fail(outbound, Message.Delivery.FAILED, exc.message)
        raise ReplyError(
            _("The network refused the answer: %(reason)s") % {"reason": exc.message}
        ) from exc
    _complete(thread, outbound, published, actor, close=close)
    return Sent(outbound, reconciled)


def _reconcile(connector: Any, outbound: Message, started: Any) -> PublishedPost | None:
    try:
        found: PublishedPost | None = connector.find_published(
            str(outbound.idempotency_key), outbound.text, started - timedelta(minutes=1)
        )
    except NetworkError:
        return None
    return found


def _fail(outbound: Message, delivery: str, reason: str) -> None:
    Message.objects.filter(pk=outbound.pk).update(delivery=delivery, error=reason)
    outbound.delivery, outbound.error = delivery, reason


@transaction.atomic
def _complete(
    thread: Thread, outbound: Message, published: PublishedPost, actor: User | None, *, close: bool
) -> None:
    outbound.remote_id = published.remote_id
    outbound.url = published.url[:500]
    outbound.created_at = published.published_at
    outbound.delivery = Message.Delivery.SENT
    outbound.save(update_fields=["remote_id", "url", "created_at", "delivery"])
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    before = thread.status
    if outbound.auto_rule_id is None:
        # An automatic acknowledgement is not an answer: the clock and the status stay.
        sla.stop_clock(thread, published.published_at, actor, answered=True)
        thread.status = Status.CLOSED if close else Status.PENDING
        thread.closed_at = timezone.now() if close else None
        thread.save()
    record_audit(
        "inbox.replied",
        actor=actor,
        brand=thread.brand,
        obj=outbound,
        before={"status": before},
        after={
            "status": thread.status,
            "thread": thread.pk,
            "remote_id": published.remote_id,
            "automatic": outbound.auto_rule_id is not None,
        },
    )


def do_delete_reply(message: Message, actor: User | None) -> None:
    """Delete one of our answers on the network (the row stays, marked deleted)."""
    if not message.is_ours or message.delivery != Message.Delivery.SENT:
        raise ReplyError(_("Only answers sent from Tribune can be deleted here."))
    try:
        message.account.connector().delete(RemoteRef(message.remote_id))
    except NetworkError as exc:
        raise ReplyError(
            _("The network refused to delete it: %(reason)s") % {"reason": exc.message}
        ) from exc
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(delivery=Message.Delivery.DELETED)
        message.delivery = Message.Delivery.DELETED
        record_audit("inbox.reply_deleted", actor=actor, brand=message.brand, obj=message)
