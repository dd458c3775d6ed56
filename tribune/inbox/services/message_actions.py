"""Like, hide, delete and block: in Tribune always, on the network where the connector can.

The connector interface (``tribune/networks/base.py``) defines publishing, deleting our
own posts and reading; liking, hiding someone's reply and blocking someone are optional
methods a connector may add (``like(ref)``, ``hide_reply(ref)``, ``block_author(id)``).
None of today's connectors has them, so these buttons are shown disabled with the
reason, and hide/block act in Tribune only (hidden from the queue; the block list feeds
the moderation rules).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import User
from tribune.core.audit import record_audit
from tribune.inbox.models import Identity, Message, Thread
from tribune.networks.base import Connector, NetworkError, RemoteRef

OPTIONAL_METHODS = {"like": "like", "hide": "hide_reply", "block": "block_author"}


class ActionError(Exception):
    """Why an action failed, written for a person."""


@dataclass(frozen=True)
class ActionState:
    enabled: bool
    reason: str = ""  # why it is disabled, or what it will (not) do on the network


def network_can(connector: Connector, op: str) -> bool:
    return callable(getattr(connector, OPTIONAL_METHODS.get(op, ""), None))


def states(message: Message, connector: Connector) -> dict[str, ActionState]:
    """What each message button does, for the thread page."""
    network = connector.label
    result: dict[str, ActionState] = {}
    if message.is_ours:
        result["delete"] = (
            ActionState(True)
            if message.delivery == Message.Delivery.SENT
            else ActionState(False, _("Not on the network."))
        )
        return result
    result["like"] = (
        ActionState(True)
        if network_can(connector, "like")
        else ActionState(
            False, _("%(network)s does not let Tribune like messages yet.") % {"network": network}
        )
    )
    result["hide"] = ActionState(
        True,
        ""
        if network_can(connector, "hide")
        else _("Hidden in Tribune only: %(network)s does not let Tribune hide replies.")
        % {"network": network},
    )
    result["block"] = ActionState(
        True,
        ""
        if network_can(connector, "block")
        else _("Blocked in Tribune only (moderation rules can use the block list)."),
    )
    result["delete"] = ActionState(
        False,
        _("Only the author can delete this message on %(network)s.") % {"network": network},
    )
    return result


def _call(connector: Connector, op: str, *args: object) -> None:
    try:
        getattr(connector, OPTIONAL_METHODS[op])(*args)
    except NetworkError as exc:
        raise ActionError(_("The network refused: %(reason)s") % {"reason": exc.message}) from exc


def do_like(message: Message, actor: User) -> None:
    connector = message.account.connector()
    if not network_can(connector, "like"):
        raise ActionError(states(message, connector)["like"].reason)
    _call(connector, "like", RemoteRef(message.remote_id))
    record_audit("inbox.liked", actor=actor, brand=message.brand, obj=message)


def do_hide(message: Message, actor: User, hidden: bool = True) -> None:
    connector = message.account.connector()
    if hidden and network_can(connector, "hide"):
        _call(connector, "hide", RemoteRef(message.remote_id))
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            hidden=hidden, hidden_at=timezone.now() if hidden else None
        )
        message.hidden = hidden
        record_audit(
            "inbox.hidden" if hidden else "inbox.unhidden",
            actor=actor,
            brand=message.brand,
            obj=message,
            after={"hidden": hidden},
        )


def do_block(identity: Identity, actor: User, blocked: bool = True, *, via: Thread) -> None:
    connector = via.account.connector()
    if blocked and network_can(connector, "block"):
        _call(connector, "block", identity.remote_id)
    with transaction.atomic():
        Identity.objects.filter(pk=identity.pk).update(
            blocked=blocked,
            blocked_at=timezone.now() if blocked else None,
            blocked_by=actor if blocked else None,
        )
        identity.blocked = blocked
        record_audit(
            "inbox.author_blocked" if blocked else "inbox.author_unblocked",
            actor=actor,
            brand=via.account.brand,
            obj=identity,
            after={"handle": identity.handle},
        )
