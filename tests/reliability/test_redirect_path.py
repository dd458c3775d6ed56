"""The tracked-link redirect (``/l/<code>``), the hottest path: one statement on
PostgreSQL, and every click recorded exactly once even under concurrent requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client

from tribune.core.scope import brand_scope, unscoped
from tribune.publishing import links
from tribune.publishing.models import LinkClick, TrackedLink


def _link(brand) -> TrackedLink:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return TrackedLink.objects.create(
            brand=brand,
            code="Zx9fast",
            original_url="https://shop.example/p",
            target_url="https://shop.example/p?utm_source=sandbox",
            network="sandbox",
            campaign="c",
        )


@pytest.mark.django_db
def test_redirect_records_the_click_and_signs_its_id(client, tenants):
    link = _link(tenants.brand_a)
    response = client.get(
        "/l/Zx9fast", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", HTTP_REFERER="https://t.co/x"
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.netloc == "shop.example" and "utm_source=sandbox" in target.query
    tclid = parse_qs(target.query)[links.CLICK_PARAM][0]
    with unscoped():
        click = LinkClick.objects.get()
        assert links.click_pk(tclid) == click.pk
        assert (click.agent, click.referrer_host, click.brand_id) == (
            "mobile",
            "t.co",
            tenants.brand_a.pk,
        )
        assert TrackedLink.objects.get(pk=link.pk).clicks == 1


@pytest.mark.django_db
def test_bots_are_logged_but_not_counted_and_unknown_codes_are_404(client, tenants):
    link = _link(tenants.brand_a)
    assert client.get("/l/Zx9fast", HTTP_USER_AGENT="Googlebot/2.1").status_code == 302
    assert client.get("/l/nope123").status_code == 404
    with unscoped():
        assert LinkClick.objects.get().agent == "bot"
        assert TrackedLink.objects.get(pk=link.pk).clicks == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_are_all_recorded(tenants):
    link = _link(tenants.brand_a)

    def hit(_i: int) -> int:
        try:
            return Client().get("/l/Zx9fast", HTTP_USER_AGENT="Mozilla/5.0").status_code
        finally:
            connection.close()

    workers = 8 if connection.vendor == "postgresql" else 2
    with ThreadPoolExecutor(workers) as pool:
        statuses = list(pool.map(hit, range(120)))
    assert statuses.count(302) == 120
    with unscoped():
        assert LinkClick.objects.filter(link=link).count() == 120
        assert TrackedLink.objects.get(pk=link.pk).clicks == 120
