"""Crisis rooms: opened by a person or by the listening package, then led to closure."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.strategy.factories import charter
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.strategy.models import Crisis, CrisisEntry, Playbook
from tribune.strategy.services import do_open_crisis
from tribune.strategy.services.crisis import (
    do_add_crisis_entry,
    do_assign_crisis,
    do_set_crisis_status,
)


def test_an_automatic_crisis_gets_the_default_playbook_and_is_not_duplicated(tenants):
    brand = tenants.brand_a
    with brand_scope(brand):
        Playbook.objects.create(brand=brand, name="Autre")
        default = Playbook.objects.create(brand=brand, name="Bad buzz", is_default=True)
    first = do_open_crisis(brand, "Pic de mentions négatives", "listening", None, source_ref="a-17")
    again = do_open_crisis(brand, "Pic de mentions négatives", "listening", None, source_ref="a-17")
    assert again == first and first.playbook == default and first.opened_by is None
    with brand_scope(brand):
        [entry] = CrisisEntry.objects.filter(crisis=first)
        assert (entry.kind, entry.author_label) == ("opened", "system")
        assert Crisis.objects.count() == 1
    event = AuditEvent.objects.get(action="crisis.opened")
    assert event.actor is None and event.after["source_ref"] == "a-17"


def test_a_closed_crisis_is_not_reused_for_the_same_alert(tenants):
    brand = tenants.brand_a
    first = do_open_crisis(brand, "Alerte", "listening", None, source_ref="a-1")
    with brand_scope(brand):
        do_set_crisis_status(first, "closed", tenants.owner)
    second = do_open_crisis(brand, "Alerte", "listening", None, source_ref="a-1")
    assert second != first


def test_status_assignment_and_timeline_are_recorded(tenants):
    brand, smm, cm = (
        tenants.brand_a,
        tenants.people["strategist"],
        tenants.people["community_manager"],
    )
    room = do_open_crisis(brand, "Produit rappelé", "manual", smm, severity="critical")
    with brand_scope(brand):
        do_assign_crisis(room, [cm, smm], smm)
        do_add_crisis_entry(room, cm, "Message d'attente publié.")
        assert do_set_crisis_status(room, "contained", smm)
        assert not do_set_crisis_status(room, "contained", smm)
        do_set_crisis_status(room, "closed", smm)
        kinds = list(room.entries.values_list("kind", flat=True))
        assert set(room.assignees.all()) == {cm, smm}
    room.refresh_from_db()
    assert room.contained_at and room.closed_at and room.status == "closed"
    assert kinds == ["opened", "assignment", "note", "status", "status"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="crisis.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "crisis.opened",
        "crisis.assigned",
        "crisis.entry_added",
        "crisis.status_changed",
        "crisis.status_changed",
    ]


def test_a_cm_can_start_a_crisis_but_not_close_it(client, tenants):
    charter(tenants.brand_a)
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    response = client.post(
        "/b/alpha/strategy/crisis/", {"title": "Bad buzz Twitter", "severity": "high"}
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        room = Crisis.objects.get()
    url = f"/b/alpha/strategy/crisis/{room.pk}/"
    assert response["Location"] == url
    assert client.post(url, {"action": "entry", "text": "Je prends."}).status_code == 302
    assert client.post(url, {"action": "status", "status": "closed"}).status_code == 403
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    assert client.post("/b/alpha/strategy/crisis/", {"title": "x"}).status_code == 403
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    assert client.post(url, {"action": "status", "status": "contained"}).status_code == 302
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Je prends." in page and "Status changed: Open → Contained." in page


def test_only_the_brands_people_can_be_assigned(client, tenants):
    room = do_open_crisis(tenants.brand_a, "x", "manual", None)
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    url = f"/b/alpha/strategy/crisis/{room.pk}/"
    client.post(url, {"action": "assign", "people": [tenants.outsider.pk]})
    with brand_scope(tenants.brand_a):
        assert not room.assignees.exists()
    client.post(url, {"action": "assign", "people": [tenants.people["community_manager"].pk]})
    with brand_scope(tenants.brand_a):
        assert list(room.assignees.all()) == [tenants.people["community_manager"]]
