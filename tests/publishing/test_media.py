import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from PIL import Image

from tests.publishing.conftest import sandbox_posts
from tribune.core.scope import brand_scope
from tribune.publishing import media, publisher, workflow
from tribune.publishing.models import MediaFile, Post


def _jpeg(size=(3000, 2000), exif_gps=True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "SecretCam"  # camera make, as phones write it
    image.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


@translation.override("en")
def test_images_are_sniffed_resized_and_stripped():
    clean = media.check_image(_jpeg())
    assert clean.mime_type == "image/jpeg" and max(clean.width, clean.height) == 2048
    assert len(clean.content) <= media.TARGET_BYTES
    assert b"SecretCam" not in clean.content
    with pytest.raises(media.MediaError, match="not an image"):
        media.check_image(b"<svg onload=alert(1)>")
    with pytest.raises(media.MediaError, match="not an image"):
        media.check_image(b"GIF89a" + b"\x00" * 20)  # a header, then nothing readable


def test_attach_publish_and_isolation(client, tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Avec photo",
            accounts=[accounts[0]],
            scheduled_at=timezone.now() + timedelta(seconds=1),
        )
    client.force_login(tenants.people["community_manager"])
    url = f"/b/alpha/publishing/posts/{post.pk}/images/"
    upload = io.BytesIO(_jpeg((800, 600)))
    upload.name = "photo.jpg"
    client.post(url, {"image": upload, "alt": ""})  # no description: refused
    with brand_scope(tenants.brand_a):
        assert not MediaFile.objects.exists()
    upload.seek(0)
    client.post(url, {"image": upload, "alt": "Une boutique au soleil"})
    with brand_scope(tenants.brand_a):
        item = MediaFile.objects.get()
    response = client.get(f"/b/alpha/publishing/images/{item.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(tenants.people["analyst"])
    assert client.get(f"/b/beta/publishing/images/{item.pk}/").status_code == 404
    with brand_scope(tenants.brand_a):
        post = Post.objects.get(pk=post.pk)
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
        with pytest.raises(media.MediaError):  # no image changes once approved
            media.do_attach_image(post, tenants.owner, _jpeg((10, 10)), "x")
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(seconds=5)):
        assert publisher.publish_variant(variant_id) == "success"
    assert sandbox_posts("alpha.sandbox").get().media_count == 1


def test_too_many_images_for_the_network_blocks(tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Galerie",
            accounts=[accounts[0]],
            scheduled_at=None,
        )
        for n in range(4):
            media.do_attach_image(post, tenants.owner, _jpeg((20, 20)), f"image {n}")
        with pytest.raises(media.MediaError, match="4"):
            media.do_attach_image(post, tenants.owner, _jpeg((20, 20)), "cinquième")
        assert not workflow.check_post(post)["alpha.sandbox"]["blocking"]
