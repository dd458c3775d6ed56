"""The weekly CM → SMM report: when it is due, what it contains, generated once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import PASSWORD
from tribune.accounts.models import Brand
from tribune.core.audit import record_audit
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import AccountSnapshot
from tribune.networks.services import do_connect_account
from tribune.strategy.models import ActionTask, CmReport, Decision
from tribune.strategy.services.decisions import (
    do_add_report_comment,
    do_record_decision,
    do_set_report_status,
)
from tribune.strategy.services.reports import (
    do_generate_due_reports,
    do_generate_report,
    report_week_due,
)

WEEK = date(2026, 3, 23)  # Monday; the week ends on Sunday 29 March, the DST change


@pytest.fixture
def old_brands(tenants):  # type: ignore[no-untyped-def]
    Brand.objects.update(created_at=datetime(2025, 1, 1, tzinfo=UTC))
    return tenants


def test_the_report_on_last_week_is_due_monday_six_oclock_brand_time(tenants):
    brand = tenants.brand_a  # Europe/Paris: UTC+2 since 29 March
    assert report_week_due(brand, datetime(2026, 3, 30, 3, 59, tzinfo=UTC)) == date(2026, 3, 16)
    assert report_week_due(brand, datetime(2026, 3, 30, 4, 0, tzinfo=UTC)) == WEEK
    assert report_week_due(brand, datetime(2026, 4, 5, 21, 0, tzinfo=UTC)) == WEEK
    # In winter (UTC+1) 06:00 in Paris is 05:00 UTC.
    assert report_week_due(brand, datetime(2026, 3, 23, 4, 59, tzinfo=UTC)) == date(2026, 3, 9)
    assert report_week_due(brand, datetime(2026, 3, 23, 5, 0, tzinfo=UTC)) == date(2026, 3, 16)
    brand.timezone = "America/New_York"  # another brand, another Monday morning
    assert report_week_due(brand, datetime(2026, 3, 30, 9, 59, tzinfo=UTC)) == date(2026, 3, 16)
    assert report_week_due(brand, datetime(2026, 3, 30, 10, 0, tzinfo=UTC)) == WEEK


def test_generation_is_idempotent_per_brand_and_week(old_brands):
    monday_morning = datetime(2026, 3, 30, 4, 30, tzinfo=UTC)
    first = do_generate_due_reports(monday_morning)
    again = do_generate_due_reports(monday_morning)
    later = do_generate_due_reports(datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    assert sorted(r.brand.slug for r in first) == ["alpha", "beta", "gamma"]
    assert again == [] and later == []
    with brand_scope(old_brands.brand_a):
        report = CmReport.objects.get()
    assert (report.period_start, report.period_end, report.status) == (
        WEEK,
        date(2026, 3, 29),
        "draft",
    )
    assert AuditEvent.objects.filter(action="report.generated").count() == 3
    # A person asking for the same week gets the existing report.
    same, created = do_generate_report(old_brands.brand_a, WEEK, old_brands.owner)
    assert same == report and not created


def test_brands_created_after_the_week_get_no_report(tenants):
    assert do_generate_due_reports(datetime(2026, 3, 30, 4, 30, tzinfo=UTC)) == []


def test_the_periodic_task_generates_reports(old_brands, monkeypatch):
    from tribune.strategy import tasks
    from tribune.worker.periodic import REGISTRY

    assert REGISTRY["strategy.weekly_reports"].task is tasks.weekly_reports
    assert tasks.weekly_reports.call() == 3  # for last week, as of today
    assert tasks.weekly_reports.call() == 0


def test_the_report_holds_the_weeks_figures(old_brands):
    brand = old_brands.brand_a
    with brand_scope(brand):
        account = do_connect_account(brand, "sandbox", Credentials(handle="alpha.sb"), None)
        for at, followers in (
            (datetime(2026, 3, 20, 12, tzinfo=UTC), 1000),  # before the week: the baseline
            (datetime(2026, 3, 24, 12, tzinfo=UTC), 1040),
            (datetime(2026, 3, 29, 21, 30, tzinfo=UTC), 1090),  # Sunday 23:30 in Paris
            (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), 5000),  # Monday 00:30: next week
        ):
            AccountSnapshot.objects.create(account=account, brand=brand, at=at, followers=followers)
        done = ActionTask.objects.create(brand=brand, title="Veille", due_date=date(2026, 3, 24))
        ActionTask.objects.filter(pk=done.pk).update(done_at=datetime(2026, 3, 24, 9, tzinfo=UTC))
        ActionTask.objects.create(brand=brand, title="Rapport", due_date=date(2026, 3, 27))
        ActionTask.objects.create(brand=brand, title="Plus tard", due_date=date(2026, 4, 2))
    for action in ("objective.created", "objective.created", "kpi.created"):
        record_audit(action, actor=old_brands.owner, brand=brand)
    AuditEvent.objects.filter(brand=brand, action__in=["objective.created", "kpi.created"]).update(
        created_at=datetime(2026, 3, 25, tzinfo=UTC)
    )
    record_audit("objective.created", brand=old_brands.brand_b)  # another brand: not counted

    report, _ = do_generate_report(brand, WEEK)
    report.refresh_from_db()  # as stored (JSON)
    data = report.data
    [row] = data["accounts"]
    assert (row["handle"], row["sandbox"]) == ("alpha.sb", True)
    assert (row["followers_start"], row["followers_end"], row["change"]) == (1000, 1090, 90)
    assert row["daily"] == [["2026-03-24", 1040], ["2026-03-29", 1090]]
    actions = data["actions"]
    assert (actions["due"], actions["done"], actions["open"], actions["rate"]) == (2, 1, 1, 50)
    activity = data["activity"]
    assert activity["by_action"] == [["objective.created", 2], ["kpi.created", 1]]
    assert activity["by_person"] == [[old_brands.owner.email, 3]]
    assert data["publishing"]["published"] == 0 and data["inbox"]["received"] == 0


def test_comments_decisions_and_status_are_audited(old_brands):
    brand, cm, smm = (
        old_brands.brand_a,
        old_brands.people["community_manager"],
        old_brands.people["strategist"],
    )
    report, _ = do_generate_report(brand, WEEK)
    with brand_scope(brand):
        do_add_report_comment(report, cm, "Bonne semaine sur Instagram.")
        assert do_set_report_status(report, "submitted", cm)
        decision = do_record_decision(brand, smm, "Doubler les stories", "instagram", report)
        assert do_set_report_status(report, "reviewed", smm)
        assert not do_set_report_status(report, "reviewed", smm)
        assert list(Decision.objects.all()) == [decision]
    report.refresh_from_db()
    assert report.submitted_at and report.reviewed_at
    actions = list(
        AuditEvent.objects.filter(brand=brand, action__regex=r"^(report|decision)[.]")
        .order_by("id")
        .values_list("action", "actor__email")
    )
    assert actions == [
        ("report.generated", None),
        ("report.commented", cm.email),
        ("report.status_changed", cm.email),
        ("decision.recorded", smm.email),
        ("report.status_changed", smm.email),
    ]


def test_the_report_page_flow_with_roles(client, old_brands):
    report, _ = do_generate_report(old_brands.brand_a, WEEK)
    url = f"/b/alpha/strategy/reports/{report.pk}/"
    client.login(email=old_brands.people["community_manager"].email, password=PASSWORD)
    assert client.post(url, {"action": "comment", "text": "RAS"}).status_code == 302
    assert client.post(url, {"action": "decision", "text": "Non"}).status_code == 403
    client.login(email=old_brands.people["strategist"].email, password=PASSWORD)
    response = client.post(url, {"action": "decision", "text": "Publier le mardi", "network": "x"})
    assert response.status_code == 302
    client.login(email=old_brands.people["analyst"].email, password=PASSWORD)
    assert client.post(url, {"action": "comment", "text": "?"}).status_code == 403
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "RAS" in page and "Publier le mardi" in page
    assert "0 messages received" in page and "0 posts published" in page
    log = client.get("/b/alpha/strategy/decisions/?network=x").content.decode()
    assert "Publier le mardi" in log
    assert (
        "Publier le mardi"
        not in client.get("/b/alpha/strategy/decisions/?network=instagram").content.decode()
    )
