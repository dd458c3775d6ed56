"""The post page's performance table shows saves and video views per account, and "—"
with the analytics tables' tooltip where the network does not give them."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant


def _published_with_numbers(tenants, accounts):  # type: ignore[no-untyped-def]
    video, text_only = accounts
    brand = tenants.brand_a
    with brand_scope(brand):
        post = Post.objects.create(brand=brand, text="Visite en vidéo", status=PostStatus.PUBLISHED)
        for account, saves, views in ((video, 1234, 56789), (text_only, None, None)):
            variant = Variant.objects.create(
                post=post,
                brand=brand,
                account=account,
                status=PostStatus.PUBLISHED,
                remote_id=f"remote-{account.pk}",
                published_at=timezone.now() - timedelta(hours=2),
            )
            for minutes, factor in ((60, 0), (5, 1)):  # the latest snapshot is the one shown
                PostMetricSnapshot.objects.create(
                    variant=variant,
                    brand=brand,
                    at=timezone.now() - timedelta(minutes=minutes),
                    likes=40,
                    replies=3,
                    reposts=2,
                    quotes=0,
                    impressions=900,
                    saves=None if saves is None else saves * factor,
                    video_views=None if views is None else views * factor,
                )
    return post


def _row(page: str, handle: str) -> list[str]:
    """The cells of an account's row of the performance table."""
    match = re.search(rf'<tr data-testid="metrics-{re.escape(handle)}">(.*?)</tr>', page, re.S)
    assert match, f"no performance row for @{handle}"
    return re.findall(r"<td[^>]*>.*?</td>", match.group(1), re.S)


def _headings(page: str) -> list[str]:
    table = page.split('data-testid="metrics-', 1)[0].rsplit("<table>", 1)[1]
    return re.findall(r'<th scope="col">(.*?)</th>', table)


def test_post_page_shows_saves_and_video_views(client, tenants, accounts) -> None:  # type: ignore[no-untyped-def]
    post = _published_with_numbers(tenants, accounts)
    client.force_login(tenants.people["analyst"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/b/alpha/publishing/posts/{post.pk}/").content.decode()

    headings = _headings(page)
    assert headings[headings.index("Reposts") + 1 : headings.index("Reposts") + 3] == [
        "Saves",
        "Video views",
    ]
    saves_at = headings.index("Saves")
    with_video = _row(page, "alpha.sandbox")
    assert with_video[saves_at] == "<td>1234</td>"
    assert with_video[saves_at + 1] == "<td>56789</td>"
    unknown = _row(page, "alpha-en.sandbox")
    tooltip = '<td title="Not given by this network">—</td>'
    assert unknown[saves_at] == tooltip and unknown[saves_at + 1] == tooltip
    assert unknown[headings.index("Likes")] == "<td>40</td>"  # the other figures still shown
    assert len(with_video) == len(unknown) == len(headings)


def test_zero_saves_read_zero_not_unknown(client, tenants, accounts) -> None:  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        post = Post.objects.create(brand=brand, text="Sans vidéo", status=PostStatus.PUBLISHED)
        variant = Variant.objects.create(
            post=post,
            brand=brand,
            account=accounts[0],
            status=PostStatus.PUBLISHED,
            remote_id="remote-zero",
            published_at=timezone.now() - timedelta(hours=1),
        )
        PostMetricSnapshot.objects.create(
            variant=variant, brand=brand, at=timezone.now(), likes=1, saves=0, video_views=None
        )
    client.force_login(tenants.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/b/alpha/publishing/posts/{post.pk}/").content.decode()

    # A real 0 is shown as 0; only the missing video views carry the tooltip.
    cells = _row(page, "alpha.sandbox")
    saves_at = _headings(page).index("Saves")
    assert cells[saves_at] == "<td>0</td>"
    assert cells[saves_at + 1] == '<td title="Not given by this network">—</td>'


def test_post_without_snapshot_yet_reads_dashes_without_tooltip(client, tenants, accounts) -> None:  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        post = Post.objects.create(
            brand=brand, text="Tout juste publié", status=PostStatus.PUBLISHED
        )
        Variant.objects.create(
            post=post,
            brand=brand,
            account=accounts[0],
            status=PostStatus.PUBLISHED,
            remote_id="remote-new",
            published_at=timezone.now(),
        )
    client.force_login(tenants.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/b/alpha/publishing/posts/{post.pk}/").content.decode()

    cells = _row(page, "alpha.sandbox")
    saves_at = _headings(page).index("Saves")
    # Not collected yet: nothing says the network does not give them.
    assert cells[saves_at] == cells[saves_at + 1] == "<td>—</td>"
