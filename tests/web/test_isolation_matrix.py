"""Every brand URL × every role × a foreign brand → 404 (existence never leaks).

The matrix is generated from the URL configuration: a new brand URL with an object id
that has no factory below makes this test fail until someone adds one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.analysis.factories import URL_FACTORIES as ANALYSIS_FACTORIES
from tests.analytics.factories import URL_FACTORIES as ANALYTICS_FACTORIES
from tests.api.api_factories import URL_FACTORIES as INTEGRATIONS_FACTORIES
from tests.community.factories import URL_FACTORIES as COMMUNITY_FACTORIES
from tests.conftest import PASSWORD, ROLES
from tests.inbox.factories import URL_FACTORIES as INBOX_FACTORIES
from tests.listening.factories import URL_FACTORIES as LISTENING_FACTORIES
from tests.strategy.factories import URL_FACTORIES as STRATEGY_FACTORIES
from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.services import do_connect_account


def _account(brand: Brand) -> int:
    with brand_scope(brand):
        return do_connect_account(brand, "sandbox", Credentials(handle=f"{brand.slug}.sb"), None).pk


def _post(brand: Brand) -> int:
    from tribune.publishing.models import Post

    with brand_scope(brand):
        return Post.objects.create(brand=brand, text=f"Post of {brand.slug}").pk


def _variant(brand: Brand) -> int:
    from tribune.publishing.models import Variant

    with brand_scope(brand):
        account_id = _account(brand)
        return Variant.objects.create(post_id=_post(brand), brand=brand, account_id=account_id).pk


def _image(brand: Brand) -> int:
    from django.core.files.base import ContentFile

    from tribune.publishing.models import MediaFile

    with brand_scope(brand):
        post_id = _post(brand)
        item = MediaFile(
            brand=brand,
            post_id=post_id,
            mime_type="image/png",
            width=1,
            height=1,
            size=1,
            alt_text="x",
        )
        item.file.save("x.png", ContentFile(b"x"), save=False)
        item.save()
        return item.pk


# URL keyword → function creating an object of that kind in a brand and returning its id.
OBJECT_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "account_id": _account,
    "post_id": _post,
    "action": lambda brand: "comment",
    "media_id": lambda brand: _image(brand),
    "variant_id": lambda brand: _variant(brand),
    **STRATEGY_FACTORIES,  # version_id, objective_id, campaign_id, … (tests/strategy/factories.py)
    **INBOX_FACTORIES,  # thread_id, message_id, rule_id, … (tests/inbox/factories.py)
    **LISTENING_FACTORIES,  # query_id, source_id, alert_id, alert_op (tests/listening/)
    **ANALYTICS_FACTORIES,  # goal_id, template_id, competitor_id, competitor_op
    **ANALYSIS_FACTORIES,  # model_id (tests/analysis/factories.py)
    **COMMUNITY_FACTORIES,  # member_id, event_id, briefing_id, … (tests/community/)
    **INTEGRATIONS_FACTORIES,  # subscription_id, delivery_id, webhook_op (tests/api/)
}


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:  # type: ignore[no-untyped-def]
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry


def brand_url_names() -> list[tuple[str, list[str]]]:
    found = []
    for name, pattern in _walk(get_resolver().url_patterns):
        keys = list(pattern.pattern.converters)
        # The token-authenticated API has its own matrix, generated from its OpenAPI
        # schema: tests/api/test_api_isolation.py.
        if "brand_slug" in keys and not name.startswith("api:"):
            found.append((name, keys))
    return sorted(found)


BRAND_URLS = brand_url_names()


def test_the_matrix_covers_brand_urls():
    assert len(BRAND_URLS) >= 4, BRAND_URLS
    missing = {k for _n, keys in BRAND_URLS for k in keys if k != "brand_slug"} - set(
        OBJECT_FACTORIES
    )
    assert not missing, f"add an object factory for URL keywords: {sorted(missing)}"


def _url(name: str, keys: list[str], slug: str, objects: dict[str, object]) -> str:
    kwargs = {"brand_slug": slug, **{k: objects[k] for k in keys if k != "brand_slug"}}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name,keys", BRAND_URLS, ids=[n for n, _k in BRAND_URLS])
@pytest.mark.parametrize("role", ROLES + ["outsider"])
def test_foreign_brand_objects_are_404(client, tenants, name, keys, role):
    user = tenants.outsider if role == "outsider" else tenants.people[role]
    client.login(email=user.email, password=PASSWORD)
    own = {k: OBJECT_FACTORIES[k](tenants.brand_a) for k in keys if k != "brand_slug"}
    # What the user gets on their own brand's object: a refusal that does not depend on
    # the object (403 for the role, 405 for the method) is fine for foreign ids too.
    own_status = {
        m.__name__: m(_url(name, keys, tenants.brand_a.slug, own)).status_code
        for m in (client.get, client.post)
    }
    for foreign in (tenants.brand_b, tenants.brand_c):
        theirs = {k: OBJECT_FACTORIES[k](foreign) for k in keys if k != "brand_slug"}
        for method in (client.get, client.post):
            # The foreign brand's own URL.
            response = method(_url(name, keys, foreign.slug, theirs))
            assert response.status_code == 404, (method.__name__, role, foreign.slug)
            if theirs:
                # A foreign object's id under the user's own brand.
                response = method(_url(name, keys, tenants.brand_a.slug, theirs))
                neutral = own_status[method.__name__]
                assert response.status_code == 404 or (
                    response.status_code == neutral and neutral in (403, 405)
                ), (method.__name__, role, "cross-id", response.status_code)
    # Control: the same page of the user's own brand is reachable (or refused, not hidden).
    if role == "outsider":
        assert set(own_status.values()) == {404}
    else:
        assert own_status["get"] in (200, 403, 405), own_status


def test_workspace_page_hidden_from_other_workspaces(client, tenants):
    client.login(email="other-owner@example.test", password=PASSWORD)
    assert client.get(reverse("web:workspace", args=[tenants.workspace.slug])).status_code == 404
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    assert client.get(reverse("web:workspace", args=[tenants.workspace.slug])).status_code == 200
    assert (
        client.get(reverse("web:workspace", args=[tenants.other_workspace.slug])).status_code == 404
    )


def test_switching_to_a_foreign_brand_is_refused(client, tenants):
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    response = client.post(reverse("web:switch_brand"), {"brand": tenants.brand_b.slug})
    assert response.status_code == 404
    response = client.post(reverse("web:switch_brand"), {"brand": tenants.brand_a.slug})
    assert response.status_code == 302 and response["Location"] == "/b/alpha/"
