from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.listening.factories import make_alert, make_query
from tribune.core.scope import brand_scope
from tribune.listening.models import Alert, Mention, OnCallPerson, Query, Source
from tribune.listening.services.ingest import Item, do_ingest


def login(client, user):  # type: ignore[no-untyped-def]
    client.login(email=user.email, password=PASSWORD)


def seed(brand):  # type: ignore[no-untyped-def]
    now = timezone.now()
    with brand_scope(brand):
        Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        Query.objects.create(brand=brand, name="Rival", kind="competitor", expression="rival")
        texts = [
            ("Alpha est génial, super produit", "@ana"),
            ("Alpha une arnaque, service nul et honteux", "@bob"),
            ("Rival lance une promo", "@cat"),
            ("Rival et Alpha au salon", "@ana"),
        ]
        items = [
            Item(
                key=f"k{i}",
                text=t,
                author=a,
                network="sandbox",
                published_at=now - timedelta(hours=i),
            )
            for i, (t, a) in enumerate(texts)
        ]
        return do_ingest(brand, None, items, now)


def test_pages_render_with_data(client, tenants):
    brand = tenants.brand_a
    result = seed(brand)
    assert result.stored == 4
    login(client, tenants.people["analyst"])
    slug = brand.slug
    page = client.get(reverse("listening:dashboard", args=[slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Rival" in html and "@ana" in html
    sov = {r["query"].name: r["share"] for r in page.context["share_of_voice"]}
    assert sov == {"Alpha": 60.0, "Rival": 40.0}
    mentions = client.get(reverse("listening:mentions", args=[slug]), {"sentiment": "negative"})
    assert [m.author for m in mentions.context["page"]] == ["@bob"]
    for name in ("alerts", "queries", "sources", "on_call"):
        assert client.get(reverse(f"listening:{name}", args=[slug])).status_code == 200
    # An analyst reads but does not configure.
    assert client.get(reverse("listening:query_new", args=[slug])).status_code == 403


def test_query_form_validates_and_previews(client, tenants):
    brand = tenants.brand_a
    seed(brand)
    login(client, tenants.people["community_manager"])
    url = reverse("listening:query_new", args=[brand.slug])
    page = client.post(url, {"name": "Bad", "kind": "brand", "expression": "alpha AND (nul"})
    assert page.status_code == 200 and "position 11" in page.content.decode()
    preview = client.get(
        reverse("listening:query_preview", args=[brand.slug]), {"expression": "alpha -arnaque"}
    )
    assert preview.context["preview"].matched == 2
    page = client.post(
        url,
        {
            "name": "Alpha sans rival",
            "kind": "product",
            "expression": "alpha -rival",
            "enabled": "on",
        },
    )
    assert page.status_code == 302
    with brand_scope(brand):
        assert Query.objects.filter(name="Alpha sans rival", kind="product").exists()


def test_sources_and_on_call_are_configured_by_community_managers(client, tenants):
    brand = tenants.brand_a
    login(client, tenants.people["community_manager"])
    url = reverse("listening:sources", args=[brand.slug])
    assert client.post(url, {"kind": "rss", "url": ""}).status_code == 200  # needs a URL
    assert (
        client.post(
            url, {"kind": "rss", "url": "https://news.example/feed", "name": "News"}
        ).status_code
        == 302
    )
    on_call = reverse("listening:on_call", args=[brand.slug])
    analyst = tenants.people["analyst"]
    response = client.post(
        on_call,
        {
            "form": "person",
            "user": analyst.pk,
            "tz": "Europe/Paris",
            "start_hour": 8,
            "end_hour": 20,
        },
    )
    assert response.status_code == 302
    response = client.post(
        on_call,
        {
            "form": "settings",
            "escalate_after_minutes": 5,
            "webhook_url": "https://hooks.example/x",
            "webhook_secret": "s3",
        },
    )
    assert response.status_code == 302
    with brand_scope(brand):
        assert Source.objects.filter(name="News").exists()
        assert OnCallPerson.objects.get().user == analyst


def test_acknowledge_from_the_alert_page_and_roles(client, tenants):
    brand = tenants.brand_a
    alert = make_alert(brand)
    url = reverse("listening:alert_action", args=[brand.slug, alert.pk, "ack"])
    login(client, tenants.people["analyst"])
    assert client.post(url).status_code == 403
    login(client, tenants.people["community_manager"])
    assert client.post(url).status_code == 302
    with brand_scope(brand):
        alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == tenants.people["community_manager"].email
    assert client.get(f"/listening/ack/{'x' * 40}/").status_code == 404


def test_near_duplicates_and_language_queries(tenants):
    brand = tenants.brand_a
    make_query(brand, "fr only", "alpha lang:fr")
    now = timezone.now()
    items = [
        Item(
            key="https://a.test/1",
            text="Alpha ouvre une boutique à Lyon, c'est une bonne nouvelle",
            published_at=now,
        ),
        Item(
            key="https://b.test/copy",
            text="ALPHA ouvre une boutique à Lyon — c'est une bonne nouvelle !",
            published_at=now,
        ),
        Item(
            key="https://c.test/en",
            text="Alpha opens a new store in Lyon, great news for the city",
            published_at=now,
        ),
    ]
    with brand_scope(brand):
        result = do_ingest(brand, None, items, now)
        assert (result.stored, result.duplicates, result.unmatched) == (1, 1, 1)
        assert Mention.objects.get().language == "fr"


def test_chat_channels_and_digest_settings(client, tenants):
    """Matrix/XMPP bot secrets are stored encrypted, never shown back, kept when the
    field is left empty; bad chat addresses are refused with a sentence."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the checks read English
    from tribune.listening.models import OnCallSchedule

    brand = tenants.brand_a
    login(client, tenants.people["community_manager"])
    on_call = reverse("listening:on_call", args=[brand.slug])
    settings_form = {
        "form": "settings",
        "escalate_after_minutes": 10,
        "matrix_homeserver": "https://matrix.example.org",
        "matrix_user_id": "@tribune:example.org",
        "matrix_access_token": "syt_secret_token",
        "xmpp_jid": "alertes@example.org",
        "xmpp_password": "xmpp-secret",
        "digest_enabled": "on",
        "digest_hour": 9,
        "quiet_start_hour": 22,
        "quiet_end_hour": 6,
    }
    assert client.post(on_call, settings_form).status_code == 302
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.get()
    assert schedule.chat_secrets == {
        "matrix_access_token": "syt_secret_token",
        "xmpp_password": "xmpp-secret",
    }
    assert schedule.digest_hour == 9 and schedule.quiet_start_hour == 22
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT chat_secrets FROM listening_oncallschedule")
        assert "syt_secret_token" not in cursor.fetchone()[0]
    page = client.get(on_call).content.decode()
    assert "syt_secret_token" not in page and "xmpp-secret" not in page

    # Empty secret fields keep the stored ones.
    settings_form |= {"matrix_access_token": "", "xmpp_password": "", "digest_enabled": ""}
    assert client.post(on_call, settings_form).status_code == 302
    with brand_scope(brand):
        schedule.refresh_from_db()
    assert schedule.chat_secrets["matrix_access_token"] == "syt_secret_token"
    assert schedule.digest_enabled is False

    bad = client.post(
        on_call,
        {
            "form": "person",
            "user": tenants.people["analyst"].pk,
            "tz": "Europe/Paris",
            "start_hour": 0,
            "end_hour": 24,
            "matrix_target": "ana",
            "xmpp_jid": "not a jid",
        },
    )
    assert bad.status_code == 400
    assert "A Matrix address looks like" in bad.content.decode()
    ok = client.post(
        on_call,
        {
            "form": "person",
            "user": tenants.people["analyst"].pk,
            "tz": "Europe/Paris",
            "start_hour": 0,
            "end_hour": 24,
            "matrix_target": "@ana:example.org",
            "xmpp_jid": "ana@example.org",
        },
    )
    assert ok.status_code == 302
    with brand_scope(brand):
        person = OnCallPerson.objects.get()
    assert person.matrix_target == "@ana:example.org" and person.xmpp_jid == "ana@example.org"


def test_network_sources_need_their_search(client, tenants):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the checks read English
    brand = tenants.brand_a
    login(client, tenants.people["community_manager"])
    url = reverse("listening:sources", args=[brand.slug])
    missing = client.post(url, {"kind": "bluesky", "name": "Bsky"})
    assert missing.status_code == 200 and "Say what to search for." in missing.content.decode()
    tag = client.post(
        url, {"kind": "mastodon_tag", "url": "https://mastodon.example", "search": "deux mots"}
    )
    assert "A hashtag is one word" in tag.content.decode()
    assert (
        client.post(
            url, {"kind": "mastodon_tag", "url": "https://mastodon.example", "search": "#Alpha"}
        ).status_code
        == 302
    )
    with brand_scope(brand):
        assert Source.objects.get(kind="mastodon_tag").search == "Alpha"
