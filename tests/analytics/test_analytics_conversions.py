"""Conversions: signed idempotent endpoint, pixel, CSV import (all or nothing), and
last-click attribution within the goal's window through the /l/ redirect's click id."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.analytics import factories as f
from tribune.analytics import conversions as service
from tribune.analytics import kpis, rollups
from tribune.analytics.csvimport import import_csv
from tribune.analytics.models import Conversion
from tribune.core.scope import brand_scope
from tribune.publishing.links import CLICK_PARAM
from tribune.publishing.models import LinkClick


@pytest.fixture
def shop(tenants):
    brand = tenants.brand_a
    acct = f.account(brand)
    variant = f.published(acct, timezone.now() - timedelta(days=3))
    link = f.link(variant, campaign="printemps")
    goal = f.goal(brand, "inscription", window_days=7, value=Decimal("12.50"))
    with brand_scope(brand):
        endpoint = service.endpoint_for(brand)
    return brand, acct, variant, link, goal, endpoint


def click_through(client, link, **headers) -> str:
    response = client.get(f"/l/{link.code}", **headers)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["utm_campaign"] == [link.campaign]
    return query[CLICK_PARAM][0]


def post_signed(
    client, endpoint, payload: dict, secret: str | None = None, stamp: int | None = None
):
    body = json.dumps(payload).encode()
    ts = str(stamp or int(time.time()))
    signature = service.sign(secret or endpoint.secrets["hmac"], ts, body)
    return client.post(
        reverse("analytics:hook", args=[endpoint.public_id]),
        data=body,
        content_type="application/json",
        HTTP_X_TRIBUNE_TIMESTAMP=ts,
        HTTP_X_TRIBUNE_SIGNATURE=signature,
    )


def test_signed_endpoint_attributes_to_the_clicked_post_once(client, shop):
    brand, acct, variant, link, goal, endpoint = shop
    clid = click_through(client, link, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile")
    payload = {"goal": "inscription", "idempotency_key": "order-1", "click_id": clid}
    first = post_signed(client, endpoint, payload)
    assert first.status_code == 201, first.content
    assert first.json()["attributed"] is True and first.json()["utm_campaign"] == "printemps"
    again = post_signed(client, endpoint, payload)
    assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}
    with brand_scope(brand):
        conversion = Conversion.objects.get()
        assert conversion.variant_id == variant.pk and conversion.account_id == acct.pk
        assert conversion.value == Decimal("12.50") and conversion.source == "api"
    rollups.refresh()
    with brand_scope(brand):
        today = timezone.localdate(timezone=brand.tz)
        assert kpis.totals(brand, kpis.last_days(today, 7), [acct.pk]).conversions == 1


@pytest.mark.parametrize(
    "change,status,message",
    [
        ({"secret": "wrong"}, 401, "signature"),
        ({"stamp": int(time.time()) - 3600}, 401, "5 minutes"),
        ({"payload": {"goal": "nope", "idempotency_key": "x"}}, 400, "No goal"),
        ({"payload": {"goal": "inscription"}}, 400, "idempotency_key"),
        (
            {"payload": {"goal": "inscription", "idempotency_key": "k", "occurred_at": "hier"}},
            400,
            "ISO 8601",
        ),
    ],
)
def test_endpoint_refuses_bad_requests_with_a_reason(client, shop, change, status, message):
    *_rest, endpoint = shop
    payload = change.get("payload", {"goal": "inscription", "idempotency_key": "k1"})
    response = post_signed(client, endpoint, payload, change.get("secret"), change.get("stamp"))
    assert response.status_code == status and message in response.json()["error"]
    assert Conversion.objects.model._base_manager.count() == 0


def test_unknown_endpoint_is_404(client, shop):
    assert (
        client.post(
            "/hooks/conversions/nope", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_last_click_within_the_window_wins(client, shop):
    brand, acct, variant, link, goal, endpoint = shop
    other_variant = f.published(acct, timezone.now() - timedelta(days=20), text="Autre")
    other_link = f.link(other_variant, campaign="hiver")
    old = click_through(client, other_link)
    recent = click_through(client, link)
    now = timezone.now()
    with brand_scope(brand):
        LinkClick.objects.filter(link=other_link).update(at=now - timedelta(days=2))
        LinkClick.objects.filter(link=link).update(at=now - timedelta(days=1))
    response = post_signed(
        client,
        endpoint,
        {"goal": "inscription", "idempotency_key": "a", "click_ids": [recent, old]},
    )
    assert response.json()["utm_campaign"] == "printemps"  # the later of the two clicks
    with brand_scope(brand):
        LinkClick.objects.filter(link=link).update(at=now - timedelta(days=9))  # out of window
    response = post_signed(
        client,
        endpoint,
        {"goal": "inscription", "idempotency_key": "b", "click_ids": [recent, old]},
    )
    assert response.json()["utm_campaign"] == "hiver"
    with brand_scope(brand):
        LinkClick.objects.update(at=now - timedelta(days=30))
    response = post_signed(
        client, endpoint, {"goal": "inscription", "idempotency_key": "c", "click_id": recent}
    )
    assert response.status_code == 201 and response.json()["attributed"] is False
    forged = post_signed(
        client, endpoint, {"goal": "inscription", "idempotency_key": "d", "click_id": "1:abc"}
    )
    assert forged.json()["attributed"] is False


def test_a_click_of_another_brand_is_not_attributed(client, shop, tenants):
    *_rest, endpoint = shop
    foreign = f.link(f.published(f.account(tenants.brand_b), timezone.now()), campaign="beta")
    clid = click_through(client, foreign)
    answer = post_signed(
        client, endpoint, {"goal": "inscription", "idempotency_key": "x", "click_id": clid}
    )
    assert answer.status_code == 201 and answer.json()["attributed"] is False


def test_pixel_records_once_and_always_answers_a_gif(client, shop):
    brand, _acct, _variant, link, goal, endpoint = shop
    clid = click_through(client, link)
    url = reverse("analytics:pixel", args=[endpoint.public_id, "inscription"])
    for _ in range(2):
        response = client.get(url, {"k": "reg-42", "tclid": clid})
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert (
        client.get(
            reverse("analytics:pixel", args=[endpoint.public_id, "nope"]), {"k": "1"}
        ).status_code
        == 200
    )
    with brand_scope(brand):
        assert Conversion.objects.get().source == "pixel"
        goal.pixel_enabled = False
        goal.save()
    client.get(url, {"k": "reg-43"})
    with brand_scope(brand):
        assert Conversion.objects.count() == 1


def test_csv_import_is_all_or_nothing_with_line_numbers(client, shop, tenants):
    brand, _acct, _variant, link, _goal, _endpoint = shop
    clid = click_through(client, link)
    bad = (
        "goal;idempotency_key;occurred_at;value;click_id\n"
        f"inscription;r1;2026-03-01T10:00:00+01:00;10;{clid}\n"
        "inconnu;r2;;;\n"
        "inscription;r3;demain;;\n"
        "inscription;r1;;;\n"
    ).encode()
    with brand_scope(brand):
        result = import_csv(brand, bad, tenants.owner)
        assert [line for line, _m in result.errors] == [3, 4, 5]
        assert "No goal" in result.errors[0][1] and "ligne 2" in result.errors[2][1]
        assert Conversion.objects.count() == 0
        good = (
            b"goal,idempotency_key,occurred_at,value\n"
            b"inscription,r1,2026-03-01 10:00,10\n"
            b"inscription,r2,,\n"
        )
        first = import_csv(brand, good, tenants.owner)
        assert (first.created, first.already, first.errors) == (2, 0, [])
        again = import_csv(brand, good, tenants.owner)
        assert (again.created, again.already) == (0, 2)
        r1 = Conversion.objects.get(idempotency_key="r1")
        assert r1.occurred_at.astimezone(brand.tz).hour == 10  # local time of the brand
        assert import_csv(brand, b"foo,bar\n1,2\n", tenants.owner).errors[0][0] == 1


def test_csv_import_names_an_unreadable_line_instead_of_crashing(shop, tenants):
    brand, *_rest = shop
    lone_quote_then_huge = (
        b"goal,idempotency_key\ninscription,r1\n" + b'inscription,"' + b"x" * 200_000 + b"\n"
    )
    with brand_scope(brand), translation.override("en"):
        result = import_csv(brand, lone_quote_then_huge, tenants.owner)
        assert len(result.errors) == 1
        line, message = result.errors[0]
        assert line == 3 and "cannot be read at line 3" in message
        assert Conversion.objects.count() == 0  # nothing half-written
        # A lone carriage return ends a line (old Mac files), it is not an error.
        cr = import_csv(brand, b"goal,idempotency_key\rinscription,r9\r", tenants.owner)
        assert (cr.created, cr.errors) == (1, [])


def test_conversions_page_imports_and_shows_errors(client, shop, tenants):
    brand, *_rest = shop
    from tests.conftest import PASSWORD

    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    url = reverse("analytics:conversions", args=[brand.slug])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "c.csv", b"goal,idempotency_key\ninconnu,1\n", content_type="text/csv"
    )
    response = client.post(url, {"file": upload})
    assert (
        response.status_code == 200 and 'data-testid="import-errors"' in response.content.decode()
    )
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("c.csv", b"goal,idempotency_key\ninscription,1\n")
    assert client.post(url, {"file": upload}).status_code == 403
