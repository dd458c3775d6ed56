"""Members, events, conversions and client reports through the API, and the
member.became_leader / conversion.recorded webhook events from their code paths."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.analytics.factories import goal, report_template
from tests.api.api_factories import Api, token_for
from tests.community.factories import make_event, make_member
from tribune.community.models import Stage
from tribune.core.scope import brand_scope
from tribune.webhooks.models import Delivery, Subscription


def test_members_and_events(tenants) -> None:  # type: ignore[no-untyped-def]
    cm = Api(token_for(tenants.people["community_manager"]))
    status, member, _ = cm.post(
        "/brands/alpha/members",
        {"display_name": "Léa Martin", "email": "lea@example.test", "consent": True},
        **{"Idempotency-Key": "m1"},
    )
    assert status == 201, member
    assert member["email_consent"] is True
    assert {"network": "email", "handle": "lea@example.test"}.items() <= member["identities"][
        0
    ].items()
    assert cm.post("/brands/alpha/members", {"display_name": "x", "email": "nope"})[0] == 422
    status, page, _ = cm.get("/brands/alpha/members")
    assert [m["display_name"] for m in page["items"]] == ["Léa Martin"]
    assert cm.get(f"/brands/alpha/members/{member['id']}")[0] == 200
    start = timezone.now() + timedelta(days=3)
    status, event, _ = cm.post(
        "/brands/alpha/events",
        {
            "title": "Atelier",
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(),
        },
    )
    assert status == 422 and "end after" in event["error"]["message"]
    status, event, _ = cm.post(
        "/brands/alpha/events",
        {
            "title": "Atelier",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 20,
        },
    )
    assert status == 201 and event["invited"] == 0
    assert [e["id"] for e in cm.get("/brands/alpha/events")[1]["items"]] == [event["id"]]
    analyst = Api(token_for(tenants.people["analyst"]))  # no community capability
    assert analyst.get("/brands/alpha/members")[0] == 403
    make_event(tenants.brand_b)
    assert cm.get("/brands/beta/events")[0] == 404


def _subscribe(tenants, events):  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        Subscription.objects.create(
            brand=tenants.brand_a,
            url="https://hooks.example.com/x",
            events=events,
            secret={"key": "k"},
        )


def test_member_became_leader_is_emitted_by_scoring(tenants) -> None:  # type: ignore[no-untyped-def]
    from tribune.community.services.scores import score_brand

    _subscribe(tenants, ["member.became_leader"])
    member = make_member(tenants.brand_a, "Camille", stage=Stage.AMBASSADOR)
    make_member(tenants.brand_a, "Dominique")
    with brand_scope(tenants.brand_a):
        score_brand(tenants.brand_a)
        score_brand(tenants.brand_a)  # already a leader: no second event
        deliveries = list(Delivery.objects.all())
    assert [d.payload["data"]["member_id"] for d in deliveries] == [member.pk]
    assert deliveries[0].payload["data"]["level"] == "ambassador"


def test_conversions_api_and_event(tenants) -> None:  # type: ignore[no-untyped-def]
    from tribune.analytics.conversions import do_record

    _subscribe(tenants, ["conversion.recorded"])
    signup = goal(tenants.brand_a)
    with brand_scope(tenants.brand_a):
        recorded = do_record(
            tenants.brand_a,
            {
                "goal": signup,
                "idempotency_key": "order-1",
                "occurred_at": timezone.now(),
                "value": Decimal("12.50"),
                "reference": "A-1",
                "click_ids": [],
            },
            "api",
        )
        [delivery] = Delivery.objects.all()
    assert delivery.payload["data"]["conversion_id"] == recorded.conversion.pk
    assert delivery.payload["data"]["value"] == "12.50"
    api = Api(token_for(tenants.people["analyst"]))
    status, page, _ = api.get("/brands/alpha/conversions")
    assert status == 200 and page["items"][0]["goal"] == "signup"
    assert page["items"][0]["reference"] == "A-1"


def test_client_report_is_generated_on_demand(tenants) -> None:  # type: ignore[no-untyped-def]
    template = report_template(tenants.brand_a)
    api = Api(token_for(tenants.people["analyst"]))
    status, page, _ = api.get("/brands/alpha/report-templates")
    assert [t["id"] for t in page["items"]] == [template.pk]
    path = f"/brands/alpha/report-templates/{template.pk}/render?start=2030-01-01&end=2030-01-31"
    status, html, response = api.get(path + "&format=html")
    assert status == 200 and response["Content-Type"].startswith("text/html")
    status, pdf, response = api.get(path)
    assert status == 200 and pdf[:5] == b"%PDF-"
    assert api.get(path.replace("2030-01-31", "2031-06-30"))[0] == 422
