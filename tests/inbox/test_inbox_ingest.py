"""Polling the sandbox network: every mention and reply once, threaded, analysed, with its
author; the cursor survives restarts and crashes without losing or repeating anything."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.inbox import factories as f
from tests.publishing.conftest import simulate_audience
from tribune.core.scope import brand_scope, unscoped
from tribune.inbox import ingest
from tribune.inbox.models import Identity, Message, Thread
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.worker import periodic
from tribune.worker.models import PeriodicJob
from tribune.worker.runner import TribuneWorker


def _messages(brand):  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return list(Message.objects.select_related("thread", "author").order_by("id"))


def _published_variant(account: SocialAccount, remote_id: str) -> Variant:
    with brand_scope(account.brand):
        post = Post.objects.create(
            brand=account.brand, text="Nouveauté chez Alpha", status=PostStatus.PUBLISHED
        )
        return Variant.objects.create(
            post=post,
            brand=account.brand,
            account=account,
            status=PostStatus.PUBLISHED,
            remote_id=remote_id,
            published_at=timezone.now(),
        )


def test_a_mention_and_a_reply_appear_once_within_one_polling_interval(
    tenants, accounts, django_capture_on_commit_callbacks
):
    fr, _en = accounts
    ours = f.brand_post("alpha.sandbox")
    variant = _published_variant(fr, str(ours.remote_id))
    camille = f.person("camille.durand", followers=420)
    hugo = f.person("hugo.martin", followers=12)
    first = f.mention("alpha.sandbox", "@alpha.sandbox vos horaires ce week-end ?", by=camille)
    answer = f.reply("alpha.sandbox", ours, "Super nouveauté, bravo 👏", by=hugo)

    # What the worker does: the scheduler tick enqueues inbox.poll, which enqueues one
    # poll per account; the worker runs them all.
    now = timezone.now()
    periodic.sync_jobs(now)
    # Only this job: the sandbox simulator would add a week of audience messages.
    PeriodicJob.objects.exclude(name="inbox.poll").update(enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert "inbox.poll" in periodic.tick("test-worker", now)
    worker = TribuneWorker(worker_id="test-worker", scheduler=False)
    with django_capture_on_commit_callbacks(execute=True):
        while worker.run_once():
            pass
    assert not DBTaskResult.objects.filter(status="FAILED").exists()

    rows = {m.remote_id: m for m in _messages(tenants.brand_a)}
    assert set(rows) == {str(first.remote_id), str(answer.remote_id)}
    mention, comment = rows[str(first.remote_id)], rows[str(answer.remote_id)]
    assert mention.kind == "mention" and mention.is_question and mention.language == "fr"
    assert mention.author.handle == "camille.durand" and mention.author.followers >= 420
    assert comment.kind == "reply" and comment.sentiment == "positive"
    assert comment.thread.variant_id == variant.pk  # linked to our published post
    assert comment.thread_id != mention.thread_id
    assert mention.thread.has_question and mention.thread.sla_due_at is not None

    # The next poll — and a restart that forgot the cursor — store nothing twice.
    assert ingest.poll_account(fr.pk).stored == 0
    with unscoped():
        SocialAccount.objects.filter(pk=fr.pk).update(inbound_cursor="")
    again = ingest.poll_account(fr.pk)
    assert again.stored == 0 and again.skipped >= 2
    assert len(_messages(tenants.brand_a)) == 2
    with brand_scope(tenants.brand_a):
        assert Identity.objects.get(handle="camille.durand").message_count == 1


def test_a_crash_between_fetching_and_storing_the_cursor_loses_nothing(
    tenants, accounts, monkeypatch
):
    fr, _en = accounts
    for n in range(3):
        f.mention("alpha.sandbox", f"@alpha.sandbox message numéro {n}")
    real_store = ingest._store

    def crash_after_insert(*args, **kwargs):  # type: ignore[no-untyped-def]
        real_store(*args, **kwargs)  # the rows are written in the transaction…
        raise RuntimeError("worker killed before the cursor was stored")

    monkeypatch.setattr(ingest, "_store", crash_after_insert)
    with pytest.raises(RuntimeError):
        ingest.poll_account(fr.pk)
    with unscoped():
        assert SocialAccount.objects.get(pk=fr.pk).inbound_cursor == ""
    assert _messages(tenants.brand_a) == []  # …and rolled back with it

    monkeypatch.setattr(ingest, "_store", real_store)
    assert ingest.poll_account(fr.pk).stored == 3
    assert ingest.poll_account(fr.pk).stored == 0
    assert [m.text for m in _messages(tenants.brand_a)] == [
        f"@alpha.sandbox message numéro {n}" for n in range(3)
    ]


def test_a_page_stored_by_another_worker_meanwhile_is_not_stored_again(tenants, accounts):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox bonjour")
    page = fr.connector().fetch_inbound("")
    with brand_scope(tenants.brand_a):
        assert ingest.store_page(fr, "", page, ingest.PollResult()) is True
        # A second worker that fetched the same page from the same cursor: refused.
        assert ingest.store_page(fr, "", page, ingest.PollResult()) is False
    assert len(_messages(tenants.brand_a)) == 1


def test_likes_reposts_and_follows_are_not_inbox_items(tenants, accounts):
    fr, _en = accounts
    ours = f.brand_post("alpha.sandbox")
    fr_profile = ours.author
    fan = f.person("fan.fidele")
    from tribune.networks.sandbox.models import Event

    now = timezone.now()
    Event.objects.create(kind="like", actor=fan, target=fr_profile, subject=ours, created_at=now)
    Event.objects.create(kind="follow", actor=fan, target=fr_profile, created_at=now)
    result = ingest.poll_account(fr.pk)
    assert result.stored == 0 and result.skipped == 2
    with unscoped():
        assert SocialAccount.objects.get(pk=fr.pk).inbound_cursor != ""  # moved past them


def test_replies_join_the_conversation_they_answer(tenants, accounts):
    fr, _en = accounts
    camille, lea = f.person("camille.durand"), f.person("lea.petit")
    start = f.mention("alpha.sandbox", "@alpha.sandbox ma commande est en retard", by=camille)
    ingest.poll_account(fr.pk)
    follow_up = f.reply("alpha.sandbox", start, "Pareil pour moi !", by=lea)
    ingest.poll_account(fr.pk)
    rows = _messages(tenants.brand_a)
    assert len(rows) == 2 and rows[0].thread_id == rows[1].thread_id
    thread = rows[1].thread
    assert thread.message_count == 2 and thread.last_text == "Pareil pour moi !"
    assert thread.key == str(start.remote_id)
    assert rows[1].in_reply_to == str(start.remote_id)
    assert follow_up.root_id == start.pk


def test_direct_messages_are_one_conversation_per_person(tenants, accounts):
    fr, _en = accounts
    camille = f.person("camille.durand")
    brand = f.Profile.objects.get(handle="alpha.sandbox")
    from tribune.networks.sandbox.models import Event
    from tribune.networks.sandbox.models import Post as NetworkPost

    for text in ("Bonjour, ma commande #12345 ?", "Toujours rien…"):
        post = NetworkPost.objects.create(author=camille, text=text, created_at=timezone.now())
        Event.objects.create(
            kind="dm", actor=camille, target=brand, post=post, created_at=post.created_at
        )
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        thread = Thread.objects.get()
    assert thread.kind == "dm" and thread.key == "dm:camille.durand"
    assert thread.message_count == 2


def test_a_new_message_reopens_a_closed_conversation(tenants, accounts):
    fr, _en = accounts
    start = f.mention("alpha.sandbox", "@alpha.sandbox merci pour tout")
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        Thread.objects.update(status="closed", awaiting_since=None, sla_due_at=None)
    f.reply("alpha.sandbox", start, "En fait, une question : c'est livré quand ?")
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        thread = Thread.objects.get()
    assert thread.status == "open" and thread.has_question and thread.sla_due_at is not None


def test_the_simulated_audience_fills_the_inbox(tenants, accounts):
    fr, _en = accounts
    simulate_audience("alpha.sandbox", hours=24)
    result = ingest.poll_account(fr.pk)
    assert result.stored > 0 and not result.error
    rows = _messages(tenants.brand_a)
    assert {m.language for m in rows} <= {"fr", "en", "und"}
    assert all(m.author_id for m in rows)
    assert ingest.poll_account(fr.pk).stored == 0


def test_an_expired_token_marks_the_account_to_reconnect(tenants, accounts, monkeypatch):
    from tribune.networks.base import AuthExpired
    from tribune.networks.sandbox.connector import SandboxConnector

    fr, _en = accounts

    def expired(self, cursor="", limit=100):  # type: ignore[no-untyped-def]
        raise AuthExpired("Le jeton a expiré.")

    monkeypatch.setattr(SandboxConnector, "fetch_inbound", expired)
    result = ingest.poll_account(fr.pk)
    assert result.error == "Le jeton a expiré."
    with unscoped():
        assert SocialAccount.objects.get(pk=fr.pk).status == "needs_reauth"
    assert ingest.poll_account(fr.pk).pages == 0  # inactive accounts are not polled
