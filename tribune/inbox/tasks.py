"""Inbox jobs: poll every active account, send automatic replies."""

from __future__ import annotations

import logging

from django.tasks import task

from tribune.core.scope import brand_scope, unscoped
from tribune.inbox import conf, ingest
from tribune.networks.models import SocialAccount
from tribune.worker.periodic import periodic

logger = logging.getLogger(__name__)


@task(queue_name="ingest")
def poll_account(account_id: int) -> int:
    return ingest.poll_account(account_id).stored


@periodic("inbox.poll", every=conf.poll_seconds())
@task(queue_name="ingest")
def poll_all() -> int:
    """Enqueue one poll per active account (several workers share them)."""
    with unscoped():
        ids = list(
            SocialAccount.objects.filter(status=SocialAccount.Status.ACTIVE).values_list(
                "id", flat=True
            )
        )
    for account_id in ids:
        poll_account.enqueue(account_id)
    return len(ids)


@task()
def send_auto_reply(rule_action_id: int) -> str:
    """Send a rule's automatic reply, unless someone undid the action meanwhile."""
    from tribune.inbox.models import RuleAction
    from tribune.inbox.services.replies import ReplyError, do_reply, render_saved_reply

    with unscoped():
        action = (
            RuleAction.objects.select_related("thread__account__brand", "message", "rule", "author")
            .filter(pk=rule_action_id)
            .first()
        )
    if action is None or action.undone_at is not None or action.detail.get("reply_id"):
        return "skipped"
    thread = action.thread
    with brand_scope(thread.brand_id):
        text = render_saved_reply(
            action.detail.get("text", ""), action.author, thread.account.brand.name
        )
        try:
            sent = do_reply(thread, None, text, reply_to=action.message, auto_rule=action.rule)
        except ReplyError as exc:
            RuleAction.objects.filter(pk=action.pk).update(
                detail={**action.detail, "error": str(exc)}
            )
            logger.warning("Automatic reply %s not sent: %s", action.pk, exc)
            return "failed"
        RuleAction.objects.filter(pk=action.pk).update(
            detail={**action.detail, "reply_id": sent.message.pk}
        )
    return "sent"
