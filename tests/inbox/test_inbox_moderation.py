"""Moderation rules: conditions, every action logged and audited, undo, dry run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.inbox import factories as f
from tests.publishing.conftest import sandbox_posts
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.inbox import ingest
from tribune.inbox.models import Identity, Message, ModerationRule, RuleAction, Tag, Thread
from tribune.inbox.rules import Candidate, matches, parse_keywords
from tribune.inbox.services.dryrun import dry_run
from tribune.inbox.services.moderation import UndoError, do_undo
from tribune.publishing.models import Notification


def _message(brand, text: str) -> Message:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return Message.objects.select_related("thread", "author").get(text=text)


def test_a_toxic_french_comment_is_hidden_flagged_audited_and_can_be_undone(
    tenants, accounts, client
):
    fr, _en = accounts
    smm, cm = tenants.people["strategist"], tenants.people["community_manager"]
    # The strategist writes the rule in the UI.
    client.login(email=smm.email, password=PASSWORD)
    response = client.post(
        reverse("inbox:rule_new", args=["alpha"]),
        {
            "name": "Insultes",
            "enabled": "on",
            "position": "0",
            "min_toxicity": "0.5",
            "new_account_followers": "20",
            "auto_reply_hours": "24",
            "action_hide": "on",
            "action_flag": "on",
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    toxic = "@alpha.sandbox bande d'escrocs, vous êtes vraiment des nuls"
    troll = f.person("troll.du.83", followers=3)
    f.mention("alpha.sandbox", toxic, by=troll)
    f.mention("alpha.sandbox", "@alpha.sandbox merci pour la livraison rapide !")
    ingest.poll_account(fr.pk)

    message = _message(tenants.brand_a, toxic)
    assert message.toxic and message.language == "fr"
    assert message.hidden and message.flagged and message.thread.flagged
    assert message.thread.sla_due_at is None  # hidden by a rule: no answer expected
    polite = _message(tenants.brand_a, "@alpha.sandbox merci pour la livraison rapide !")
    assert not polite.hidden and not polite.flagged
    with brand_scope(tenants.brand_a):
        actions = list(RuleAction.objects.filter(message=message).order_by("id"))
    assert [a.action for a in actions] == ["hide", "flag"]
    assert {a.author.handle for a in actions} == {"troll.du.83"}  # the author is recorded
    audit = AuditEvent.objects.filter(action="inbox.rule_action", brand=tenants.brand_a)
    assert audit.count() == 2
    assert audit.first().after["author"] == "troll.du.83" and audit.first().actor is None

    # A CM sees it in the log of automatic actions and undoes the hiding.
    client.login(email=cm.email, password=PASSWORD)
    log = client.get(reverse("inbox:moderation_log", args=["alpha"])).content.decode()
    assert "troll.du.83" in log and "bande d&#x27;escrocs" in log
    hide = actions[0]
    response = client.post(reverse("inbox:undo", args=["alpha", hide.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert not message.hidden and message.flagged  # only the hiding was undone
    hide.refresh_from_db()
    assert hide.undone_at is not None and hide.undone_by == cm
    undone = AuditEvent.objects.get(action="inbox.rule_action_undone")
    assert undone.actor == cm and undone.after["action"] == "hide"
    # Twice is refused, not applied twice.
    with brand_scope(tenants.brand_a), pytest.raises(UndoError):
        do_undo(hide, cm)
    with brand_scope(tenants.brand_a):
        do_undo(actions[1], cm)
        message.refresh_from_db()
        assert not message.flagged and not Thread.objects.get(pk=message.thread_id).flagged


def test_keywords_use_the_charter_matching(tenants, accounts):
    fr, _en = accounts
    f.rule(
        tenants.brand_a,
        name="Arnaque",
        min_toxicity=None,
        action_hide=False,
        keywords=parse_keywords("arnaque*\nremboursement"),
    )
    f.mention("alpha.sandbox", "@alpha.sandbox ARNAQUÉ par vos soldes")
    f.mention("alpha.sandbox", "@alpha.sandbox les arnaqueurs sont partout")
    f.mention("alpha.sandbox", "@alpha.sandbox voir https://example.com/arnaque")
    f.mention("alpha.sandbox", "@alpha.sandbox et mon #Remboursement ?")
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        flagged = set(Message.objects.filter(flagged=True).values_list("text", flat=True))
    assert flagged == {
        "@alpha.sandbox ARNAQUÉ par vos soldes",
        "@alpha.sandbox les arnaqueurs sont partout",
        "@alpha.sandbox et mon #Remboursement ?",
    }


def test_author_conditions_and_other_actions(tenants, accounts, django_capture_on_commit_callbacks):
    fr, _en = accounts
    smm, cm = tenants.people["strategist"], tenants.people["community_manager"]
    with brand_scope(tenants.brand_a):
        tag = Tag.objects.create(brand=tenants.brand_a, name="vip")
    f.rule(
        tenants.brand_a,
        name="VIP",
        min_toxicity=None,
        action_hide=False,
        action_flag=False,
        author_condition="vip",
        action_tag=tag,
        action_assign=cm,
        action_escalate=True,
    )
    f.mention(
        "alpha.sandbox", "@alpha.sandbox super produit", by=f.person("star", followers=80_000)
    )
    f.mention("alpha.sandbox", "@alpha.sandbox pas mal", by=f.person("inconnu", followers=5))
    with django_capture_on_commit_callbacks(execute=True):
        ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        vip = Thread.objects.get(author__handle="star")
        other = Thread.objects.get(author__handle="inconnu")
        assert list(vip.tags.values_list("name", flat=True)) == ["vip"]
        assert vip.assignee == cm and other.assignee is None
    notes = Notification.objects.filter(kind="inbox.escalation")
    assert {n.user for n in notes} == {smm, tenants.owner}  # strategists and admins
    assert f"/b/alpha/inbox/t/{vip.pk}/" in notes.first().link
    with brand_scope(tenants.brand_a):
        for action in RuleAction.objects.filter(thread=vip):
            do_undo(action, cm)
        vip.refresh_from_db()
        assert vip.assignee is None and not vip.tags.exists()
    assert not Notification.objects.filter(kind="inbox.escalation").exists()


def test_automatic_replies_are_rate_limited_per_author(
    tenants, accounts, django_capture_on_commit_callbacks
):
    fr, _en = accounts
    f.rule(
        tenants.brand_a,
        name="Accusé de réception",
        min_toxicity=None,
        action_hide=False,
        action_flag=False,
        kinds=["mention"],
        action_auto_reply="Merci {name}, l'équipe {brand} revient vers vous vite.",
        auto_reply_hours=24,
    )
    lea = f.person("lea.petit")
    f.mention("alpha.sandbox", "@alpha.sandbox première question ?", by=lea)
    f.mention("alpha.sandbox", "@alpha.sandbox deuxième question ?", by=lea)
    with django_capture_on_commit_callbacks(execute=True):
        ingest.poll_account(fr.pk)
    from tribune.worker.runner import TribuneWorker

    worker = TribuneWorker(worker_id="t", scheduler=False)
    while worker.run_once():
        pass
    replies = sandbox_posts("alpha.sandbox").filter(text__startswith="Merci Lea Petit")
    assert replies.count() == 1
    with brand_scope(tenants.brand_a):
        action = RuleAction.objects.get(action="auto_reply")
        auto = Message.objects.get(direction="out")
        thread = auto.thread
        assert auto.auto_rule_id == action.rule_id and action.detail["reply_id"] == auto.pk
        # An acknowledgement is not an answer: the response clock still runs.
        assert thread.sla_due_at is not None and thread.status == "open"
        do_undo(action, tenants.owner)  # undo deletes it from the network
    assert not replies.exists()


def test_dry_run_shows_what_a_rule_would_have_done_without_doing_it(tenants, accounts, client):
    fr, _en = accounts
    for text in (
        "@alpha.sandbox service de merde, allez vous faire voir",
        "@alpha.sandbox vous êtes des idiots",
        "@alpha.sandbox merci !",
    ):
        f.mention("alpha.sandbox", text)
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        Message.objects.filter(text__contains="idiots").update(
            created_at=timezone.now() - timedelta(days=40)
        )
        rule = ModerationRule(brand=tenants.brand_a, name="t", min_toxicity=0.5, action_hide=True)
        result = dry_run(tenants.brand_a, rule)
        assert result.evaluated == 2 and result.matched == 1
        assert dict(result.action_counts) == {"hide": 1}
        assert not Message.objects.filter(hidden=True).exists()
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    response = client.post(
        reverse("inbox:rule_new", args=["alpha"]),
        {
            "name": "Essai",
            "keywords_text": "merde",
            "position": "0",
            "new_account_followers": "20",
            "auto_reply_hours": "24",
            "action_hide": "on",
            "dry_run": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="dry-run"' in page
    with brand_scope(tenants.brand_a):
        assert not ModerationRule.objects.exists()


def test_a_rule_needs_a_condition_and_valid_keywords(tenants, client):
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    url = reverse("inbox:rule_new", args=["alpha"])
    base = {"name": "Vide", "position": "0", "new_account_followers": "20"}
    response = client.post(url, {**base, "auto_reply_hours": "24", "action_hide": "on"})
    assert response.status_code == 200 and "au moins une condition" in response.content.decode()
    response = client.post(url, {**base, "auto_reply_hours": "24", "keywords_text": "ok\n!!!"})
    assert response.status_code == 200 and "Ligne 2" in response.content.decode()
    # A CM may read the rules but not write them.
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    assert client.get(reverse("inbox:rules", args=["alpha"])).status_code == 200
    assert client.post(url, base).status_code == 403


def test_blocked_authors_can_be_hidden_by_a_rule(tenants, accounts, client):
    fr, _en = accounts
    f.rule(tenants.brand_a, name="Bloqués", min_toxicity=None, author_condition="blocked")
    pest = f.person("pest")
    f.mention("alpha.sandbox", "@alpha.sandbox coucou", by=pest)
    ingest.poll_account(fr.pk)
    first = _message(tenants.brand_a, "@alpha.sandbox coucou")
    assert not first.hidden
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    client.post(reverse("inbox:message_action", args=["alpha", first.pk, "block"]))
    with brand_scope(tenants.brand_a):
        assert Identity.objects.get(handle="pest").blocked
    f.mention("alpha.sandbox", "@alpha.sandbox encore moi", by=pest)
    ingest.poll_account(fr.pk)
    assert _message(tenants.brand_a, "@alpha.sandbox encore moi").hidden


def test_conditions_are_all_required():
    rule = ModerationRule(
        name="r", languages=["fr"], sentiments=["negative"], networks=["sandbox"], min_toxicity=0.2
    )
    base = Candidate("texte", "fr", "negative", 0.3, "sandbox", "mention", 10, False)
    assert matches(rule, base)
    assert not matches(
        rule, Candidate("texte", "en", "negative", 0.3, "sandbox", "mention", 10, False)
    )
    assert not matches(
        rule, Candidate("texte", "fr", "neutral", 0.3, "sandbox", "mention", 10, False)
    )
    assert not matches(
        rule, Candidate("texte", "fr", "negative", 0.1, "sandbox", "mention", 10, False)
    )
    assert not matches(
        rule, Candidate("texte", "fr", "negative", 0.3, "bluesky", "mention", 10, False)
    )
    assert not matches(ModerationRule(name="empty"), base)  # no condition: never
    new = ModerationRule(name="n", author_condition="new", new_account_followers=20)
    assert matches(new, base) and not matches(
        new, Candidate("t", "fr", "", 0, "s", "dm", 500, False)
    )
