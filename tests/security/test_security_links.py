"""Links that networks and feeds send us are shown as <a href>: only http(s) and
site-relative ones are stored (javascript:, data:, vbscript: are dropped on the way in)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.listening.factories import make_query
from tribune.core.safety import web_url
from tribune.core.scope import brand_scope
from tribune.inbox.ingest import PollResult, store_page
from tribune.inbox.models import Identity, Message
from tribune.listening.models import Mention
from tribune.listening.services.ingest import Item, do_ingest
from tribune.networks.base import InboundItem, InboundPage, RemoteAuthor
from tribune.networks.services import do_connect_sandbox_account

HOSTILE = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/\\evil.example",
    "java\tscript:alert(1)",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_links_are_dropped(url):
    assert web_url(url) == ""


@pytest.mark.parametrize(
    "url", ["https://example.com/a?b=c", "http://example.com", "/sandbox/p/123"]
)
def test_web_links_are_kept(url):
    assert web_url(url) == url


@pytest.mark.django_db
def test_listening_mentions_never_store_a_script_link(tenants, settings):
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    make_query(tenants.brand_a, expression="alpha")
    with brand_scope(tenants.brand_a):
        do_ingest(
            tenants.brand_a,
            None,
            [
                Item(key=f"k{i}", text=f"alpha {i}", url=url, published_at=timezone.now())
                for i, url in enumerate([*HOSTILE, "https://ok.example/"])
            ],
        )
        urls = sorted(Mention.objects.values_list("url", flat=True))
    assert urls == [""] * len(HOSTILE) + ["https://ok.example/"]


@pytest.mark.django_db
def test_inbox_messages_never_store_a_script_link(tenants, settings):
    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"
    with brand_scope(tenants.brand_a):
        account = do_connect_sandbox_account(
            tenants.brand_a, "alpha.sandbox", "Alpha", "fr", tenants.owner
        )
        author = RemoteAuthor(
            remote_id="evil", handle="evil", display_name="Evil", avatar_url="javascript:x()"
        )
        page = InboundPage(
            items=[
                InboundItem(
                    remote_id="r1",
                    kind="mention",
                    author=author,
                    created_at=timezone.now(),
                    text="Bonjour @alpha",
                    url="javascript:alert(document.cookie)",
                )
            ],
            cursor="1",
        )
        assert store_page(account, account.inbound_cursor, page, PollResult())
        assert Message.objects.get(remote_id="r1").url == ""
        assert Identity.objects.get(remote_id="evil").avatar_url == ""
