"""Tokens, API calls and one object per API path parameter (used by the schema-driven
isolation test: a new path parameter without a factory here fails that test)."""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.analytics.factories import URL_FACTORIES as ANALYTICS_FACTORIES
from tests.community.factories import URL_FACTORIES as COMMUNITY_FACTORIES
from tests.inbox.factories import URL_FACTORIES as INBOX_FACTORIES
from tests.listening.factories import URL_FACTORIES as LISTENING_FACTORIES
from tribune.accounts.models import Brand, User
from tribune.accounts.services import do_create_api_token
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.services import do_connect_account


def token_for(
    user: User, scopes: list[str] | None = None, brands: list[Brand] | None = None
) -> str:
    _row, raw = do_create_api_token(user, "test", scopes=scopes or [], brands=brands or [])
    return raw


class Api:
    """A thin client: ``api.get("/brands")`` → (status, json body or raw bytes, response)."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        # Messages in English (the French catalogue is tested elsewhere).
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def call(
        self, method: str, path: str, body: Any = None, **headers: str
    ) -> tuple[int, Any, Any]:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method.lower())(url, **kwargs)
        content = (
            response.content if not response.streaming else b"".join(response.streaming_content)
        )
        try:
            data = json.loads(content) if content else None
        except ValueError:
            data = content
        return response.status_code, data, response

    def get(self, path: str, **headers: str) -> tuple[int, Any, Any]:
        return self.call("get", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> tuple[int, Any, Any]:
        return self.call("post", path, {} if body is None else body, **headers)


def sandbox_account(brand: Brand, handle: str = "") -> Any:
    with brand_scope(brand):
        return do_connect_account(
            brand,
            "sandbox",
            Credentials(handle=handle or f"{brand.slug}-{secrets.token_hex(2)}.sb"),
            None,
        )


def _post(brand: Brand) -> int:
    from tribune.publishing.models import Post

    with brand_scope(brand):
        return Post.objects.create(brand=brand, text=f"Post of {brand.slug}").pk


def _subscription(brand: Brand) -> Any:
    from tribune.webhooks.models import Subscription

    with brand_scope(brand):
        return Subscription.objects.create(
            brand=brand,
            url="https://hooks.example.com/x",
            events=["post.published"],
            secret={"key": "k"},
        )


def _delivery(brand: Brand) -> int:
    from tribune.webhooks.models import Delivery

    sub = _subscription(brand)
    with brand_scope(brand):
        now = timezone.now()
        return Delivery.objects.create(
            brand=brand,
            subscription=sub,
            event="post.published",
            payload={"x": 1},
            created_at=now,
            next_attempt_at=None,
            status=Delivery.Status.DELIVERED,
        ).pk


_weeks = itertools.count()


def _report(brand: Brand) -> int:
    from tribune.strategy.models import CmReport

    with brand_scope(brand):
        return CmReport.objects.create(
            brand=brand,
            period_start=date(2026, 1, 5) + timedelta(weeks=(week := next(_weeks))),
            period_end=date(2026, 1, 11) + timedelta(weeks=week),
            data={"posts": {"published": 3}},
        ).pk


# API path parameter → a function creating such an object in a brand, returning its id.
PARAM_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "post_id": _post,
    "account_id": lambda brand: sandbox_account(brand).pk,
    "thread_id": INBOX_FACTORIES["thread_id"],
    "query_id": LISTENING_FACTORIES["query_id"],
    "alert_id": LISTENING_FACTORIES["alert_id"],
    "subscription_id": lambda brand: _subscription(brand).pk,
    "delivery_id": _delivery,
    "report_id": _report,
    "member_id": COMMUNITY_FACTORIES["member_id"],
    "event_id": COMMUNITY_FACTORIES["event_id"],
    "template_id": ANALYTICS_FACTORIES["template_id"],
}

# The same for the integrations screens (tests/web/test_isolation_matrix.py).
URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "subscription_id": lambda brand: _subscription(brand).pk,
    "delivery_id": _delivery,
    "webhook_op": lambda brand: "ping",
}
