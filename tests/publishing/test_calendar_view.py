"""The editorial calendar page: month, week and list views, in the brand's time zone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from tests.conftest import PASSWORD
from tribune.core.scope import brand_scope
from tribune.publishing.workflow import do_save_post

PARIS = ZoneInfo("Europe/Paris")


def _post(tenants, accounts, text, when):  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        return do_save_post(
            tenants.brand_a,
            tenants.owner,
            text=text,
            accounts=list(accounts),
            scheduled_at=when,
        )


def _day(html: str, day: str) -> str:
    match = re.search(rf'data-date="{day}">(.*?)</td>', html, re.S)
    assert match, day
    return match.group(1)


def test_month_view_places_posts_on_their_local_day(tenants, accounts, client):
    brand = tenants.brand_a
    brand.timezone = "Europe/Paris"
    brand.save()
    # 23:30 UTC on Saturday 30 March is 00:30 on Sunday in Paris (UTC+1); the clocks go
    # forward at 01:00 UTC that Sunday, so 10:00 UTC is noon (UTC+2).
    late = _post(
        tenants,
        accounts,
        "Soirée <spéciale>",
        datetime(2030, 3, 30, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    noon = _post(tenants, accounts, "Midi", datetime(2030, 3, 31, 10, 0, tzinfo=ZoneInfo("UTC")))
    morning = _post(tenants, accounts[:1], "Matinale", datetime(2030, 3, 12, 9, 0, tzinfo=PARIS))
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    url = reverse("publishing:calendar", args=["alpha"])
    html = client.get(url, {"date": "2030-03-01"}).content.decode()

    sunday = _day(html, "2030-03-31")
    assert "00:30 Soirée &lt;spéciale&gt;" in sunday
    assert "12:00 Midi" in sunday
    assert reverse("publishing:post", args=["alpha", noon.pk]) in sunday
    assert reverse("publishing:post", args=["alpha", late.pk]) in sunday
    assert f'data-move="{reverse("publishing:move", args=["alpha", late.pk])}"' in sunday
    assert 'title="Brouillon"' in sunday
    assert "Soirée" not in _day(html, "2030-03-30")
    assert "09:00 Matinale" in _day(html, "2030-03-12")
    assert reverse("publishing:post", args=["alpha", morning.pk]) in html


def test_list_view_names_the_accounts_and_week_view_the_week(tenants, accounts, client):
    post = _post(tenants, accounts, "Deux comptes", datetime(2030, 5, 6, 10, 0, tzinfo=PARIS))
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    url = reverse("publishing:calendar", args=["alpha"])
    listing = client.get(url, {"view": "list", "date": "2030-05-01"}).content.decode()
    row = re.search(r"<tr><td>[^<]*</td><td><a href=\"[^\"]+\">Deux comptes</a>.*?</tr>", listing)
    assert row, listing
    assert "@alpha.sandbox" in row.group(0) and "@alpha-en.sandbox" in row.group(0)
    assert reverse("publishing:post", args=["alpha", post.pk]) in row.group(0)
    assert "Brouillon" in row.group(0)

    week = client.get(url, {"view": "week", "date": "2030-05-08"}).content.decode()
    assert week.count('<td class="day') == 7
    assert "Deux comptes" in _day(week, "2030-05-06")
    other = client.get(url, {"view": "week", "date": "2030-05-15"}).content.decode()
    assert "Deux comptes" not in other


def test_a_reader_sees_no_drag_handles(tenants, accounts, client):
    _post(tenants, accounts, "Lecture seule", datetime(2030, 5, 6, 10, 0, tzinfo=PARIS))
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    html = client.get(
        reverse("publishing:calendar", args=["alpha"]), {"date": "2030-05-01"}
    ).content.decode()
    assert "Lecture seule" in html
    assert "data-move=" not in html
