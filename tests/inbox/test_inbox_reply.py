"""Answering from the inbox: on the network, under the right post, recorded, with clear
errors that keep the text, and a reconciliation after a timeout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.inbox import factories as f
from tests.publishing.conftest import sandbox_posts, set_faults
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.inbox import ingest
from tribune.inbox.models import Message, SavedReply, Thread
from tribune.inbox.services.replies import ReplyError, do_reply, render_saved_reply


def _thread(brand, **filters) -> Thread:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return Thread.objects.select_related("account__brand", "author").get(**filters)


def test_a_reply_from_tribune_is_threaded_under_the_right_post(tenants, accounts, client):
    fr, _en = accounts
    ours = f.brand_post("alpha.sandbox", "Notre nouvelle gamme est là")
    comment = f.reply("alpha.sandbox", ours, "C'est disponible en Belgique ?")
    ingest.poll_account(fr.pk)
    thread = _thread(tenants.brand_a)
    cm = tenants.people["community_manager"]
    client.login(email=cm.email, password=PASSWORD)
    url = reverse("inbox:reply", args=["alpha", thread.pk])
    response = client.post(url, {"text": "Oui, partout en Belgique !", "seen": "0"})
    assert response.status_code == 302

    # Read it back on the network: a reply to the comment, in the thread of our post.
    answer = sandbox_posts("alpha.sandbox").get(text="Oui, partout en Belgique !")
    assert answer.reply_to_id == comment.pk and answer.root_id == ours.pk
    with brand_scope(tenants.brand_a):
        sent = Message.objects.get(direction="out")
        thread.refresh_from_db()
    assert sent.remote_id == str(answer.remote_id) and sent.delivery == "sent"
    assert sent.sent_by == cm and sent.in_reply_to == str(comment.remote_id)
    assert thread.status == "pending" and thread.sla_due_at is None
    assert thread.first_response_seconds is not None and not thread.has_question
    assert AuditEvent.objects.filter(action="inbox.replied", actor=cm).exists()

    # Their answer to our answer joins the same conversation.
    f.reply("alpha.sandbox", answer, "Merci beaucoup !")
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        assert Thread.objects.count() == 1
        thread.refresh_from_db()
    assert thread.message_count == 2 and thread.status == "open"


def test_a_refused_reply_keeps_the_text_and_says_why(tenants, accounts, client):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox bonjour ?")
    ingest.poll_account(fr.pk)
    thread = _thread(tenants.brand_a)
    set_faults("alpha.sandbox", "reject")
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    response = client.post(
        reverse("inbox:reply", args=["alpha", thread.pk]), {"text": "Bonjour, voici…"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le réseau a refusé la réponse" in page and "Bonjour, voici…" in page
    with brand_scope(tenants.brand_a):
        failed = Message.objects.get(direction="out")
    assert failed.delivery == "failed" and "refused" in failed.error

    too_long = "x" * 501
    response = client.post(reverse("inbox:reply", args=["alpha", thread.pk]), {"text": too_long})
    assert response.status_code == 400 and "501" in response.content.decode()


def test_after_a_timeout_the_reply_is_found_again_not_sent_twice(tenants, accounts):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox une question ?")
    ingest.poll_account(fr.pk)
    thread = _thread(tenants.brand_a)
    set_faults("alpha.sandbox", "timeout_after_accept")
    with brand_scope(tenants.brand_a):
        sent = do_reply(thread, tenants.people["community_manager"], "Voici la réponse.")
    assert sent.reconciled and sent.message.delivery == "sent"
    assert sandbox_posts("alpha.sandbox").filter(text="Voici la réponse.").count() == 1


def test_direct_messages_cannot_be_answered_by_a_public_reply(tenants, accounts):
    from django.utils import timezone

    from tribune.networks.sandbox.models import Event, Profile
    from tribune.networks.sandbox.models import Post as NetworkPost

    fr, _en = accounts
    camille = f.person()
    post = NetworkPost.objects.create(
        author=camille, text="Ma commande ?", created_at=timezone.now()
    )
    Event.objects.create(
        kind="dm",
        actor=camille,
        target=Profile.objects.get(handle="alpha.sandbox"),
        post=post,
        created_at=post.created_at,
    )
    ingest.poll_account(fr.pk)
    thread = _thread(tenants.brand_a)
    with brand_scope(tenants.brand_a), pytest.raises(ReplyError, match="messages privés"):
        do_reply(thread, tenants.owner, "Bonjour")
    assert not sandbox_posts("alpha.sandbox").filter(text="Bonjour").exists()


def test_saved_replies_fill_in_the_name_and_the_brand(tenants, accounts, client):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox merci !", by=f.person("lea.petit"))
    ingest.poll_account(fr.pk)
    thread = _thread(tenants.brand_a)
    saved = f.saved_reply(tenants.brand_a, body="Merci {name} ! L'équipe {brand} {unknown}")
    assert render_saved_reply(saved.body, thread.author, "Alpha") == (
        "Merci Lea Petit ! L'équipe Alpha {unknown}"
    )
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    page = client.get(reverse("inbox:thread", args=["alpha", thread.pk])).content.decode()
    assert 'data-text="Merci Lea Petit ! L&#x27;équipe Alpha {unknown}"' in page
    # Without JavaScript: an empty text with a chosen saved reply sends the saved reply.
    client.post(reverse("inbox:reply", args=["alpha", thread.pk]), {"saved": saved.pk})
    assert sandbox_posts("alpha.sandbox").filter(text__startswith="Merci Lea Petit").exists()
    with brand_scope(tenants.brand_a):
        assert SavedReply.objects.count() == 1


def test_deleting_our_reply_removes_it_from_the_network(tenants, accounts, client):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox coucou")
    ingest.poll_account(fr.pk)
    thread = _thread(tenants.brand_a)
    with brand_scope(tenants.brand_a):
        sent = do_reply(thread, tenants.owner, "Bonjour !").message
    client.login(email=tenants.owner.email, password=PASSWORD)
    client.post(reverse("inbox:message_action", args=["alpha", sent.pk, "delete"]))
    assert not sandbox_posts("alpha.sandbox").filter(text="Bonjour !").exists()
    with brand_scope(tenants.brand_a):
        sent.refresh_from_db()
    assert sent.delivery == "deleted"
