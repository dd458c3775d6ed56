"""Brand isolation, generated from the live OpenAPI schema: every operation × every way a
token could reach another brand's data → 404, and nothing of that brand changes.

For each operation the path parameters are filled from ``PARAM_FACTORIES`` (a new
parameter without a factory fails this test), the body is the first valid example
Hypothesis draws from the operation's own schema, and three attacks are tried:

1. brand B in the path, token of a strategist who only has a role on brand A;
2. brand B in the path, token of the agency owner restricted to brand A;
3. brand A in the path, but object ids that belong to brand B (object-level checks).

A control read with brand A's own objects must not answer 404, so the test cannot pass
by accident.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, find, settings
from schemathesis import GenerationMode

from tests.api.api_factories import PARAM_FACTORIES, Api, token_for
from tribune.accounts.models import Brand
from tribune.core.models import AuditEvent

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Every operation under a brand; the others (the token's own brands list, …) are covered
# by test_api_core and test_imports_exports.
OPERATIONS = [
    op
    for op in (result.ok() for result in schema.get_all_operations())
    if any(p.name == "brand_slug" for p in op.path_parameters)
]


def _ids(op: Any) -> str:
    return f"{op.method.upper()} {op.path}"


def _example(op: Any) -> tuple[Any, str | None, dict[str, Any]]:
    """The first valid example of the operation's body and query."""
    case = find(
        op.as_strategy(generation_mode=GenerationMode.POSITIVE),
        lambda c: True,
        settings=settings(database=None, suppress_health_check=list(HealthCheck)),
    )
    body = case.body if list(op.body) else None
    return body, case.media_type, dict(case.query or {})


def _call(api: Api, op: Any, params: dict[str, Any], example: tuple) -> int:
    body, media_type, query = example
    path = op.path
    for name, value in params.items():
        path = path.replace("{" + name + "}", str(value))
    if query:
        path += "?" + urlencode(query, doseq=True)
    if media_type == "multipart/form-data":
        data = {
            k: SimpleUploadedFile(k, v.data) if hasattr(v, "data") else v
            for k, v in (body or {}).items()
        }
        response = getattr(api.client, op.method.lower())(path, data=data, headers=api.headers)
        return response.status_code
    status, _body, _r = api.call(op.method, path, body)
    return status


def _params(op: Any, brand_slug: str, objects_of: Brand) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for parameter in op.path_parameters:
        if parameter.name == "brand_slug":
            params["brand_slug"] = brand_slug
            continue
        factory = PARAM_FACTORIES.get(parameter.name)
        assert factory is not None, (
            f"{_ids(op)}: add a factory for path parameter {parameter.name!r} "
            "to PARAM_FACTORIES in tests/api/api_factories.py"
        )
        params[parameter.name] = factory(objects_of)
    return params


@pytest.mark.parametrize("op", OPERATIONS, ids=_ids)
def test_a_token_for_brand_a_never_reaches_brand_b(op, tenants, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True
    a, b, c = tenants.brand_a, tenants.brand_b, tenants.brand_c
    example = _example(op)
    strategist = Api(token_for(tenants.people["strategist"]))
    owner_on_a = Api(token_for(tenants.owner, brands=[a]))
    attacks = [_params(op, foreign.slug, foreign) for foreign in (b, c)]
    if len(op.path_parameters) > 1:  # object ids in the path: brand A's URL, B's objects
        attacks += [_params(op, a.slug, foreign) for foreign in (b, c)]
    before = {brand.pk: AuditEvent.objects.filter(brand=brand).count() for brand in (b, c)}
    for params in attacks:
        for api in (strategist, owner_on_a):
            assert _call(api, op, params, example) == 404, (_ids(op), params)
    after = {brand.pk: AuditEvent.objects.filter(brand=brand).count() for brand in (b, c)}
    assert after == before, f"{_ids(op)} changed another brand's data"

    if op.method.upper() == "GET":  # control: brand A's own objects are reachable
        own = _call(strategist, op, _params(op, a.slug, a), example)
        assert own != 404 and own < 500, (_ids(op), own)
