"""What each row of the queue shows (rows are written in Python, not a template): every
badge, the link back with the filters, brand names in the agency queue, escaping."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.inbox import factories as f
from tribune.core.scope import brand_scope
from tribune.inbox.models import Tag


def _row(html: str, pk: int) -> str:
    match = re.search(rf'<tr data-thread="{pk}".*?</tr>', html, re.S)
    assert match, f"no row for thread {pk}"
    return match.group(0)


def test_a_row_shows_every_mark_of_its_thread(tenants, client):
    brand = tenants.brand_a
    brand.timezone = "Europe/Paris"
    brand.save()
    cm = tenants.people["community_manager"]
    f.identity(brand, "star", followers=250_000, display_name="Star <b>")
    at = timezone.now() - timedelta(hours=3)
    hot = f.thread(
        brand,
        "<script>alert(1)</script> " + "long " * 50,  # 276 of the 300 characters allowed
        at=at,
        sentiment="negative",
        language="fr",
        has_question=True,
        flagged=True,
        kind="dm",
        assignee=cm,
        sla_due_at=timezone.now() - timedelta(minutes=30),
    )
    with brand_scope(brand):
        hot.author = f.identity(brand, "star")
        hot.last_author_label = 'Star "<b>"'
        hot.save()
        hot.tags.add(Tag.objects.create(brand=brand, name="livraison<i>"))
    plain = f.thread(brand, "Merci !")
    client.login(email=cm.email, password=PASSWORD)
    url = reverse("inbox:queue", args=["alpha"])
    html = client.get(url, {"sentiment": "negative"}).content.decode()
    row = _row(html, hot.pk)

    assert 'class="late"' in row
    assert "<script>" not in row and "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "Star &quot;&lt;b&gt;&quot;" in row
    assert '<span class="badge vip">VIP</span>' in row
    assert '<span class="badge negative">Négatif</span>' in row
    assert '<span class="badge question">Question</span>' in row
    assert '<span class="badge flag">À relire</span>' in row
    assert "#livraison&lt;i&gt;" in row
    assert "· Message privé</span>" in row
    assert cm.display_name in row
    assert 'data-testid="sla-late"' in row
    assert "…" in row and "long " * 50 not in row  # cut at 140 characters
    thread_url = reverse("inbox:thread", args=["alpha", hot.pk])
    assert f'href="{thread_url}?sentiment=negative"' in row
    assert f'name="threads" value="{hot.pk}"' in row  # bulk box for a moderator
    local = timezone.localtime(at, ZoneInfo("Europe/Paris"))
    assert local.strftime("%H:%M") in row  # the brand's time, not UTC
    assert f'data-thread="{plain.pk}"' not in html  # filtered out


def test_the_agency_queue_names_the_brand_and_has_no_bulk_boxes(tenants, client):
    f.thread(tenants.brand_a, "Pour Alpha")
    beta = f.thread(tenants.brand_b, "Pour Beta")
    client.login(email=tenants.owner.email, password=PASSWORD)
    html = client.get(reverse("inbox:all")).content.decode()
    row = _row(html, beta.pk)
    assert "Beta · " in row
    assert reverse("inbox:thread", args=["beta", beta.pk]) in row
    assert 'name="threads"' not in html


def test_an_empty_queue_says_so(tenants, client):
    cm = tenants.people["community_manager"]
    client.login(email=cm.email, password=PASSWORD)
    html = client.get(reverse("inbox:queue", args=["alpha"])).content.decode()
    assert 'data-testid="thread-row"' not in html
    assert '<td colspan="5">' in html
