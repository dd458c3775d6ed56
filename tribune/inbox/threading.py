"""Which conversation an inbound item belongs to.

* a direct message joins the conversation with its author on that account
  (``dm:<author id>``);
* a reply joins the thread of the message it answers when Tribune has that message
  (an earlier inbound message, or a reply we sent from the inbox);
* a reply in a conversation Tribune already follows joins it through its root;
* anything else starts a thread keyed by its own id: a mention, a quote, or a top-level
  comment under one of our posts — each commenter gets their own conversation, with its
  own status, assignee and response clock, linked to the published ``Variant``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tribune.inbox.models import Identity, Message, Thread
from tribune.networks.base import InboundItem
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Variant


@dataclass
class ThreadResolver:
    """Resolves threads for one page of one account, remembering what the page created."""

    account: SocialAccount
    by_message: dict[str, Thread] = field(default_factory=dict)
    by_key: dict[str, Thread] = field(default_factory=dict)

    def remember(self, remote_id: str, thread: Thread) -> None:
        self.by_message[remote_id] = thread

    def _thread_of_message(self, remote_id: str) -> Thread | None:
        if not remote_id:
            return None
        if remote_id in self.by_message:
            return self.by_message[remote_id]
        row = (
            Message.objects.filter(account=self.account, remote_id=remote_id)
            .select_related("thread")
            .first()
        )
        return row.thread if row else None

    def _thread_by_key(self, key: str) -> Thread | None:
        if not key:
            return None
        if key not in self.by_key:
            found = Thread.objects.filter(account=self.account, key=key).first()
            if found is None:
                return None
            self.by_key[key] = found
        return self.by_key[key]

    def _our_post(self, *remote_ids: str) -> Variant | None:
        ids = [r for r in remote_ids if r]
        if not ids:
            return None
        return Variant.objects.filter(account=self.account, remote_id__in=ids).first()

    def resolve(self, item: InboundItem, author: Identity, at: datetime) -> Thread:
        if item.kind == "dm":
            return self._get_or_create(f"dm:{item.author.remote_id}", Thread.Kind.DM, author, at)
        joined = self._thread_of_message(item.in_reply_to)
        if joined is None and item.root_id and item.root_id != item.remote_id:
            joined = self._thread_of_message(item.root_id) or self._thread_by_key(item.root_id)
        if joined is not None:
            return joined
        variant = self._our_post(item.in_reply_to, item.root_id)
        return self._get_or_create(item.remote_id, Thread.Kind.PUBLIC, author, at, variant)

    def _get_or_create(
        self,
        key: str,
        kind: str,
        author: Identity,
        at: datetime,
        variant: Variant | None = None,
    ) -> Thread:
        found = self._thread_by_key(key)
        if found is not None:
            return found
        thread = Thread.objects.create(
            brand_id=self.account.brand_id,
            account=self.account,
            network=self.account.network,
            key=key,
            kind=kind,
            variant=variant,
            author=author,
            last_activity_at=at,
            created_at=at,
        )
        self.by_key[key] = thread
        return thread
