"""Auth, scopes, roles, errors, pagination, idempotency and rate limits of /api/v1."""

from __future__ import annotations

import pytest

from tests.api.api_factories import Api, sandbox_account, token_for
from tribune.api import auth
from tribune.api.models import IdempotentRequest
from tribune.core.scope import brand_scope
from tribune.publishing.models import Post


def _error(body: dict) -> dict:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_no_or_bad_token_is_401_with_the_error_body(tenants) -> None:  # type: ignore[no-untyped-def]
    status, body, response = Api("trb_nope").get("/brands")
    assert status == 401
    assert _error(body)["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Api("").client.get("/api/v1/brands").status_code == 401


def test_revoked_token_is_refused(tenants) -> None:  # type: ignore[no-untyped-def]
    from tribune.accounts.models import ApiToken
    from tribune.accounts.services import do_revoke_api_token

    raw = token_for(tenants.owner)
    assert Api(raw).get("/brands")[0] == 200
    do_revoke_api_token(ApiToken.objects.get(), tenants.owner)
    assert Api(raw).get("/brands")[0] == 401


def test_brands_are_those_of_the_user_narrowed_by_the_token(tenants) -> None:  # type: ignore[no-untyped-def]
    owner = Api(token_for(tenants.owner))
    status, body, _ = owner.get("/brands")
    assert status == 200
    assert {b["slug"] for b in body["items"]} == {"alpha", "beta"}
    narrowed = Api(token_for(tenants.owner, brands=[tenants.brand_a]))
    assert [b["slug"] for b in narrowed.get("/brands")[1]["items"]] == ["alpha"]
    assert narrowed.get("/brands/beta")[0] == 404
    assert narrowed.get("/brands/gamma")[0] == 404
    cm = Api(token_for(tenants.people["community_manager"]))
    status, body, _ = cm.get("/brands/alpha")
    assert body["roles"] == ["community_manager"] and "draft" in body["capabilities"]


def test_scopes_narrow_what_a_token_can_do(tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a)
    reader = Api(token_for(tenants.owner, scopes=["posts:read"]))
    assert reader.get("/brands/alpha/posts")[0] == 200
    status, body, _ = reader.post(
        "/brands/alpha/posts", {"text": "Bonjour", "account_ids": [account.pk]}
    )
    assert status == 403 and _error(body)["code"] == "scope_missing"
    assert reader.get("/brands/alpha/inbox/threads")[0] == 403
    with brand_scope(tenants.brand_a):
        assert not Post.objects.exists()


def test_roles_apply_as_on_screen(tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a)
    analyst = Api(token_for(tenants.people["analyst"]))
    status, body, _ = analyst.post(
        "/brands/alpha/posts", {"text": "Bonjour", "account_ids": [account.pk]}
    )
    assert status == 403 and _error(body)["code"] == "forbidden"
    cm = Api(token_for(tenants.people["community_manager"]))
    status, post, _ = cm.post(
        "/brands/alpha/posts",
        {"text": "Bonjour à tous", "account_ids": [account.pk], "submit": True},
    )
    assert status == 201, post
    assert post["status"] == "in_review" and post["author"] == "community_manager@example.test"
    # A community manager cannot approve; a client reviewer can.
    status, body, _ = cm.post(f"/brands/alpha/posts/{post['id']}/approve")
    assert status == 403
    reviewer = Api(token_for(tenants.people["client_reviewer"]))
    status, body, _ = reviewer.post(f"/brands/alpha/posts/{post['id']}/approve")
    assert status == 200 and body["status"] == "approved"
    assert body["approved_by"] == "client_reviewer@example.test"
    # Approving twice is a workflow error with a readable message.
    status, body, _ = reviewer.post(f"/brands/alpha/posts/{post['id']}/approve")
    assert status == 422 and _error(body)["code"] == "workflow_refused"


def test_create_schedule_and_calendar(tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a)
    api = Api(token_for(tenants.owner))
    status, post, _ = api.post(
        "/brands/alpha/posts",
        {
            "text": "Lancement",
            "account_ids": [account.pk],
            "scheduled_at": "2030-05-04T09:30:00+02:00",
        },
    )
    assert status == 201
    assert post["scheduled_local"].startswith("2030-05-04T09:30")
    status, post, _ = api.post(
        f"/brands/alpha/posts/{post['id']}/schedule", {"scheduled_at": "2030-05-06T07:00:00Z"}
    )
    assert status == 200 and post["scheduled_at"].startswith("2030-05-06T07:00")
    status, cal, _ = api.get("/brands/alpha/calendar?start=2030-05-01&end=2030-05-31")
    assert status == 200
    assert [(e["post_id"], e["local_date"], e["local_time"]) for e in cal["entries"]] == [
        (post["id"], "2030-05-06", "09:00")
    ]
    assert api.get("/brands/alpha/calendar?start=2030-01-01&end=2030-12-31")[0] == 422
    # Accounts of another brand are refused with the ids in the details.
    foreign = sandbox_account(tenants.brand_b)
    status, body, _ = api.post("/brands/alpha/posts", {"text": "x", "account_ids": [foreign.pk]})
    assert status == 422 and body["error"]["details"] == {"account_ids": [foreign.pk]}


def test_validation_errors_have_the_error_body(tenants) -> None:  # type: ignore[no-untyped-def]
    api = Api(token_for(tenants.owner))
    status, body, _ = api.post("/brands/alpha/posts", {"text": ""})
    assert status == 422
    error = _error(body)
    assert error["code"] == "invalid"
    assert {d["field"] for d in error["details"]} >= {
        "body.payload.text",
        "body.payload.account_ids",
    }
    status, body, _ = api.call("post", "/brands/alpha/posts", None)
    assert status in (400, 422) and _error(body)


def test_cursor_pagination_walks_every_row_once(tenants) -> None:  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        ids = [Post.objects.create(brand=tenants.brand_a, text=f"p{i}").pk for i in range(7)]
    api = Api(token_for(tenants.owner))
    seen, cursor, pages = [], None, 0
    while True:
        path = "/brands/alpha/posts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        status, body, _ = api.get(path)
        assert status == 200
        seen += [p["id"] for p in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == sorted(ids, reverse=True)
    status, body, _ = api.get("/brands/alpha/posts?cursor=garbage")
    assert status == 400 and _error(body)["code"] == "bad_cursor"
    assert api.get("/brands/alpha/posts?limit=0")[0] == 422
    assert api.get("/brands/alpha/posts?limit=201")[0] == 422


def test_idempotency_key_replays_the_first_answer(tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a)
    api = Api(token_for(tenants.owner))
    payload = {"text": "Une seule fois", "account_ids": [account.pk]}
    first = api.post("/brands/alpha/posts", payload, **{"Idempotency-Key": "abc-1"})
    again = api.post("/brands/alpha/posts", payload, **{"Idempotency-Key": "abc-1"})
    assert first[0] == again[0] == 201
    assert first[1] == again[1]
    assert again[2]["Idempotent-Replayed"] == "true"
    with brand_scope(tenants.brand_a):
        assert Post.objects.count() == 1
    # Same key, another request: refused, nothing created.
    status, body, _ = api.post(
        "/brands/alpha/posts", {**payload, "text": "Autre"}, **{"Idempotency-Key": "abc-1"}
    )
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    # A failed create stores nothing: the same key works once the request is fixed.
    status, _, _ = api.post(
        "/brands/alpha/posts", {"text": "x", "account_ids": [999999]}, **{"Idempotency-Key": "k2"}
    )
    assert status == 422
    assert not IdempotentRequest.objects.filter(key="k2").exists()
    status, _, _ = api.post(
        "/brands/alpha/posts", payload | {"text": "ok"}, **{"Idempotency-Key": "k2"}
    )
    assert status == 201
    # Without a key, two calls create two posts.
    api.post("/brands/alpha/posts", payload)
    api.post("/brands/alpha/posts", payload)
    with brand_scope(tenants.brand_a):
        assert Post.objects.count() == 4
    # Keys are per token.
    other = Api(token_for(tenants.owner))
    assert other.post("/brands/alpha/posts", payload, **{"Idempotency-Key": "abc-1"})[0] == 201


def test_rate_limit_answers_429_with_retry_after(tenants, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.TRIBUNE_API_RATE_LIMIT = 3
    now = [1_800_000_000.0 + 15]  # 15 s into a minute window
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    api = Api(token_for(tenants.owner))
    other = Api(token_for(tenants.owner))
    answers = [api.get("/brands") for _ in range(3)]
    assert [status for status, _body, _r in answers] == [200, 200, 200]
    assert [r["X-RateLimit-Remaining"] for _s, _b, r in answers] == ["2", "1", "0"]
    assert answers[0][2]["X-RateLimit-Limit"] == "3" and answers[0][2]["X-RateLimit-Reset"] == "45"
    status, body, response = api.get("/brands")
    assert status == 429
    assert body["error"]["code"] == "rate_limited"
    assert response["Retry-After"] == "45"
    assert other.get("/brands")[0] == 200  # per token
    now[0] += 45
    assert api.get("/brands")[0] == 200


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
def test_schema_and_docs_are_served_without_a_token(client, path) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200


def test_docs_page_has_no_inline_script_and_a_narrow_csp(client) -> None:  # type: ignore[no-untyped-def]
    import re

    response = client.get("/api/docs")
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, _content in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert "/static/ninja/swagger-ui-bundle.js" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "cdn" not in html.lower()
    # The rest of the site keeps the strict policy.
    assert "unsafe-inline" not in client.get("/login/")["Content-Security-Policy"]


def test_nul_characters_are_refused_not_crashing(tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a)
    api = Api(token_for(tenants.owner))
    status, body, _ = api.post(
        "/brands/alpha/posts", {"text": "a\x00b", "account_ids": [account.pk]}
    )
    assert status == 422 and _error(body)["code"] == "invalid"
    assert api.get("/brands/alpha/posts?cursor=%00")[0] in (400, 422)
    assert api.get("/brands/al%00pha/posts")[0] == 404
    assert api.get("/brands/alpha/posts?scheduled_from=2030-01-01T00:00:00%2B18:48")[0] == 200
