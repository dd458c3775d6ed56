"""Events: capacity and waiting list, declines free a seat, survey answers become
feedback, iCal export, tokens cannot be forged."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_event, make_member
from tests.conftest import PASSWORD
from tribune.community import tokens
from tribune.community.models import Event, Feedback, Interaction, Invitation
from tribune.community.services import events as svc
from tribune.community.services.members import CommunityError
from tribune.core.scope import brand_scope


def _invite(tenants, capacity=2, count=4):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    event = make_event(
        brand, capacity=capacity, survey_question="Qu'avez-vous pensé de la soirée ?"
    )
    members = [
        make_member(brand, f"Invité {i}", email=f"i{i}@exemple.fr", consent=i != 0)
        for i in range(count)
    ]
    with brand_scope(brand):
        counts = svc.do_invite(event, members, tenants.owner)
        invitations = [Invitation.objects.get(event=event, member=m) for m in members]
    return event, members, invitations, counts


def test_capacity_waiting_list_and_promotion(tenants):  # type: ignore[no-untyped-def]
    event, members, inv, counts = _invite(tenants)
    assert counts == {"invited": 4, "emailed": 3, "no_email": 1, "already": 0}
    assert len(mail.outbox) == 3  # no consent, no email
    with brand_scope(tenants.brand_a):
        assert svc.do_invite(event, members, None)["already"] == 4
        assert svc.do_rsvp(inv[1], True).status == "going"
        assert svc.do_rsvp(inv[2], True).status == "going"
        assert svc.do_rsvp(inv[3], True).status == "waitlist"  # full
        assert svc.do_rsvp(inv[3], True).status == "waitlist"  # asking twice changes nothing
        mail.outbox.clear()
        svc.do_rsvp(inv[1], False)  # a seat frees up: the first waiting gets it
        inv[3].refresh_from_db()
        assert inv[3].status == "going"
        assert mail.outbox[0].to == ["i3@exemple.fr"]
        assert svc.going_count(event) == 2
        rsvps = Interaction.objects.filter(kind="rsvp", member=members[3])
        assert rsvps.count() == 1  # one line per invitation, updated with each answer
        Event.objects.filter(pk=event.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(CommunityError):
            svc.do_rsvp(inv[0], True)


def test_check_in_survey_feeds_feedback(tenants):  # type: ignore[no-untyped-def]
    event, members, inv, _counts = _invite(tenants, capacity=None)
    with brand_scope(tenants.brand_a):
        assert svc.do_check_in(inv[1], tenants.owner) is True
        assert svc.do_check_in(inv[1], tenants.owner) is False  # once
        svc.do_check_in(inv[2], tenants.owner)  # a walk-in who never answered
        inv[2].refresh_from_db()
        assert inv[2].status == "going"
        mail.outbox.clear()
        assert svc.do_send_survey(event, tenants.owner) == 2
        link = re.search(r"https?://\S+/community/survey/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    from django.test import Client

    client = Client()
    response = client.post(
        "/" + path, {"rating": "5", "answer": "Super soirée, mais le prix du parking est trop cher"}
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        answered = Invitation.objects.get(survey_answered_at__isnull=False)
        assert answered.survey_rating == 5
        feedback = Feedback.objects.get()
        assert feedback.source == "event" and feedback.category == "pricing"
        assert feedback.member_id == answered.member_id
        svc.do_undo_check_in(inv[1], None)
        assert not Interaction.objects.filter(source_key=f"event:{inv[1].pk}:attended").exists()


def test_ical_export(client, tenants):  # type: ignore[no-untyped-def]
    event = make_event(
        tenants.brand_a,
        title="Atelier; découverte, « printemps »",
        description="Ligne 1\nLigne 2 " + "é" * 60,
    )
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    response = client.get(reverse("community:event_ical", args=["alpha", event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Atelier\\; découverte\\, « printemps »" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert f"DTSTART:{event.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in body


def test_public_links_need_a_valid_token(client, tenants):  # type: ignore[no-untyped-def]
    _event, _members, inv, _counts = _invite(tenants)
    good = tokens.make("rsvp", inv[1].pk)
    assert client.get(reverse("community:rsvp", args=[good])).status_code == 200
    forged = good.split(":")[0] + ":AAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert client.get(reverse("community:rsvp", args=[forged])).status_code == 404
    # A token for one purpose never opens another.
    assert client.get(reverse("community:survey", args=[good])).status_code == 404
    # The check-in page needs a team member of this brand.
    checkin = reverse("community:checkin_scan", args=[tokens.make("checkin", inv[1].pk)])
    assert client.get(checkin).status_code == 302  # to the login page
    client.login(email="other-owner@example.test", password=PASSWORD)
    assert client.get(checkin).status_code == 404
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    assert client.get(checkin).status_code == 404
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    assert client.post(checkin).status_code == 200
    with brand_scope(tenants.brand_a):
        inv[1].refresh_from_db()
        assert inv[1].checked_in_at is not None


def test_event_validation(client, tenants):  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    response = client.post(
        reverse("community:events", args=["alpha"]),
        {
            "title": "En ligne",
            "format": "online",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T09:00",
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    with brand_scope(tenants.brand_a):
        assert not Event.objects.exists()
