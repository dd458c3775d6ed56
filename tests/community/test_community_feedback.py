"""Feedback: classification (French and English), collection from inbox and listening,
topics, trends, CSV export (no formula injection), shareable read-only page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_member
from tests.conftest import PASSWORD
from tests.inbox.factories import account_of
from tribune.community.models import Feedback, Identity
from tribune.community.services import feedback as svc
from tribune.core.scope import brand_scope
from tribune.inbox.models import Identity as InboxIdentity
from tribune.inbox.models import Message, Thread
from tribune.listening.models import Mention


@pytest.mark.parametrize(
    "text,category",
    [
        ("Le prix de l'abonnement a encore augmenté, c'est trop cher", "pricing"),
        ("Your pricing is way too expensive for small teams", "pricing"),
        ("L'appli plante à chaque ouverture depuis la mise à jour", "support"),
        ("My order never arrived, I want a refund", "support"),
        ("Il manque un mode sombre, ce serait top de l'ajouter", "feature"),
        ("Please add an export to Excel, would be great", "feature"),
        ("La texture de la crème est parfaite", "product"),
        ("Bonjour à tous", "other"),
    ],
)
def test_classify(text: str, category: str) -> None:
    assert svc.classify(text) == category


def test_collect_topics_trends_export_and_share(client, tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    account = account_of(brand)
    now = timezone.now()
    member = make_member(brand, "Nina Roche", handle="nina.roche")
    with brand_scope(brand):
        author = InboxIdentity.objects.create(
            brand=brand,
            network="sandbox",
            remote_id="nina.roche",
            handle="nina.roche",
            display_name="Nina Roche",
            first_seen_at=now,
            last_seen_at=now,
        )
        thread = Thread.objects.create(
            brand=brand,
            account=account,
            network="sandbox",
            key="t1",
            author=author,
            last_activity_at=now,
            created_at=now,
        )
        texts = [
            "Le prix est trop cher pour moi",
            "Trop cher, l'abonnement double !",
            "Bonjour, merci",  # not feedback
        ]
        for i, text in enumerate(texts):
            Message.objects.create(
                brand=brand,
                account=account,
                thread=thread,
                remote_id=f"r{i}",
                kind="mention",
                author=author,
                text=text,
                created_at=now,
                sentiment="negative",
            )
        Mention.objects.create(
            brand=brand,
            network="bluesky",
            key="m1",
            author="zoe.bsky.social",
            text="Il manque un mode sombre dans l'appli",
            text_hash="x",
            published_at=now,
            fetched_at=now,
        )
        Mention.objects.create(
            brand=brand,
            network="bluesky",
            key="m2",
            author="zoe.bsky.social",
            text="Ajoutez un mode sombre svp",
            text_hash="y",
            published_at=now,
            fetched_at=now,
        )
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    client.post(
        reverse("community:feedback_add", args=["alpha"]),
        {"text": '=HYPERLINK("http://evil") la livraison est en retard', "author_label": "Salon"},
    )
    client.post(reverse("community:feedback_collect", args=["alpha"]))
    client.post(reverse("community:feedback_collect", args=["alpha"]))  # nothing twice
    with brand_scope(brand):
        items = list(Feedback.objects.all())
        assert len(items) == 5
        by_source = {(f.source, f.category) for f in items}
        assert by_source == {("inbox", "pricing"), ("listening", "feature"), ("manual", "support")}
        assert {f.member_id for f in items if f.source == "inbox"} == {member.pk}  # linked
        assert all(f.topic for f in items)  # every item got a readable topic label
        pricing_topics = {f.topic for f in items if f.category == "pricing"}
        assert len(pricing_topics) == 1
        trend = svc.trends(Feedback.objects.all())
        assert trend[-1]["total"] == 5 and trend[-1]["pricing"] == 2

    page = client.get(reverse("community:feedback", args=["alpha"]) + "?category=pricing")
    assert page.content.decode().count('data-testid="feedback-item"') == 2
    export = client.get(reverse("community:feedback_csv", args=["alpha"]))
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][-1] == "author" and len(rows) == 6
    assert all(not cell.startswith("=") for row in rows for cell in row)

    client.post(reverse("community:feedback_share", args=["alpha"]), {"category": "pricing"})
    page = client.get(reverse("community:feedback", args=["alpha"])).content.decode()
    share = re.search(r'value="(http[^"]+/community/feedback/[^"]+/)"', page).group(1)
    client.logout()
    shared = client.get("/" + share.split("://", 1)[1].split("/", 1)[1])
    body = shared.content.decode()
    assert shared.status_code == 200
    assert body.count('data-testid="feedback-item"') == 2  # the filter travels with the link
    assert "Nina Roche" not in body and "nina.roche" not in body  # no authors
    assert client.get(reverse("community:feedback_shared", args=["forged"])).status_code == 404


def test_analyst_export_has_no_authors(client, tenants):  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        svc.do_add_feedback(tenants.brand_a, None, text="Trop cher", author_label="Jean Dupont")
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    body = client.get(reverse("community:feedback_csv", args=["alpha"])).content.decode()
    assert "Jean Dupont" not in body and "Trop cher" in body
    with brand_scope(tenants.brand_a):
        assert Identity.objects.count() == 0
