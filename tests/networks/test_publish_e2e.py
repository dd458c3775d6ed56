"""End to end: CM drafts for Bluesky + sandbox → charter blocks → fixed → strategist
approves → published at the scheduled minute on the real local Bluesky network and the
sandbox → read back through their APIs → tracked-link click → per-post page shows it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.peers import bluesky as peer
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.services import do_connect_account, do_connect_sandbox_account
from tribune.publishing import publisher, workflow
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.services.charter import do_save_charter

pytestmark = [pytest.mark.peer, pytest.mark.slow]


def test_draft_to_published_on_bluesky_and_sandbox(
    tenants,
    bluesky_network,
    bluesky_accounts,
    client,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the local network lives on 127.0.0.1
    alice, bob = bluesky_accounts
    brand, cm, smm = (
        tenants.brand_a,
        tenants.people["community_manager"],
        tenants.people["strategist"],
    )
    do_save_charter(
        brand,
        smm,
        document_source="Charte",
        hours=BusinessHours(),
        rules=CharterRules.from_dict({"banned_terms": [{"term": "gratuit", "severity": "block"}]}),
    )
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        sky = do_connect_account(
            brand,
            "bluesky",
            Credentials(
                handle=alice.handle,
                remote_id=alice.did,
                base_url=bluesky_network.pds_url,
                secrets={"app_password": alice.password},
            ),
            smm,
        )
        box = do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", smm)
        due = (timezone.now() + timedelta(seconds=3)).replace(microsecond=0)
        post = workflow.do_save_post(
            brand,
            cm,
            text="C'est gratuit ! https://alpha.example/j",
            accounts=[sky, box],
            scheduled_at=due,
            language="fr",
        )
        with pytest.raises(workflow.WorkflowError):
            workflow.do_submit(post, cm)
        post = workflow.do_save_post(
            brand,
            cm,
            post=post,
            text="Nouveau chez Alpha #rentrée https://alpha.example/j",
            accounts=[sky, box],
            scheduled_at=due,
            language="fr",
        )
        workflow.do_submit(post, cm)
        workflow.do_approve(post, smm)
        assert publisher.claim_due() == []  # not before its minute
        while timezone.now() < due:
            time.sleep(0.1)
        outcomes = [publisher.publish_variant(i) for i in publisher.claim_due()]
        lateness = (timezone.now() - due).total_seconds()
        assert outcomes == ["success", "success"] and lateness < 5
        post = Post.objects.get(pk=post.pk)
        assert post.status == PostStatus.PUBLISHED
        on_sky = Variant.objects.get(post=post, account=sky)
        on_box = Variant.objects.get(post=post, account=box)
    # Read back through Bluesky's own API, as another user would.
    reader = peer.logged_in_client(bluesky_network, bob)
    # The AppView indexes writes asynchronously: wait for it.
    deadline = time.monotonic() + 20
    while not (found := reader.app.bsky.feed.get_posts({"uris": [on_sky.remote_id]}).posts):
        assert time.monotonic() < deadline, "the post never appeared in the AppView"
        time.sleep(0.25)
    assert len(found) == 1
    record = found[0].record
    assert "/l/" in record.text and record.langs == ["fr"]
    kinds = {type(f.features[0]).__name__ for f in record.facets}
    assert {"Link", "Tag"} <= kinds
    assert on_box.remote_url.endswith(on_box.remote_id)
    assert client.get(on_box.remote_url.split("127.0.0.1:8000")[-1]).status_code == 200
    # A reader clicks the tracked link in the Bluesky post.
    code = record.text.split("/l/")[1].split()[0]
    response = client.get(f"/l/{code}", HTTP_REFERER="https://bsky.app/")
    assert response.status_code == 302 and "utm_source=bluesky" in response["Location"]
    client.force_login(smm)
    page = client.get(f"/b/{brand.slug}/publishing/posts/{post.pk}/").content.decode()
    assert 'data-testid="clicks">1<' in page
    assert on_sky.remote_url in page
