"""Create an API token with scopes in a real browser, see it once, use it, revoke it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


def test_create_use_and_revoke_a_token(page, tenants, live_server):  # type: ignore[no-untyped-def]
    import httpx

    login(page, tenants.owner.email)
    page.goto("/me/")
    page.get_by_label("Nom du jeton").fill("Tableau BI")
    page.get_by_label("posts:read", exact=False).check()
    page.get_by_label("brands:read", exact=False).check()
    page.get_by_role("button", name="Créer un jeton").click()
    secret = page.get_by_test_id("new-token").inner_text().strip()
    assert secret.startswith("trb_")
    expect(page.get_by_test_id("api-token")).to_contain_text("posts:read")
    headers = {"Authorization": f"Bearer {secret}"}
    answer = httpx.get(f"{live_server.url}/api/v1/brands/alpha/posts", headers=headers)
    assert answer.status_code == 200
    assert (
        httpx.get(f"{live_server.url}/api/v1/brands/alpha/alerts", headers=headers).status_code
        == 403
    )
    page.goto("/me/")
    expect(page.get_by_test_id("new-token")).to_have_count(0)  # shown once
    page.get_by_test_id("api-token").get_by_role("button", name="Révoquer").click()
    expect(page.get_by_test_id("api-token")).to_have_count(0)
    assert httpx.get(f"{live_server.url}/api/v1/brands", headers=headers).status_code == 401


def test_api_docs_render_under_the_csp(page, live_server):  # type: ignore[no-untyped-def]
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto("/api/docs", wait_until="domcontentloaded", timeout=60_000)
    # The Swagger UI bundle is large (1.5 MB); give a busy machine time to load it.
    expect(page.locator(".swagger-ui .title")).to_contain_text("Tribune API", timeout=60_000)
    expect(page.get_by_text("/api/v1/brands/{brand_slug}/posts").first).to_be_visible()
    assert violations == []
