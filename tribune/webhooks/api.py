"""Webhook subscriptions and their delivery log through the API."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from pydantic import Field

from tribune.api.auth import in_brand
from tribune.api.common import In, Page, PageParams, get_or_404, responses
from tribune.api.errors import ApiError
from tribune.api.idempotency import idempotent
from tribune.api.pagination import paginate
from tribune.webhooks import services
from tribune.webhooks.models import EVENTS, Delivery, Subscription

router = Router(tags=["webhooks"])


class SubscriptionOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="The signing key; shown once")


class SubscriptionPage(Page):
    items: list[SubscriptionOut]


class SubscriptionIn(In):
    url: str = Field(min_length=1, max_length=1000)
    events: list[str] = Field(min_length=1, max_length=len(EVENTS), description=", ".join(EVENTS))
    description: str = Field("", max_length=200)


class DeliveryOut(Schema):
    id: int
    subscription_id: int
    event: str
    event_id: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    replay_of: int | None
    created_at: datetime
    payload: dict[str, Any]


class DeliveryPage(Page):
    items: list[DeliveryOut]


def subscription_out(s: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=s.pk,
        url=s.url,
        description=s.description,
        events=list(s.events),
        active=s.active,
        created_at=s.created_at,
    )


def delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk,
        subscription_id=d.subscription_id,
        event=d.event,
        event_id=str(d.event_id),
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        replay_of=d.replay_of_id,
        created_at=d.created_at,
        payload=d.payload,
    )


@router.get(
    "/brands/{brand_slug}/webhooks",
    response=responses(200, SubscriptionPage),
    summary="Webhook subscriptions",
)
def list_subscriptions(request, brand_slug: str, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "webhooks:read") as access:
        qs = Subscription.objects.filter(brand=access.brand)
        return paginate(qs, page.cursor, page.limit, subscription_out)


@router.post(
    "/brands/{brand_slug}/webhooks",
    response=responses(201, SubscriptionCreated),
    summary="Subscribe an address to events (the answer holds the signing key, once)",
)
@idempotent
def create_subscription(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    brand_slug: str,
    payload: SubscriptionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    with in_brand(request, brand_slug, "webhooks:write") as access:
        try:
            sub, key = services.do_create_subscription(
                access.brand,
                request.user,  # type: ignore[arg-type]
                url=payload.url,
                events=payload.events,
                description=payload.description,
            )
        except services.WebhookError as exc:
            raise ApiError(422, "invalid", str(exc)) from None
        return 201, SubscriptionCreated(**subscription_out(sub).model_dump(), secret=key)


@router.get(
    "/brands/{brand_slug}/webhooks/{subscription_id}",
    response=responses(200, SubscriptionOut),
    summary="One webhook subscription",
)
def get_subscription(request, brand_slug: str, subscription_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "webhooks:read"):
        return subscription_out(get_or_404(Subscription, subscription_id, "webhook"))


@router.delete(
    "/brands/{brand_slug}/webhooks/{subscription_id}",
    response=responses(204, None),
    summary="Delete a webhook subscription and its log",
)
def delete_subscription(request, brand_slug: str, subscription_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "webhooks:write"):
        sub = get_or_404(Subscription, subscription_id, "webhook")
        services.do_delete_subscription(sub, request.user)
        return 204, None


@router.get(
    "/brands/{brand_slug}/webhooks/{subscription_id}/deliveries",
    response=responses(200, DeliveryPage),
    summary="Delivery log of a subscription, newest first",
)
def list_deliveries(request, brand_slug: str, subscription_id: int, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "webhooks:read"):
        sub = get_or_404(Subscription, subscription_id, "webhook")
        return paginate(sub.deliveries.all(), page.cursor, page.limit, delivery_out)


@router.post(
    "/brands/{brand_slug}/webhooks/deliveries/{delivery_id}/replay",
    response=responses(201, DeliveryOut),
    summary="Send a logged delivery again (same event id)",
)
def replay(request, brand_slug: str, delivery_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "webhooks:write"):
        delivery = get_or_404(Delivery, delivery_id, "delivery")
        return 201, delivery_out(services.do_replay(delivery, request.user))
