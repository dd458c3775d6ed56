"""Imports of real-format samples (written from each network's public description of its
export), all-or-nothing on errors, through the service, the API, the screen and the CLI;
exports of a brand as JSON + CSV and of a report as CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.api.api_factories import Api, sandbox_account, token_for
from tests.api.bluesky_car import sample_repo
from tests.conftest import PASSWORD
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant
from tribune.transfer.imports import ImportFailed, run_import

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        yield


def _account(brand, network: str, handle: str) -> SocialAccount:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return SocialAccount.objects.create(brand=brand, network=network, handle=handle)


def _import(tenants, kind: str, data: bytes, account=None):  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        return run_import(tenants.brand_a, tenants.owner, kind, data, account=account)


def _posts(brand):  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return list(Post.objects.filter(brand=brand).order_by("scheduled_at"))


def test_x_archive_becomes_published_history(tenants) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "x", "alpha_fr")
    report = _import(tenants, "x", (SAMPLES / "tweets.js").read_bytes(), account)
    assert report.ok and report.created == 2 and report.skipped == 1  # the retweet
    posts = _posts(tenants.brand_a)
    assert [p.text for p in posts] == [
        "Nos nouveaux horaires & nos ateliers #rentrée",
        "@client_lyon Merci ! La boutique de Lyon ouvre à 9 h.",
    ]
    assert all(p.status == PostStatus.PUBLISHED for p in posts)
    with brand_scope(tenants.brand_a):
        first = Variant.objects.get(post=posts[0])
        metrics = PostMetricSnapshot.objects.get(variant=first)
    assert first.remote_id == "1712345678901234567"
    assert first.remote_url == "https://x.com/alpha_fr/status/1712345678901234567"
    assert first.published_at == datetime(2023, 10, 12, 8, 41, 7, tzinfo=UTC)
    assert (metrics.likes, metrics.reposts) == (42, 7)
    # Importing the same (or a newer) archive again adds only what is new.
    again = _import(tenants, "x", (SAMPLES / "tweets.js").read_bytes(), account)
    assert again.created == 0 and again.skipped == 3
    assert len(_posts(tenants.brand_a)) == 2


def test_x_archive_zip_is_accepted(tenants) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "x", "alpha_fr")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/account.js", "window.YTD.account.part0 = []")
        archive.writestr("data/tweets.js", (SAMPLES / "tweets.js").read_bytes())
    assert _import(tenants, "x", buffer.getvalue(), account).created == 2


def test_mastodon_outbox_imports_public_notes_only(tenants) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "mastodon", "alpha@mastodon.example")
    report = _import(tenants, "mastodon", (SAMPLES / "outbox.json").read_bytes(), account)
    assert report.ok and report.created == 2
    assert report.skipped == 2  # the boost and the direct message
    posts = _posts(tenants.brand_a)
    assert posts[0].text == (
        "Bonjour le fédivers ! Nos ateliers reprennent #lundi.\n\nInscriptions & infos sur le site."
    )
    assert (
        posts[1].text == "Travaux\n\nFermeture exceptionnelle jeudi.\nMerci de votre compréhension."
    )
    assert all("privé" not in p.text for p in posts)
    with brand_scope(tenants.brand_a):
        variant = Variant.objects.get(post=posts[0])
    assert variant.remote_id == "111222333444555666"
    assert variant.remote_url == "https://mastodon.example/@alpha/111222333444555666"


def test_bluesky_repository_car(tenants) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "bluesky", "alpha.bsky.social")
    report = _import(tenants, "bluesky", sample_repo(), account)
    assert report.ok and report.created == 2  # likes and the profile are not posts
    posts = _posts(tenants.brand_a)
    assert [p.text for p in posts] == ["Premier post sur Bluesky 🎉", "Nos horaires de février"]
    with brand_scope(tenants.brand_a):
        variant = Variant.objects.get(post=posts[0])
    assert (
        variant.remote_id == "at://did:plc:alpha2ext4mple5idxyz/app.bsky.feed.post/3kfirst2post2a"
    )


def test_csv_creates_drafts_in_the_brand_time_zone(tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a, "alpha-csv.sb")
    try:
        report = _import(tenants, "csv", (SAMPLES / "posts.csv").read_bytes(), account)
    except ImportFailed as exc:
        raise AssertionError(exc.report.row_errors) from None
    assert report.ok and report.created == 2, report
    posts = _posts(tenants.brand_a)
    assert [p.status for p in posts] == [PostStatus.DRAFT, PostStatus.DRAFT]
    # 09:30 in Paris (UTC+1 in January) is 08:30 UTC.
    assert posts[0].scheduled_at == datetime(2030, 1, 10, 8, 30, tzinfo=UTC)
    assert posts[1].scheduled_at == datetime(2030, 1, 12, 9, 0, tzinfo=UTC)
    assert posts[1].sponsored is True and posts[0].title == "Soldes"


MALFORMED = [
    ("x", b"[]", "not an X archive"),
    ("x", b"window.YTD.tweets.part0 = [ {", "damaged"),
    ("mastodon", b"{not json", "damaged"),
    ("mastodon", b'{"type": "Person"}', "not a Mastodon outbox"),
    ("bluesky", b"\x00garbage", "not a Bluesky repository"),
    ("x", b"PK\x03\x04broken", "zip file is damaged"),
    ("csv", b"title;when\nx;y\n", "text"),
    ("csv", b"", "empty"),
]


@pytest.mark.parametrize(("kind", "data", "words"), MALFORMED)
def test_malformed_files_give_a_clear_error_and_import_nothing(tenants, kind, data, words) -> None:  # type: ignore[no-untyped-def]
    network = {"csv": "sandbox"}.get(kind, kind)
    account = _account(tenants.brand_a, network, f"alpha-{kind}")
    with pytest.raises(ImportFailed) as failed:
        _import(tenants, kind, data, account)
    assert words.lower() in failed.value.report.error.lower()
    assert _posts(tenants.brand_a) == []


def test_one_bad_row_fails_the_whole_file_with_every_row_listed(tenants) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "x", "alpha_fr")
    entries = json.loads((SAMPLES / "tweets.js").read_text().split("=", 1)[1])
    entries[1]["tweet"]["created_at"] = "hier"
    entries.append({"tweet": {"full_text": "sans id"}})
    data = ("window.YTD.tweets.part0 = " + json.dumps(entries)).encode()
    with pytest.raises(ImportFailed) as failed:
        _import(tenants, "x", data, account)
    errors = [(e.row, e.field) for e in failed.value.report.row_errors]
    assert errors == [(2, "created_at"), (4, "id_str")]
    assert _posts(tenants.brand_a) == []

    sandbox_account(tenants.brand_a, "alpha-csv.sb")
    rows = (
        "text,scheduled_at,accounts,sponsored\n"
        "Bon,2030-01-10 09:30,alpha-csv.sb,non\n"
        ",2030-01-10 09:30,alpha-csv.sb,non\n"
        "Passé,2001-01-01 09:00,alpha-csv.sb,non\n"
        "Inconnu,2030-01-10 09:30,nobody,peut-être\n"
    )
    with pytest.raises(ImportFailed) as failed:
        _import(tenants, "csv", rows.encode(), None)
    assert [(e.row, e.field) for e in failed.value.report.row_errors] == [
        (3, "text"),
        (4, "scheduled_at"),
        (5, "accounts"),
        (5, "sponsored"),
    ]
    assert _posts(tenants.brand_a) == []


def test_archive_needs_an_account_of_its_network(tenants) -> None:  # type: ignore[no-untyped-def]
    mastodon = _account(tenants.brand_a, "mastodon", "alpha@mastodon.example")
    with pytest.raises(ImportFailed, match="X archive|x archive"):
        _import(tenants, "x", (SAMPLES / "tweets.js").read_bytes(), mastodon)
    with pytest.raises(ImportFailed, match="account"):
        _import(tenants, "x", (SAMPLES / "tweets.js").read_bytes(), None)


def test_import_through_the_api(tenants) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "mastodon", "alpha@mastodon.example")
    api = Api(token_for(tenants.people["community_manager"]))
    upload = SimpleUploadedFile("outbox.json", (SAMPLES / "outbox.json").read_bytes())
    response = api.client.post(
        "/api/v1/brands/alpha/imports",
        {"kind": "mastodon", "account_id": account.pk, "file": upload},
        headers=api.headers,
    )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2
    bad = SimpleUploadedFile("outbox.json", b'{"type": "Note"}')
    response = api.client.post(
        "/api/v1/brands/alpha/imports",
        {"kind": "mastodon", "account_id": account.pk, "file": bad},
        headers=api.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "import_refused"
    analyst = Api(token_for(tenants.people["analyst"]))
    response = analyst.client.post(
        "/api/v1/brands/alpha/imports",
        {"kind": "mastodon", "account_id": account.pk, "file": upload},
        headers=analyst.headers,
    )
    assert response.status_code == 403


def test_import_screen_shows_the_row_report(client, tenants) -> None:  # type: ignore[no-untyped-def]
    account = sandbox_account(tenants.brand_a, "alpha-csv.sb")
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    bad = SimpleUploadedFile("posts.csv", b"text;accounts\n;alpha-csv.sb\n")
    response = client.post("/b/alpha/integrations/import/", {"kind": "csv", "file": bad})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-failed"' in html
    good = SimpleUploadedFile("posts.csv", (SAMPLES / "posts.csv").read_bytes())
    response = client.post(
        "/b/alpha/integrations/import/", {"kind": "csv", "account": account.pk, "file": good}
    )
    assert 'data-testid="import-ok"' in response.content.decode()
    assert len(_posts(tenants.brand_a)) == 2


def test_import_command(tenants, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "x", "alpha_fr")
    call_command(
        "import_file", str(SAMPLES / "tweets.js"), brand="alpha", kind="x", account=account.pk
    )
    assert "2 created" in capsys.readouterr().out
    bad = tmp_path / "tweets.js"
    bad.write_text("hello")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_file", str(bad), brand="alpha", kind="x", account=account.pk)


def _subscription_with_key(tenants):  # type: ignore[no-untyped-def]
    from tribune.webhooks.services import do_create_subscription

    with brand_scope(tenants.brand_a):
        return do_create_subscription(
            tenants.brand_a, tenants.owner, url="https://hooks.example.com/in", events=["ping"]
        )


def test_brand_export_holds_every_table_and_no_secret(tenants, client) -> None:  # type: ignore[no-untyped-def]
    account = _account(tenants.brand_a, "x", "alpha_fr")
    _import(tenants, "x", (SAMPLES / "tweets.js").read_bytes(), account)
    with brand_scope(tenants.brand_a):
        SocialAccount.objects.filter(pk=account.pk).update(
            credentials={"access_token": "SECRET-TOKEN-123"}
        )
    _, key = _subscription_with_key(tenants)
    with brand_scope(tenants.brand_b):
        Post.objects.create(brand=tenants.brand_b, text="Secret de Beta")
    api = Api(token_for(tenants.owner))
    status, data, response = api.get("/brands/alpha/export")
    assert status == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "brand.json",
        "posts.csv",
        "publications.csv",
        "inbox_messages.csv",
        "mentions.csv",
        "alerts.csv",
        "audit_log.csv",
        "README.txt",
    } <= names
    document = json.loads(archive.read("brand.json"))
    assert {p["text"] for p in document["posts"]} == {
        "Nos nouveaux horaires & nos ateliers #rentrée",
        "@client_lyon Merci ! La boutique de Lyon ouvre à 9 h.",
    }
    rows = list(csv.DictReader(io.StringIO(archive.read("posts.csv").decode("utf-8-sig"))))
    assert len(rows) == 2 and "Secret de Beta" not in archive.read("brand.json").decode()
    everything = b"".join(archive.read(n) for n in names)
    assert b"SECRET-TOKEN-123" not in everything and key.encode() not in everything
    assert b"https://hooks.example.com/in" in everything  # the webhook itself is there
    # The screen offers the same download to strategists, not to analysts.
    client.login(email=tenants.people["strategist"].email, password=PASSWORD)
    assert client.get("/b/alpha/integrations/export/").status_code == 200
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    assert client.get("/b/alpha/integrations/export/").status_code == 403


def test_report_as_csv(tenants) -> None:  # type: ignore[no-untyped-def]
    from tests.api.api_factories import PARAM_FACTORIES

    report_id = PARAM_FACTORIES["report_id"](tenants.brand_a)
    api = Api(token_for(tenants.people["analyst"]))
    status, data, response = api.get(f"/brands/alpha/reports/{report_id}/csv")
    assert status == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["metric", "value"] and ["posts.published", "3"] in rows
    status, body, _ = api.get("/brands/alpha/reports")
    assert [r["id"] for r in body["items"]] == [report_id]


def test_members_csv_creates_members_and_skips_known_people(tenants) -> None:  # type: ignore[no-untyped-def]
    from tribune.community.models import Member

    rows = (
        "name;email;network;handle;consent;location;tags\n"
        "Léa Martin;lea@example.test;sandbox;lea.m;oui;Lyon;vip|atelier\n"
        "Sam Petit;;bluesky;sam.bsky.social;non;;\n"
    ).encode()
    report = _import(tenants, "members", rows)
    assert report.ok and report.created == 2
    with brand_scope(tenants.brand_a):
        lea = Member.objects.get(display_name="Léa Martin")
        assert lea.email_consent and lea.location == "Lyon" and lea.tags == ["vip", "atelier"]
        assert sorted(i.network for i in lea.identities.all()) == ["email", "sandbox"]
    again = _import(tenants, "members", rows)
    assert again.created == 0 and again.skipped == 2
    bad = (
        b"name,email,consent\n,x@y.z,oui\nAnne,not-an-email,peut-etre\n"
        b"Bob,b@b.fr,non\nBob2,b@b.fr,non\n"
    )
    with pytest.raises(ImportFailed) as failed:
        _import(tenants, "members", bad)
    assert [(e.row, e.field) for e in failed.value.report.row_errors] == [
        (2, "name"),
        (3, "email"),
        (3, "consent"),
        (5, "email"),
    ]
    with brand_scope(tenants.brand_a):
        assert Member.objects.count() == 2


def test_conversions_csv_goes_through_the_analytics_import(tenants) -> None:  # type: ignore[no-untyped-def]
    from tests.analytics.factories import goal
    from tribune.analytics.models import Conversion

    goal(tenants.brand_a, "signup")
    good = b"goal,idempotency_key,value\nsignup,k1,10\nsignup,k2,5.5\n"
    report = _import(tenants, "conversions", good)
    assert report.ok and report.created == 2
    with pytest.raises(ImportFailed) as failed:
        _import(tenants, "conversions", b"goal,idempotency_key\nunknown-goal,k3\n")
    assert failed.value.report.row_errors[0].row == 2
    with brand_scope(tenants.brand_a):
        assert Conversion.objects.count() == 2
    # A community manager may import members but not conversions (strategy capability).
    api = Api(token_for(tenants.people["community_manager"]))
    upload = SimpleUploadedFile("c.csv", good)
    response = api.client.post(
        "/api/v1/brands/alpha/imports", {"kind": "conversions", "file": upload}, headers=api.headers
    )
    assert response.status_code == 403


def test_workspace_export_for_owners_only(tenants) -> None:  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_b):
        Post.objects.create(brand=tenants.brand_b, text="Post de Beta")
    owner = Api(token_for(tenants.owner))
    status, data, _ = owner.get("/workspaces/agence-test/export")
    assert status == 200
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "alpha/brand.json" in names and "beta/posts.csv" in names
    assert not any(n.startswith("gamma/") for n in names)
    assert owner.get("/workspaces/autre/export")[0] == 404  # another workspace
    narrowed = Api(token_for(tenants.owner, brands=[tenants.brand_a]))
    assert narrowed.get("/workspaces/agence-test/export")[0] == 403
    strategist = Api(token_for(tenants.people["strategist"]))  # a member, not an admin
    assert strategist.get("/workspaces/agence-test/export")[0] == 403
    outsider = Api(token_for(tenants.outsider))
    assert outsider.get("/workspaces/agence-test/export")[0] == 404
