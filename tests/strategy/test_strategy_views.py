"""The strategy screens through the test client: forms, HTMX fragment, errors, rights."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from tests.strategy.factories import campaign, charter
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.strategy.forms.charter import rules_initial
from tribune.strategy.hours import BusinessHours
from tribune.strategy.models import (
    Campaign,
    CampaignGoal,
    CharterVersion,
    ContentPillar,
    EditorialLine,
    Kpi,
    Objective,
    PlatformChoice,
)
from tribune.strategy.rules import CharterRules

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def smm(client, tenants):  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    return client


def _charter_post(base: int, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        k: v for k, v in rules_initial(CharterRules(), BusinessHours()).items() if v is not None
    }
    data.update({"document": "Nous vouvoyons.", "note": "", "base_version": base, **changes})
    return data


def test_the_smm_saves_a_charter_and_the_test_box_uses_it(smm, tenants):
    response = smm.post(
        "/b/alpha/strategy/charter/edit/",
        _charter_post(0, banned_terms="arnaque | block", note="Ajout d'un terme"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with brand_scope(tenants.brand_a):
        version = CharterVersion.objects.get()
    assert version.note == "Ajout d'un terme" and version.document_html == "<p>Nous vouvoyons.</p>"
    fragment = smm.post(
        "/b/alpha/strategy/charter/test/",
        {"text": "Quelle arnaque !", "network": "mastodon"},
        HTTP_HX_REQUEST="true",
        **EN,
    )
    html = fragment.content.decode()
    assert "<html" not in html  # a fragment for HTMX
    assert 'data-code="banned_term"' in html and "Term banned by the charter" in html
    assert '<mark class="block" title="banned_term">arnaque</mark>' in html
    full = smm.post(
        "/b/alpha/strategy/charter/test/", {"text": "Bonjour", "network": "mastodon"}, **EN
    ).content.decode()
    assert "<html" in full and "No problem found" in full


def test_form_errors_keep_what_was_typed(smm, tenants):
    response = smm.post(
        "/b/alpha/strategy/charter/edit/",
        _charter_post(0, banned_terms="arnaque\nbon plan | sévère"),
        **EN,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 2: severity must be “block” or “warn”, not “sévère”" in html
    assert "bon plan | sévère" in html
    with brand_scope(tenants.brand_a):
        assert not CharterVersion.objects.exists()


def test_a_concurrent_edit_is_reported_and_nothing_is_lost(smm, tenants):
    charter(tenants.brand_a, "arnaque", actor=tenants.owner)  # v1, saved meanwhile
    response = smm.post(
        "/b/alpha/strategy/charter/edit/", _charter_post(0, banned_terms="promo"), **EN
    )
    html = response.content.decode()
    assert response.status_code == 200 and "while you were editing" in html
    assert "promo" in html and 'name="base_version" value="1"' in html
    again = smm.post("/b/alpha/strategy/charter/edit/", _charter_post(1, banned_terms="promo"))
    assert again.status_code == 302


def test_the_json_editor_names_the_bad_field(smm, tenants):
    bad = smm.post(
        "/b/alpha/strategy/charter/json/",
        {"rules": '{"banned_terms": [{"term": "x", "severity": "high"}]}', "base_version": 0},
        **EN,
    ).content.decode()
    assert "banned_terms[0].severity" in bad
    broken = smm.post(
        "/b/alpha/strategy/charter/json/", {"rules": "{", "base_version": 0}, **EN
    ).content.decode()
    assert "This is not valid JSON" in broken
    ok = smm.post(
        "/b/alpha/strategy/charter/json/",
        {"rules": '{"banned_terms": ["gratuit"]}', "base_version": 0},
    )
    assert ok.status_code == 302
    with brand_scope(tenants.brand_a):
        assert CharterVersion.objects.get().rules["banned_terms"][0]["term"] == "gratuit"


def test_the_diff_shows_what_changed_between_versions(smm, tenants):
    charter(tenants.brand_a, "arnaque")
    charter(tenants.brand_a, "arnaque\ngratuit | warn")
    html = smm.get("/b/alpha/strategy/charter/diff/?from=1&to=2", **EN).content.decode()
    assert '<li class="added">Banned terms : gratuit | warn</li>' in html
    assert '<li class="same">Banned terms : arnaque | block</li>' in html


def test_only_strategists_edit_the_charter(client, tenants):
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    assert client.get("/b/alpha/strategy/charter/").status_code == 200
    assert client.get("/b/alpha/strategy/charter/edit/").status_code == 403
    assert client.post("/b/alpha/strategy/charter/json/", {"rules": "{}"}).status_code == 403


def test_objectives_kpis_and_campaigns_through_the_forms(smm, tenants):
    response = smm.post(
        "/b/alpha/strategy/objectives/",
        {"kind": "business", "title": "500 inscriptions au salon", "status": "active"},
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        objective = Objective.objects.get()
    url = f"/b/alpha/strategy/objectives/{objective.pk}/"
    bad = smm.post(
        url,
        {
            "action": "add_kpi",
            "metric": "followers",
            "target": "100",
            "period_start": "2026-03-31",
            "period_end": "2026-03-01",
        },
        **EN,
    )
    assert "The period must end on or after its first day." in bad.content.decode()
    good = smm.post(
        url,
        {
            "action": "add_kpi",
            "metric": "followers",
            "target": "100",
            "label": "Abonnés",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "network": "",
        },
    )
    assert good.status_code == 302
    with brand_scope(tenants.brand_a):
        pillar = ContentPillar.objects.create(brand=tenants.brand_a, name="Coulisses")
    response = smm.post(
        "/b/alpha/strategy/campaigns/",
        {
            "name": "Salon 2026",
            "status": "planned",
            "start_date": "2026-03-01",
            "end_date": "2026-03-20",
            "networks": ["linkedin", "x"],
            "budget_planned": "2500.50",
            "budget_spent": "0",
            "currency": "EUR",
            "objective": objective.pk,
            "pillars": [pillar.pk],
            "tactics": "Live tweet",
        },
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        created = Campaign.objects.get()
        assert created.budget_planned == Decimal("2500.50") and created.networks == [
            "linkedin",
            "x",
        ]
        assert list(created.pillars.all()) == [pillar]
        assert Kpi.objects.get().label == "Abonnés"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"objective.created", "kpi.created", "campaign.created"} <= actions


def test_campaign_goals_record_what_was_achieved(smm, tenants):
    item = campaign(tenants.brand_a)
    url = f"/b/alpha/strategy/campaigns/{item.pk}/"
    smm.post(url, {"action": "add_goal", "label": "Inscriptions", "target": "500"})
    with brand_scope(tenants.brand_a):
        goal = CampaignGoal.objects.get()
    assert goal.achieved is None
    page = smm.get(url, **EN).content.decode()
    assert "Inscriptions" in page
    smm.post(
        url,
        {
            "action": "update_goal",
            "goal": goal.pk,
            "label": "Inscriptions",
            "target": "500",
            "achieved": "212",
        },
    )
    goal.refresh_from_db()
    assert goal.achieved == Decimal("212")
    event = AuditEvent.objects.get(action="goal.updated")
    assert event.before == {"achieved": None} and event.after == {"achieved": "212.00"}


def test_campaign_budgets_add_up_per_currency(smm, tenants):
    with brand_scope(tenants.brand_a):
        for name, planned, spent, currency in (
            ("A", "1000", "250", "EUR"),
            ("B", "500", "500", "EUR"),
            ("C", "300", "0", "USD"),
        ):
            Campaign.objects.create(
                brand=tenants.brand_a,
                name=name,
                start_date="2026-03-01",
                end_date="2026-03-02",
                budget_planned=Decimal(planned),
                budget_spent=Decimal(spent),
                currency=currency,
            )
    page = smm.get("/b/alpha/strategy/mix/", **EN).content.decode()
    assert "750.00 spent of 1500.00 planned (750.00 left), EUR" in page
    assert "0.00 spent of 300.00 planned (300.00 left), USD" in page


def test_shares_may_not_exceed_100_percent(smm, tenants):
    smm.post("/b/alpha/strategy/editorial/", {"action": "pillar", "name": "A", "share_target": 70})
    response = smm.post(
        "/b/alpha/strategy/editorial/", {"action": "pillar", "name": "B", "share_target": 40}, **EN
    )
    assert "The shares would add up to 110 %" in response.content.decode()
    duplicate = smm.post(
        "/b/alpha/strategy/editorial/", {"action": "pillar", "name": "a", "share_target": 1}, **EN
    )
    assert "already has a pillar with this name" in duplicate.content.decode()
    with brand_scope(tenants.brand_a):
        assert list(ContentPillar.objects.values_list("name", flat=True)) == ["A"]
    smm.post("/b/alpha/strategy/mix/", {"action": "add", "network": "linkedin", "effort_share": 60})
    smm.post(
        "/b/alpha/strategy/mix/",
        {"action": "add", "network": "linkedin", "effort_share": 80, "purpose": "B2B"},
    )
    refused = smm.post(
        "/b/alpha/strategy/mix/", {"action": "add", "network": "x", "effort_share": 30}, **EN
    )
    assert "The shares would add up to 110 %" in refused.content.decode()
    with brand_scope(tenants.brand_a):
        [choice] = PlatformChoice.objects.all()
    assert (choice.network, choice.effort_share, choice.purpose) == ("linkedin", 80, "B2B")


def test_the_editorial_line_is_sanitised_and_audited(smm, tenants):
    smm.post(
        "/b/alpha/strategy/editorial/",
        {"action": "line", "text": "## Ton\nChaleureux <img src=x onerror=alert(1)>"},
    )
    with brand_scope(tenants.brand_a):
        line = EditorialLine.objects.get()
    assert "<img" not in line.html and "&lt;img" in line.html
    page = smm.get("/b/alpha/strategy/editorial/").content.decode()
    assert "<h3>Ton</h3>" in page and "<img src=x" not in page
    assert AuditEvent.objects.filter(action="editorial.updated").exists()


def test_the_overview_is_the_strategy_area_of_the_navigation(client, tenants):
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    page = client.get("/b/alpha/", **EN).content.decode()
    assert 'href="/b/alpha/strategy/"' in page
    overview = client.get("/b/alpha/strategy/", **EN)
    assert overview.status_code == 200
    assert "Audit log" not in overview.content.decode()  # analysts lack Cap.AUDIT
