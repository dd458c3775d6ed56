"""Poll one account's inbound items and store them: never lose one, never store one twice.

For each page from ``Connector.fetch_inbound(cursor)``:

1. analyse the texts of the items not stored yet (outside any transaction: it is the
   slow part);
2. in one transaction: lock the account row and check its cursor is still the one the
   page was fetched from (another worker may have stored it meanwhile: then stop), insert
   the messages (``UNIQUE (account, remote_id)`` is the last guard), thread them, upsert
   their authors, start response clocks, run the moderation rules, and store the page's
   cursor on ``SocialAccount.inbound_cursor``.

The rows and the cursor commit together. A crash before the commit leaves the old
cursor, so the next poll fetches the same items again and stores them once; a crash
after it finds everything stored. Likes, reposts and follows are not inbox items: the
cursor moves past them (their numbers come from the connectors' metrics).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from tribune.core.safety import web_url
from tribune.core.scope import brand_scope, unscoped
from tribune.inbox import conf
from tribune.inbox.analysis import MessageAnalysis, analyse_messages
from tribune.inbox.models import Identity, Message, Thread, ThreadStatus
from tribune.inbox.services import moderation, sla
from tribune.inbox.threading import ThreadResolver
from tribune.networks.base import AuthExpired, InboundItem, InboundPage, NetworkError
from tribune.networks.models import SocialAccount
from tribune.webhooks import hooks as webhook_hooks

logger = logging.getLogger(__name__)

INBOX_KINDS = frozenset({"mention", "reply", "quote", "dm"})


@dataclass
class PollResult:
    stored: int = 0
    skipped: int = 0  # already stored, or not an inbox item
    pages: int = 0
    error: str = ""
    message_ids: list[int] = field(default_factory=list)


def poll_account(account_id: int, *, max_pages: int = conf.MAX_PAGES_PER_POLL) -> PollResult:
    """Fetch and store everything new on one account (up to ``max_pages`` pages)."""
    result = PollResult()
    with unscoped():
        account = SocialAccount.objects.select_related("brand").filter(pk=account_id).first()
    if account is None or account.status != SocialAccount.Status.ACTIVE:
        return result
    with brand_scope(account.brand):
        connector = account.connector()
        cursor = account.inbound_cursor
        for _ in range(max_pages):
            try:
                page = connector.fetch_inbound(cursor)
            except AuthExpired as exc:
                SocialAccount.objects.filter(pk=account.pk).update(
                    status=SocialAccount.Status.NEEDS_REAUTH, last_error=exc.message
                )
                result.error = exc.message
                return result
            except NetworkError as exc:
                logger.warning("Inbound of %s failed: %s", account, exc.message)
                SocialAccount.objects.filter(pk=account.pk).update(last_error=exc.message)
                result.error = exc.message
                return result
            result.pages += 1
            if not store_page(account, cursor, page, result):
                return result  # another worker stored this page first
            if not page.items or page.cursor == cursor:
                return result
            cursor = page.cursor
    return result


def _fresh_items(account: SocialAccount, page: InboundPage) -> list[InboundItem]:
    wanted = {i.remote_id: i for i in page.items if i.kind in INBOX_KINDS and i.remote_id}
    stored = set(
        Message.objects.filter(account=account, remote_id__in=list(wanted)).values_list(
            "remote_id", flat=True
        )
    )
    return [item for remote_id, item in wanted.items() if remote_id not in stored]


def store_page(
    account: SocialAccount, fetched_from: str, page: InboundPage, result: PollResult
) -> bool:
    """Store one page and its cursor atomically. False if the cursor moved meanwhile."""
    fresh = _fresh_items(account, page)
    analyses = analyse_messages([item.text for item in fresh], brand=account.brand_id)
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().filter(pk=account.pk).first()
        if locked is None or locked.inbound_cursor != fetched_from:
            return False
        fresh = _fresh_items(account, page)  # again, under the lock
        by_id = dict(zip([i.remote_id for i in fresh], analyses, strict=False))
        stored = _store(account, fresh, by_id) if fresh else []
        if page.cursor != fetched_from:
            SocialAccount.objects.filter(pk=account.pk).update(inbound_cursor=page.cursor)
            account.inbound_cursor = page.cursor
    result.stored += len(stored)
    result.skipped += len(page.items) - len(stored)
    result.message_ids += [m.pk for m in stored]
    return True


def _store(
    account: SocialAccount, items: list[InboundItem], analyses: dict[str, MessageAnalysis]
) -> list[Message]:
    brand = account.brand
    resolver = ThreadResolver(account)
    identities = _upsert_identities(account, items)
    rules = moderation.active_rules(brand)
    targets = sla.Targets.of(brand)
    touched: dict[int, Thread] = {}
    stored = []
    for item in sorted(items, key=lambda i: i.created_at):
        author = identities[item.author.remote_id]
        thread = resolver.resolve(item, author, item.created_at)
        thread = touched.setdefault(thread.pk, thread)
        result = analyses.get(item.remote_id) or analyse_messages([item.text], brand=brand)[0]
        message = Message.objects.create(
            brand=brand,
            account=account,
            thread=thread,
            remote_id=item.remote_id,
            kind=item.kind,
            author=author,
            text=item.text,
            url=web_url(item.url)[:500],
            created_at=item.created_at,
            in_reply_to=item.in_reply_to,
            root_id=item.root_id,
            language=result.language,
            sentiment=result.sentiment,
            toxicity=result.toxicity,
            toxic=result.toxic,
            is_question=result.is_question,
            analysis_engine=result.engine,
        )
        resolver.remember(item.remote_id, thread)
        moderation.apply_rules(rules, message, thread, author)
        _summarise(thread, message, author, targets)
        stored.append(message)
        webhook_hooks.message_received(message)
    for thread in touched.values():
        thread.save()
    return stored


def _summarise(thread: Thread, message: Message, author: Identity, targets: sla.Targets) -> None:
    """Keep the queue's columns up to date with the newest inbound message."""
    thread.message_count += 1
    if message.created_at >= thread.last_activity_at or thread.message_count == 1:
        thread.last_activity_at = message.created_at
        thread.last_text = message.text[:300]
        thread.last_author_label = author.name[:200]
        thread.language = message.language
        thread.sentiment = message.sentiment
    thread.toxicity = max(thread.toxicity, message.toxicity)
    if message.hidden:
        return  # hidden by a rule: no answer expected, the thread keeps its state
    if message.is_question:
        thread.has_question = True
    if thread.status != ThreadStatus.OPEN:
        thread.status, thread.closed_at = ThreadStatus.OPEN, None
    sla.start_clock(thread, message, targets)


def _upsert_identities(account: SocialAccount, items: list[InboundItem]) -> dict[str, Identity]:
    authors = {i.author.remote_id: i for i in sorted(items, key=lambda i: i.created_at)}
    existing = {
        row.remote_id: row
        for row in Identity.objects.filter(
            brand=account.brand, network=account.network, remote_id__in=list(authors)
        )
    }
    counts: dict[str, int] = {}
    for item in items:
        counts[item.author.remote_id] = counts.get(item.author.remote_id, 0) + 1
    found: dict[str, Identity] = {}
    for remote_id, item in authors.items():
        who = item.author
        row = existing.get(remote_id) or Identity(
            brand=account.brand,
            network=account.network,
            remote_id=remote_id,
            first_seen_at=item.created_at,
        )
        row.handle = who.handle[:200]
        row.display_name = (who.display_name or row.display_name)[:200]
        if who.followers is not None:
            row.followers = who.followers
        row.avatar_url = web_url(who.avatar_url or row.avatar_url)[:500]
        row.lang = (who.lang or row.lang)[:8]
        row.last_seen_at = max(item.created_at, row.last_seen_at or item.created_at)
        row.message_count += counts[remote_id]
        if row.pk is None:
            row = _insert_identity(row)
        else:
            row.save()
        found[remote_id] = row
    return found


def _insert_identity(row: Identity) -> Identity:
    """Insert a new author, or fold into the one another worker has just inserted.

    The page lock is per account: two accounts of one brand on one network can meet the
    same author at the same time (the unique constraint is per brand and network)."""
    try:
        with transaction.atomic():
            row.save()
        return row
    except IntegrityError:
        twin = Identity.objects.get(
            brand_id=row.brand_id, network=row.network, remote_id=row.remote_id
        )
        twin.handle, twin.display_name = row.handle, row.display_name or twin.display_name
        twin.followers = row.followers if row.followers is not None else twin.followers
        twin.avatar_url = row.avatar_url or twin.avatar_url
        twin.lang = row.lang or twin.lang
        twin.first_seen_at = min(twin.first_seen_at, row.first_seen_at)
        twin.last_seen_at = max(twin.last_seen_at or row.last_seen_at, row.last_seen_at)
        twin.message_count += row.message_count
        twin.save()
        return twin
