"""Saves and video views across imports and exports: archives do not carry them, so
imported posts keep them unknown (never 0); the brand export writes them, null in
brand.json and an empty cell in the CSV when the network did not give them."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.api.api_factories import Api, sandbox_account, token_for
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant
from tribune.transfer.imports import run_import

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        yield


def test_x_archive_import_leaves_saves_and_video_views_unknown(tenants) -> None:  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        account = SocialAccount.objects.create(brand=tenants.brand_a, network="x", handle="alpha")
        report = run_import(
            tenants.brand_a,
            tenants.owner,
            "x",
            (SAMPLES / "tweets.js").read_bytes(),
            account=account,
        )
        snapshots = list(PostMetricSnapshot.objects.filter(brand=tenants.brand_a))
    assert report.ok and report.created == 2
    # The archive gives likes and reposts only: the rest stays "not given", not 0.
    assert len(snapshots) == 2 and all(s.likes is not None for s in snapshots)
    assert all(s.saves is None and s.video_views is None for s in snapshots)


def _snapshots(tenants) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Three snapshots on brand Alpha: known numbers, a real 0, and unknown ones."""
    account = sandbox_account(tenants.brand_a, "export.sb")
    brand = tenants.brand_a
    ids = {}
    with brand_scope(brand):
        post = Post.objects.create(brand=brand, text="Export", status=PostStatus.PUBLISHED)
        variant = Variant.objects.create(
            post=post,
            brand=brand,
            account=account,
            status=PostStatus.PUBLISHED,
            remote_id="remote-export",
            published_at=timezone.now() - timedelta(hours=3),
        )
        for name, minutes, saves, views in (
            ("known", 120, 12, 3456),
            ("zero", 60, 0, None),
            ("unknown", 5, None, None),
        ):
            ids[name] = PostMetricSnapshot.objects.create(
                variant=variant,
                brand=brand,
                at=timezone.now() - timedelta(minutes=minutes),
                likes=9,
                saves=saves,
                video_views=views,
            ).pk
    return ids


def test_brand_export_writes_saves_and_video_views(tenants) -> None:  # type: ignore[no-untyped-def]
    ids = _snapshots(tenants)
    status, data, _ = Api(token_for(tenants.owner)).get("/brands/alpha/export")
    assert status == 200
    archive = zipfile.ZipFile(io.BytesIO(data))

    document = json.loads(archive.read("brand.json"))
    rows = {row["id"]: row for row in document["post_metrics"]}
    assert (rows[ids["known"]]["saves"], rows[ids["known"]]["video_views"]) == (12, 3456)
    assert (rows[ids["zero"]]["saves"], rows[ids["zero"]]["video_views"]) == (0, None)
    assert (rows[ids["unknown"]]["saves"], rows[ids["unknown"]]["video_views"]) == (None, None)

    table = csv.DictReader(io.StringIO(archive.read("post_metrics.csv").decode("utf-8-sig")))
    assert {"saves", "video_views"} <= set(table.fieldnames or [])
    cells = {int(row["id"]): (row["saves"], row["video_views"]) for row in table}
    assert cells[ids["known"]] == ("12", "3456")
    assert cells[ids["zero"]] == ("0", "")  # a real 0 is written, unknown is empty
    assert cells[ids["unknown"]] == ("", "")
    assert "An empty CSV cell is a missing value" in archive.read("README.txt").decode()
