"""GDPR: export a member (JSON + readable page) and erase them — then scan every text,
char and JSON column of every table for anything that identifies the person."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_event, make_member
from tests.conftest import PASSWORD
from tests.inbox.factories import account_of
from tribune.community.models import (
    Briefing,
    BriefingRecipient,
    Feedback,
    Identity,
    Interaction,
    Invitation,
    Member,
)
from tribune.community.services.gdpr import do_erase, export_member, identifiers
from tribune.community.services.members import sync_brand
from tribune.community.services.merge import do_merge
from tribune.core.audit import record_audit
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope, unscoped
from tribune.inbox.models import Identity as InboxIdentity
from tribune.inbox.models import Message, Thread
from tribune.listening.models import Alert, Mention, MentionMatch, Query

HANDLE = "marie.helene.dupont"
EMAIL = "mh.dupont@exemple.fr"
PHONE = "+33612345678"
NAME = "Marie-Hélène Dupont"
BSKY = "mhdupont.bsky.social"


def _scan(needles: set[str]) -> list[str]:
    """Every (table, column) of the whole database holding one of the strings."""
    found = []
    lowered = {n.lower() for n in needles}
    with unscoped():
        for model in apps.get_models():
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            if not fields:
                continue
            for row in model._base_manager.values_list(*(f.attname for f in fields)):
                for field, value in zip(fields, row, strict=True):
                    if value is None:
                        continue
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if not isinstance(value, str)
                        else value
                    ).lower()
                    hits = [n for n in lowered if n in text]
                    if hits:
                        found.append(f"{model._meta.db_table}.{field.attname}: {hits}")
    return found


def _person(tenants):  # type: ignore[no-untyped-def]
    """One person known through the inbox, listening, events, briefings and feedback."""
    brand = tenants.brand_a
    account = account_of(brand)
    now = timezone.now()
    with brand_scope(brand):
        author = InboxIdentity.objects.create(
            brand=brand,
            network="sandbox",
            remote_id=HANDLE,
            handle=HANDLE,
            display_name=NAME,
            followers=1200,
            first_seen_at=now,
            last_seen_at=now,
        )
        thread = Thread.objects.create(
            brand=brand,
            account=account,
            network="sandbox",
            key=f"dm:{HANDLE}",
            kind="dm",
            author=author,
            last_text="Bonjour, mon numéro est " + PHONE,
            last_author_label=NAME,
            last_activity_at=now,
            created_at=now,
        )
        Message.objects.create(
            brand=brand,
            account=account,
            thread=thread,
            remote_id="m1",
            kind="dm",
            author=author,
            text=f"Bonjour, je suis {NAME}, écrivez-moi à {EMAIL} ou au {PHONE}",
            url=f"https://sandbox.test/@{HANDLE}/m1",
            created_at=now - timedelta(hours=2),
        )
        Message.objects.create(
            brand=brand,
            account=account,
            thread=thread,
            direction="out",
            kind="dm",
            text=f"@{HANDLE} merci, nous vous rappelons",
            created_at=now - timedelta(hours=1),
        )
        query = Query.objects.create(brand=brand, name="Marque", expression="alpha")
        mention = Mention.objects.create(
            brand=brand,
            network="bluesky",
            key=f"at://{BSKY}/post/1",
            url=f"https://bsky.app/profile/{BSKY}/post/1",
            author=BSKY,
            text="Alpha, votre crème est top",
            text_hash="x",
            published_at=now,
            fetched_at=now,
        )
        MentionMatch.objects.create(brand=brand, query=query, mention=mention, published_at=now)
        Alert.objects.create(
            brand=brand,
            query=query,
            kind="influencer",
            window_start=now,
            window_end=now,
            why=f"{NAME} (@{HANDLE}) parle de vous",
            raised_at=now,
            last_evidence_at=now,
            evidence=[{"author": NAME, "text": f"Message de {NAME}", "url": ""}],
            ack_token="tok-gdpr",
        )
        sync_brand(brand)  # links both authors to members, copies their interactions
        main = Identity.objects.get(network="sandbox", handle=HANDLE).member
        other = Identity.objects.get(network="bluesky", handle=BSKY).member
        Identity.objects.create(
            brand=brand, member=main, network="email", handle=EMAIL, email=EMAIL
        )
        Identity.objects.create(
            brand=brand, member=main, network="phone", handle=PHONE, phone=PHONE
        )
        main.display_name, main.notes, main.email_consent = NAME, f"Appeler au {PHONE}", True
        main.save()
        do_merge(main, other, tenants.owner)  # the same person on Bluesky
        Interaction.objects.create(
            brand=brand,
            member=main,
            kind="gift",
            channel="gift",
            occurred_at=now,
            summary=f"Coffret envoyé à {NAME}",
        )
        Feedback.objects.create(
            brand=brand,
            member=main,
            source="manual",
            category="product",
            text=f"{NAME} aimerait un format voyage",
            author_label=NAME,
            received_at=now,
        )
        event = make_event(brand)
        Invitation.objects.create(
            brand=brand, event=event, member=main, email=EMAIL, invited_at=now, survey_answer="Top"
        )
        briefing = Briefing.objects.create(
            brand=brand,
            title="Lancement",
            content="...",
            share_keyword="lancement",
            embargo_until=now + timedelta(days=1),
        )
        BriefingRecipient.objects.create(brand=brand, briefing=briefing, member=main, email=EMAIL)
        record_audit("test.something", brand=brand, after={"note": f"{NAME} a appelé"})
        # Someone else, who must be left alone.
        make_member(brand, "Paul Martin", handle="paul.martin", email="paul@exemple.fr")
        return main


def test_export_contains_everything(client, tenants):  # type: ignore[no-untyped-def]
    main = _person(tenants)
    with brand_scope(tenants.brand_a):
        data = export_member(main)
    assert {i["handle"] for i in data["identities"]} == {HANDLE, BSKY, EMAIL, PHONE}
    assert any(EMAIL in m["text"] for m in data["inbox_messages"])
    assert data["listening_mentions"][0]["author"] == BSKY
    assert {i["kind"] for i in data["interactions"]} >= {"dm", "mention", "gift"}
    assert data["events"] and data["briefings"] and data["feedback"]
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    url = reverse("community:member_export", args=["alpha", main.pk, "json"])
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["member"]["display_name"] == NAME
    page = client.get(reverse("community:member_export", args=["alpha", main.pk, "html"]))
    assert NAME in page.content.decode() and EMAIL in page.content.decode()
    with brand_scope(tenants.brand_a):
        assert AuditEvent.objects.filter(action="community.member_exported").count() == 2


def test_erase_leaves_nothing_personal_in_any_table(client, tenants):  # type: ignore[no-untyped-def]
    main = _person(tenants)
    with brand_scope(tenants.brand_a):
        needles = identifiers(main)
    assert {HANDLE, BSKY, EMAIL, PHONE, NAME} <= needles
    assert _scan({HANDLE, EMAIL, PHONE, NAME, BSKY})  # the scan does find them before

    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    url = reverse("community:member_action", args=["alpha", main.pk, "erase"])
    client.post(url, {"confirm": "wrong name"})
    with brand_scope(tenants.brand_a):
        assert Member.objects.filter(pk=main.pk).exists()  # not confirmed: nothing happened
    response = client.post(url, {"confirm": NAME})
    assert response.status_code == 302

    assert _scan({HANDLE, EMAIL, PHONE, NAME, BSKY}) == []
    with brand_scope(tenants.brand_a):
        assert not Member.objects.filter(display_name=NAME).exists()
        assert Member.objects.filter(display_name="Paul Martin").exists()
        assert Identity.objects.filter(handle="paul.martin").exists()
        # The brand's history keeps its shape: messages and mentions are counted, blank.
        assert Message.objects.count() == 2 and Mention.objects.count() == 1
        assert Message.objects.get(remote_id="m1").text == ""
        audit = AuditEvent.objects.get(action="community.member_erased")
        assert audit.actor == tenants.people["community_manager"]
        assert audit.after["inbox_messages"] == 1 and audit.after["mentions"] == 1
        assert audit.after["members"] == 2  # the merged Bluesky profile too


def test_erase_direct_call_is_atomic(tenants, monkeypatch):  # type: ignore[no-untyped-def]
    main = _person(tenants)

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr("tribune.community.services.gdpr.sweep", broken)
    with brand_scope(tenants.brand_a):
        with pytest.raises(RuntimeError):
            do_erase(main, None)
        assert Member.objects.filter(pk=main.pk).exists()
        assert Message.objects.get(remote_id="m1").text.startswith("Bonjour")
