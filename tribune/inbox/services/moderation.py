"""Apply moderation rules to new messages, and undo what they did.

Runs inside the ingestion transaction: local actions (hide, flag, tag, assign,
escalate) are written with the message; automatic replies call the network, so they are
sent by a task enqueued on commit. Every action is a ``RuleAction`` row and an audit
event; ``do_undo`` reverses one (once, even if two people click at the same time).
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.core.audit import record_audit
from tribune.inbox import rules as matching
from tribune.inbox.models import Identity, Message, ModerationRule, RuleAction, Thread
from tribune.publishing.models import Notification
from tribune.publishing.notify import notify, people_with_roles, workspace_admins

Action = RuleAction.Action


class UndoError(Exception):
    """Why an action cannot be undone, written for a person."""


def active_rules(brand: Brand) -> list[ModerationRule]:
    return list(
        ModerationRule.objects.filter(brand=brand, enabled=True).select_related("action_tag")
    )


def thread_link(thread: Thread) -> str:
    return reverse("inbox:thread", args=[thread.account.brand.slug, thread.pk])


def auto_reply_allowed(rule: ModerationRule, author: Identity | None) -> bool:
    """At most one automatic reply of this rule per author per ``auto_reply_hours``."""
    if author is None:
        return False
    since = timezone.now() - timedelta(hours=max(1, rule.auto_reply_hours))
    return not RuleAction.objects.filter(
        rule=rule, author=author, action=Action.AUTO_REPLY, created_at__gte=since
    ).exists()


def apply_rules(
    rules: list[ModerationRule], message: Message, thread: Thread, author: Identity | None
) -> list[RuleAction]:
    """Run every matching rule on ``message``. The caller saves ``thread`` afterwards."""
    if not rules or message.direction != Message.Direction.IN:
        return []
    candidate = matching.Candidate.of(message, author, thread.network)
    done: list[RuleAction] = []
    for rule in rules:
        if not matching.matches(rule, candidate):
            continue
        for action in matching.planned_actions(rule):
            detail = _act(rule, action, message, thread, author)
            if detail is None:
                continue
            row = RuleAction.objects.create(
                brand_id=message.brand_id,
                rule=rule,
                rule_name=rule.name,
                message=message,
                thread=thread,
                author=author,
                action=action,
                detail=detail,
            )
            record_audit(
                "inbox.rule_action",
                brand=thread.account.brand,
                obj=row,
                after={
                    "rule": rule.name,
                    "action": action,
                    "message": message.pk,
                    "author": author.handle if author else "",
                },
            )
            if action == Action.AUTO_REPLY:
                from tribune.inbox.tasks import send_auto_reply

                transaction.on_commit(functools.partial(send_auto_reply.enqueue, row.pk))
            done.append(row)
    return done


def _act(
    rule: ModerationRule, action: str, message: Message, thread: Thread, author: Identity | None
) -> dict[str, Any] | None:
    """Do one action locally; return what undo needs, or None when nothing changed."""
    if action == Action.HIDE:
        if message.hidden:
            return None
        message.hidden, message.hidden_at = True, timezone.now()
        message.save(update_fields=["hidden", "hidden_at"])
        return {}
    if action == Action.FLAG:
        if message.flagged:
            return None
        message.flagged = True
        message.save(update_fields=["flagged"])
        detail: dict[str, Any] = {"thread_was_flagged": thread.flagged}
        thread.flagged = True
        return detail
    if action == Action.TAG:
        tag = rule.action_tag
        if tag is None or thread.pk is None or thread.tags.filter(pk=tag.pk).exists():
            return None
        thread.tags.add(tag)
        return {"tag_id": tag.pk, "tag": tag.name}
    if action == Action.ASSIGN:
        if thread.assignee_id == rule.action_assign_id:
            return None
        detail = {"previous": thread.assignee_id, "assigned": rule.action_assign_id}
        thread.assignee_id = rule.action_assign_id
        return detail
    if action == Action.AUTO_REPLY:
        if not auto_reply_allowed(rule, author):
            return None
        return {"text": rule.action_auto_reply}
    if action == Action.ESCALATE:
        brand = thread.account.brand
        link = f"{thread_link(thread)}#m{message.pk}"
        text = _("Escalated by the rule “%(rule)s”: %(text)s") % {
            "rule": rule.name,
            "text": message.text[:200],
        }
        people = people_with_roles(brand, ["strategist"]) + workspace_admins(brand)
        notify(people, brand, "inbox.escalation", text, link)
        return {"link": link}
    return None


def do_undo(action: RuleAction, actor: User | None) -> None:
    """Reverse one automatic action. Raises ``UndoError`` when it cannot be."""
    if action.undone_at is not None:
        raise UndoError(_("This action was already undone."))
    if action.action == Action.AUTO_REPLY:
        _undo_auto_reply(action, actor)  # calls the network: outside the transaction
    with transaction.atomic():
        claimed = RuleAction.objects.filter(pk=action.pk, undone_at__isnull=True).update(
            undone_at=timezone.now(), undone_by=actor
        )
        if not claimed:
            raise UndoError(_("This action was already undone."))
        thread = Thread.objects.select_for_update().get(pk=action.thread_id)
        message = Message.objects.get(pk=action.message_id)
        _reverse(action, thread, message)
        record_audit(
            "inbox.rule_action_undone",
            actor=actor,
            brand=thread.account.brand,
            obj=action,
            after={"rule": action.rule_name, "action": action.action, "message": message.pk},
        )


def _reverse(action: RuleAction, thread: Thread, message: Message) -> None:
    detail = action.detail or {}
    if action.action == Action.HIDE:
        Message.objects.filter(pk=message.pk).update(hidden=False, hidden_at=None)
    elif action.action == Action.FLAG:
        Message.objects.filter(pk=message.pk).update(flagged=False)
        still = thread.messages.filter(flagged=True).exclude(pk=message.pk).exists()
        Thread.objects.filter(pk=thread.pk).update(
            flagged=still or bool(detail.get("thread_was_flagged"))
        )
    elif action.action == Action.TAG and detail.get("tag_id"):
        thread.tags.remove(detail["tag_id"])
    elif action.action == Action.ASSIGN and thread.assignee_id == detail.get("assigned"):
        Thread.objects.filter(pk=thread.pk).update(assignee_id=detail.get("previous"))
    elif action.action == Action.ESCALATE:
        # E-mails already sent cannot be recalled; unread in-app notices are withdrawn.
        Notification.objects.filter(
            brand_id=action.brand_id,
            kind="inbox.escalation",
            link=detail.get("link", ""),
            read_at__isnull=True,
        ).delete()


def _undo_auto_reply(action: RuleAction, actor: User | None) -> None:
    from tribune.inbox.services.replies import ReplyError, do_delete_reply

    reply_id = (action.detail or {}).get("reply_id")
    if not reply_id:
        return  # not sent (yet, or refused): undoing cancels it
    reply = Message.objects.select_related("account", "brand").get(pk=reply_id)
    if reply.delivery != Message.Delivery.SENT:
        return
    try:
        do_delete_reply(reply, actor)
    except ReplyError as exc:
        raise UndoError(str(exc)) from exc
