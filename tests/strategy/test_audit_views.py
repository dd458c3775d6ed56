"""The brand's audit log page: strategists and workspace admins, filters, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from tests.conftest import PASSWORD
from tribune.core.audit import record_audit
from tribune.core.models import AuditEvent


def _login(client, user) -> None:  # type: ignore[no-untyped-def]
    client.login(email=user.email, password=PASSWORD)


def test_strategists_and_admins_read_it_others_do_not(client, tenants):
    for user, status in (
        (tenants.people["strategist"], 200),
        (tenants.owner, 200),
        (tenants.people["community_manager"], 403),
        (tenants.people["analyst"], 403),
    ):
        _login(client, user)
        assert client.get("/b/alpha/audit/").status_code == status
        assert client.get("/b/alpha/audit/export.csv").status_code == status


def test_filters_by_action_person_and_local_dates(client, tenants):
    smm = tenants.people["strategist"]
    record_audit("charter.version_created", actor=smm, brand=tenants.brand_a)
    record_audit("decision.recorded", actor=tenants.owner, brand=tenants.brand_a)
    record_audit("decision.recorded", actor=tenants.owner, brand=tenants.brand_b)
    old = record_audit("objective.created", actor=smm, brand=tenants.brand_a)
    # 31 March 22:30 UTC is already 1 April in Paris.
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    )
    _login(client, smm)
    page = client.get("/b/alpha/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New charter version" in page and "Decision recorded" in page
    assert page.count('data-action="decision.recorded"') == 1  # brand B's is not shown
    only = client.get("/b/alpha/audit/?action=charter.version_created").content.decode()
    assert 'data-action="charter.version_created"' in only
    assert 'data-action="decision.recorded"' not in only
    mine = client.get(f"/b/alpha/audit/?actor={smm.email}").content.decode()
    assert 'data-action="decision.recorded"' not in mine
    april = client.get("/b/alpha/audit/?since=2026-04-01&until=2026-04-01").content.decode()
    assert april.count("<tr data-action=") == 1 and 'data-action="objective.created"' in april
    march = client.get("/b/alpha/audit/?since=2026-03-01&until=2026-03-31").content.decode()
    assert "<tr data-action=" not in march


def test_csv_export_streams_the_filtered_rows(client, tenants):
    smm = tenants.people["strategist"]
    record_audit(
        "decision.recorded", actor=smm, brand=tenants.brand_a, after={"text": "=HYPERLINK(1)"}
    )
    _login(client, smm)
    response = client.get("/b/alpha/audit/export.csv?action=decision.recorded")
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["time", "person", "action"]
    assert len(rows) == 2 and rows[1][1] == smm.email and rows[1][2] == "decision.recorded"
    assert rows[1][7] == '{"text": "=HYPERLINK(1)"}'
    assert all(not cell.startswith("=") for cell in rows[1])


def test_cells_that_look_like_formulas_are_neutralised(client, tenants):
    record_audit("decision.recorded", actor=None, brand=tenants.brand_a)
    AuditEvent.objects.update(actor_label="=cmd|' /C calc'!A0")
    _login(client, tenants.owner)
    body = b"".join(client.get("/b/alpha/audit/export.csv").streaming_content).decode()
    assert "'=cmd" in body
