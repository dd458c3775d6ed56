"""The outreach pipeline: stage changes (audited, ambassador level follows), reminders
shown when due and emailed once to the brand's community managers."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_member
from tests.conftest import PASSWORD
from tribune.community.models import Member
from tribune.community.tasks import send_reminders
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope


def test_stage_and_reminders(client, tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    lea = make_member(brand, "Léa Fournier", handle="lea.f")
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    soon = timezone.localtime(timezone.now() - timedelta(minutes=5), brand.tz)
    client.post(
        reverse("community:set_stage", args=["alpha", lea.pk]),
        {
            "stage": "contacted",
            "remind_at": soon.strftime("%Y-%m-%dT%H:%M"),
            "reminder_note": "Relancer",
        },
    )
    with brand_scope(brand):
        lea.refresh_from_db()
        assert lea.stage == "contacted" and lea.reminder_note == "Relancer"
        assert AuditEvent.objects.filter(action="community.stage_changed").count() == 1
    page = client.get(reverse("community:pipeline", args=["alpha"])).content.decode()
    assert 'data-testid="reminder"' in page and 'data-testid="stage-contacted"' in page

    assert send_reminders.call() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [
        tenants.people["community_manager"].email
    ]
    assert "Léa Fournier" in mail.outbox[0].body and "Relancer" in mail.outbox[0].body
    assert send_reminders.call() == 0  # once
    with brand_scope(brand):  # a new date makes it due again when it comes
        Member.objects.filter(pk=lea.pk).update(remind_at=timezone.now())
    assert send_reminders.call() == 1

    client.post(reverse("community:set_stage", args=["alpha", lea.pk]), {"stage": "ambassador"})
    with brand_scope(brand):
        lea.refresh_from_db()
        assert lea.level == "ambassador" and lea.remind_at is None
    # An absolute address in "next" is ignored (no open redirect).
    response = client.post(
        reverse("community:set_stage", args=["alpha", lea.pk]),
        {"stage": "engaged", "next": "//evil.example/"},
    )
    assert response["Location"] == reverse("community:pipeline", args=["alpha"])
