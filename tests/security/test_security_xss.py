"""XSS: hostile text in every field people or networks control (names, posts, feed
items, inbox messages, mention texts, alert evidence) is shown escaped on every page the
crawler reaches — no raw <script>, onerror= or javascript: link anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.inbox.factories import identity, thread
from tests.listening.factories import make_alert, make_query
from tests.security.securitylib import Crawl, crawl, escaped_trace, payload, xss_failures
from tests.web.test_isolation_matrix import OBJECT_FACTORIES
from tribune.accounts.models import Brand, User, Workspace
from tribune.core.scope import brand_scope, unscoped
from tribune.listening.feeds import parse_feed
from tribune.listening.models import Alert, Source
from tribune.listening.services.ingest import Item, do_ingest
from tribune.networks.models import SocialAccount
from tribune.networks.sandbox.models import Post as NetworkPost
from tribune.networks.sandbox.models import Profile
from tribune.networks.services import do_connect_sandbox_account
from tribune.publishing import workflow

# Fields whose payload must show up (escaped) on at least one crawled page: proves the
# crawler really renders the hostile data, so an empty failure list means something.
MUST_BE_SHOWN = {
    "brand",
    "person",
    "account",
    "post_text",
    "identity",
    "inbox_message",
    "mention_text",
    "query_name",
    "alert_why",
    "evidence_text",
    "network_post",
}


def seed_hostile(tenants) -> dict[str, object]:  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    Brand.objects.filter(pk=brand.pk).update(name="Alpha " + payload("brand"))
    Workspace.objects.filter(pk=tenants.workspace.pk).update(name=payload("workspace"))
    User.objects.filter(pk=tenants.people["community_manager"].pk).update(
        full_name=payload("person")
    )
    brand.refresh_from_db()
    seeded: dict[str, object] = {}
    with brand_scope(brand):
        account = do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", tenants.owner)
        SocialAccount.objects.filter(pk=account.pk).update(display_name=payload("account"))
        post = workflow.do_save_post(
            brand,
            tenants.owner,
            title=payload("post_title"),
            text="Alpha " + payload("post_text") + " https://example.com/?q=<script>",
            accounts=[account],
            scheduled_at=timezone.now() + timedelta(hours=2),
        )
        seeded["post_id"] = post.pk
        seeded["account_id"] = account.pk
        identity(brand, "lea", display_name=payload("identity"))
        seeded["thread_id"] = thread(brand, text=payload("inbox_message")).pk
        query = make_query(brand, name=payload("query_name"), expression="alpha")
        seeded["query_id"] = query.pk
        source = Source.objects.create(brand=brand, kind="rss", url="https://news.example/f")
        feed = parse_feed(
            (
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
                b"<title>Alpha &lt;script&gt;alert('feed_title')&lt;/script&gt;</title>"
                b"<link>https://news.example/1</link>"
                b"<description><![CDATA[alpha <img src=x onerror=alert('feed')>]]></description>"
                b"</item></channel></rss>"
            ),
            {"content-type": "application/rss+xml"},
        )
        hostile_item = Item(
            key="hostile-1",
            text="alpha " + payload("mention_text"),
            title=payload("mention_title"),
            author=payload("mention_author"),
            url="javascript:alert('mention_url')",
            published_at=timezone.now(),
        )
        do_ingest(brand, source, [*feed.items, hostile_item])
        alert = make_alert(brand)
        Alert.objects.filter(pk=alert.pk).update(
            why=payload("alert_why"),
            evidence=[
                {
                    "id": 1,
                    "author": payload("evidence_author"),
                    "text": payload("evidence_text"),
                    "url": "javascript:alert('evidence_url')",
                }
            ],
            top_terms=[payload("term")],
        )
        seeded["alert_id"] = alert.pk
    author = Profile.objects.create(
        handle="hostile.sb", display_name=payload("network_author"), created_at=timezone.now()
    )
    seeded["remote_id"] = NetworkPost.objects.create(
        author=author, text=payload("network_post"), created_at=timezone.now()
    ).remote_id
    return seeded


def crawl_as_owner(client, tenants, seeded) -> Crawl:  # type: ignore[no-untyped-def]
    client.login(email=tenants.owner.email, password=PASSWORD)
    brand = tenants.brand_a
    made: dict[str, object] = {}

    def kwargs_for(name: str, keys: list[str]):  # type: ignore[no-untyped-def]
        kwargs = {}
        for key in keys:
            if key == "brand_slug":
                kwargs[key] = brand.slug
            elif key == "workspace_slug":
                kwargs[key] = tenants.workspace.slug
            elif key in seeded:
                kwargs[key] = seeded[key]
            elif key in OBJECT_FACTORIES and "brand_slug" in keys:
                if key not in made:  # one object per kind, reused by every URL
                    with unscoped():
                        made[key] = OBJECT_FACTORIES[key](brand)
                kwargs[key] = made[key]
            else:
                return None
        return kwargs

    return crawl(client, kwargs_for)


@pytest.fixture
def hostile_crawl(client, tenants, settings) -> Crawl:  # type: ignore[no-untyped-def]
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    seeded = seed_hostile(tenants)
    return crawl_as_owner(client, tenants, seeded)


def test_hostile_text_is_escaped_on_every_page(hostile_crawl):
    html = hostile_crawl.html()
    assert len(html) >= 40, [p.url for p in hostile_crawl.pages]
    # (/healthz answers 503 here: no worker runs during this test)
    errors = [p for p in hostile_crawl.pages if p.status >= 500 and p.url != "/healthz"]
    assert not errors, [(p.url, p.status) for p in errors]
    assert xss_failures(html) == []


def test_the_crawler_really_shows_the_hostile_fields(hostile_crawl):
    bodies = "\n".join(p.body for p in hostile_crawl.html())
    shown = {tag for tag in MUST_BE_SHOWN if escaped_trace(tag).search(bodies)}
    assert shown == MUST_BE_SHOWN, f"never rendered: {sorted(MUST_BE_SHOWN - shown)}"


def test_csp_forbids_inline_script_on_every_page(hostile_crawl):
    for page in hostile_crawl.html():
        assert "<script>" not in page.body.replace("&lt;script&gt;", ""), page.url
