"""Schemathesis against the live OpenAPI schema (through the Django WSGI app): for every
operation, generated requests (valid and invalid) never get a 5xx and every answer
matches the schema (status code, content type, body, headers). Bounded and seeded."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api.api_factories import sandbox_account, token_for
from tribune.core.scope import brand_scope

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


# The schema is read from the running application (the WSGI app), as clients see it.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_test_connection(db):  # type: ignore[no-untyped-def]
    # Like Django's test client: keep the test's connection (and its transaction) open
    # across the WSGI requests instead of closing it at the end of each.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def live_brand(tenants, settings):  # type: ignore[no-untyped-def]
    """Brand Alpha with a little of everything, and an owner token on it."""
    from tests.inbox.factories import thread
    from tests.listening.factories import make_alert
    from tribune.publishing.models import Post

    settings.TRIBUNE_API_RATE_LIMIT = 100_000
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # no DNS lookups for generated addresses
    account = sandbox_account(tenants.brand_a, "alpha-live.sb")
    with brand_scope(tenants.brand_a):
        Post.objects.create(brand=tenants.brand_a, text="Hello")
    thread(tenants.brand_a)
    make_alert(tenants.brand_a)
    return {"token": token_for(tenants.owner), "account": account}


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, live_brand) -> None:  # type: ignore[no-untyped-def]
    if "brand_slug" in (case.path_parameters or {}):
        case.path_parameters["brand_slug"] = "alpha"  # a real brand: exercise the code
    case.call_and_validate(
        headers={"Authorization": f"Bearer {live_brand['token']}"}, checks=CHECKS
    )
