"""CM drafts → charter blocks → fixed → strategist approves → published → link clicked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.publishing.conftest import sandbox_posts
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks.registry import get_connector
from tribune.publishing import publisher, workflow
from tribune.publishing.models import LinkClick, Notification, Post, PostStatus, Variant
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.services.charter import do_save_charter


@pytest.fixture
def charter(tenants):
    rules = CharterRules.from_dict({"banned_terms": [{"term": "arnaque", "severity": "block"}]})
    do_save_charter(
        tenants.brand_a, tenants.owner, document_source="Charte", rules=rules, hours=BusinessHours()
    )


def _publish_due(now=None):
    ids = publisher.claim_due(now=now or timezone.now() + timedelta(seconds=1), limit=100)
    return [publisher.publish_variant(i) for i in ids]


def test_full_approval_flow_publishes_once(
    tenants, accounts, charter, django_capture_on_commit_callbacks
):
    cm, smm = tenants.people["community_manager"], tenants.people["strategist"]
    when = timezone.now() + timedelta(minutes=30)
    with brand_scope(tenants.brand_a), django_capture_on_commit_callbacks(execute=True):
        post = workflow.do_save_post(
            tenants.brand_a,
            cm,
            text="Pas une arnaque : https://alpha.example/offre",
            accounts=list(accounts),
            scheduled_at=when,
        )
        with pytest.raises(workflow.WorkflowError) as blocked:
            workflow.do_submit(post, cm)
        assert {"alpha.sandbox", "alpha-en.sandbox"} == set(blocked.value.problems)
        assert blocked.value.problems["alpha.sandbox"][0].code == "banned_term"
        post = workflow.do_save_post(
            tenants.brand_a,
            cm,
            post=post,
            text="Notre offre : https://alpha.example/offre",
            accounts=list(accounts),
            scheduled_at=when,
        )
        workflow.do_submit(post, cm)
        assert post.status == PostStatus.IN_REVIEW
        assert Notification.objects.filter(user=smm, kind="post.review").exists()
        workflow.do_approve(post, smm)
        assert post.status == PostStatus.SCHEDULED and post.approved_by == smm
        # Not due yet: nothing is claimed.
        assert publisher.claim_due(now=timezone.now()) == []
        assert sorted(_publish_due(when + timedelta(seconds=1))) == ["success", "success"]
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHED
        variant = Variant.objects.get(post=post, account=accounts[0])
    # Visible on the network, read back through its API; the link is a tracked one.
    published = list(sandbox_posts("alpha.sandbox"))
    assert len(published) == 1 and str(published[0].remote_id) == variant.remote_id
    assert "/l/" in published[0].text and "alpha.example" not in published[0].text
    connector = get_connector("sandbox", accounts[0].to_credentials())
    assert connector.find_published(str(variant.idempotency_key), "", when - timedelta(days=1))
    assert AuditEvent.objects.filter(action="post.approved", object_id=str(post.pk)).exists()
    assert mail.outbox  # the reviewer and the author were emailed


def test_tracked_link_counts_clicks_and_adds_utm(client, tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Voir https://alpha.example/a?x=1",
            accounts=[accounts[0]],
            scheduled_at=None,
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner) if post.status == PostStatus.IN_REVIEW else None
        variant = Variant.objects.get(post=post)
    code = variant.rendered_text.rsplit("/l/", 1)[1].split()[0]
    response = client.get(
        f"/l/{code}",
        HTTP_REFERER="https://bsky.app/profile/x",
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile",
    )
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("https://alpha.example/a?x=1&utm_source=sandbox&utm_medium=social")
    assert "utm_campaign=alpha" in target
    client.get(f"/l/{code}", HTTP_USER_AGENT="facebookexternalhit/1.1")
    with brand_scope(tenants.brand_a):
        clicks = list(LinkClick.objects.values_list("agent", "referrer_host"))
        assert sorted(clicks) == [("bot", ""), ("mobile", "bsky.app")]
        assert variant.links.get().clicks == 1  # bots are logged, not counted
    assert client.get("/l/nope").status_code == 404


def test_request_changes_sends_back_to_author(tenants, accounts):
    cm, client_reviewer = tenants.people["community_manager"], tenants.people["client_reviewer"]
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a, cm, text="Bonjour", accounts=[accounts[0]], scheduled_at=None
        )
        workflow.do_submit(post, cm)
        with pytest.raises(workflow.WorkflowError):
            workflow.do_request_changes(post, client_reviewer, "  ")
        workflow.do_request_changes(post, client_reviewer, "Plus chaleureux, svp")
        assert post.status == PostStatus.DRAFT
        assert post.comments.get().requests_changes
        assert Notification.objects.filter(user=cm, kind="post.changes").exists()


def test_roles_on_the_post_page(client, tenants, accounts):
    cm = tenants.people["community_manager"]
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a, cm, text="Bonjour", accounts=[accounts[0]], scheduled_at=None
        )
        workflow.do_submit(post, cm)
    url = reverse("publishing:action", args=["alpha", post.pk, "approve"])
    client.force_login(cm)  # a CM cannot approve
    client.post(url)
    with brand_scope(tenants.brand_a):
        assert Post.objects.get(pk=post.pk).status == PostStatus.IN_REVIEW
    client.force_login(tenants.people["analyst"])  # an analyst cannot draft
    assert client.get(reverse("publishing:compose", args=["alpha"])).status_code == 403
    client.force_login(tenants.people["client_reviewer"])
    client.post(url)
    with brand_scope(tenants.brand_a):
        assert Post.objects.get(pk=post.pk).status == PostStatus.APPROVED


def test_compose_view_interprets_time_in_brand_zone(client, tenants, accounts):
    client.force_login(tenants.people["community_manager"])
    tomorrow = (timezone.now() + timedelta(days=2)).astimezone(tenants.brand_a.tz).date()
    response = client.post(
        reverse("publishing:compose", args=["alpha"]),
        {
            "text": "Bonjour",
            "accounts": [accounts[0].pk],
            "scheduled_at": f"{tomorrow.isoformat()}T09:00",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        post = Post.objects.get()
    local = post.scheduled_at.astimezone(tenants.brand_a.tz)
    assert (local.date(), local.hour, local.minute) == (tomorrow, 9, 0)
    assert post.status == PostStatus.IN_REVIEW


def test_live_check_shows_counts_and_violations(client, tenants, accounts, charter):
    client.force_login(tenants.people["community_manager"])
    response = client.post(
        reverse("publishing:live_check", args=["alpha"]),
        {"text": "Quelle arnaque " + "x" * 600, "accounts": [accounts[0].pk]},
    )
    page = response.content.decode()
    assert "@alpha.sandbox" in page and "/ 500" in page
    assert "arnaque" in page.lower() and "⛔" in page
