"""Media uploads.

Images: sniff the real type, refuse what is not an image, re-encode. Re-encoding drops
EXIF (camera, GPS position) and any payload hidden after the image data, and brings large
photos under the strictest network limit we publish to (Bluesky: 1 MB per image), so one
file works everywhere.

Videos: one per post, never with images (no network mixes them). The container is
recognised by its magic bytes and the duration and picture size read from the MP4/MOV
headers (``video.py``); the file is kept as uploaded (re-encoding video needs ffmpeg,
which Tribune does not require). Each network's own limits are checked per account by
``checks.media_problems``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from struct import error as struct_error

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tribune.accounts.models import User
from tribune.core.audit import record_audit
from tribune.networks.base import MediaItem
from tribune.publishing.models import MediaFile, Post, PostStatus
from tribune.publishing.video import VideoError, probe

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SIDE = 2048
TARGET_BYTES = 950 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
ALLOWED = {"JPEG", "PNG", "WEBP", "GIF"}


class MediaError(ValueError):
    pass


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    mime_type: str
    width: int
    height: int


def check_image(data: bytes) -> CleanImage:
    if len(data) > MAX_UPLOAD_BYTES:
        raise MediaError(_("The file is larger than 20 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise MediaError(_("The image is too large (more than 40 megapixels)."))
            probe.verify()
    except Image.DecompressionBombError:  # raised by open() itself, far above MAX_PIXELS
        raise MediaError(_("The image is too large (more than 40 megapixels).")) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise MediaError(_("This file is not an image Tribune can read.")) from None
    if kind not in ALLOWED:
        raise MediaError(_("Use a JPEG, PNG, WebP or GIF image."))
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)  # keep the orientation the camera meant
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        keep_png = kind == "PNG" and image.mode in ("RGBA", "LA", "P")
        if keep_png:
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            if out.tell() <= TARGET_BYTES:
                return CleanImage(out.getvalue(), "image/png", image.width, image.height)
        rgb = image.convert("RGB")
        for quality in (88, 80, 72, 64, 55):
            out = io.BytesIO()
            rgb.save(out, format="JPEG", quality=quality, optimize=True)
            if out.tell() <= TARGET_BYTES:
                break
        return CleanImage(out.getvalue(), "image/jpeg", rgb.width, rgb.height)


def check_can_change_images(post: Post) -> None:
    if post.status != PostStatus.DRAFT:
        raise MediaError(_("Move the post back to draft to change its media."))


def video_max_bytes() -> int:
    # MediaFile.size is a 32-bit integer column: 2 GB is the ceiling whatever the setting.
    return min(int(settings.TRIBUNE_VIDEO_MAX_BYTES), 2**31 - 1)


@transaction.atomic
def do_attach_image(post: Post, actor: User, data: bytes, alt_text: str) -> MediaFile:
    check_can_change_images(post)
    if not alt_text.strip():
        raise MediaError(_("Describe the image for people who cannot see it."))
    if any(m.is_video for m in post.media.all()):
        raise MediaError(_("This post has a video: networks do not mix a video and images."))
    if post.media.count() >= 4:
        raise MediaError(_("A post can carry at most 4 images."))
    clean = check_image(data)
    suffix = ".png" if clean.mime_type == "image/png" else ".jpg"
    media = MediaFile(
        brand=post.brand,
        post=post,
        mime_type=clean.mime_type,
        width=clean.width,
        height=clean.height,
        size=len(clean.content),
        alt_text=alt_text.strip(),
        position=post.media.count(),
    )
    media.file.save(f"image{suffix}", ContentFile(clean.content), save=False)
    media.save()
    record_audit(
        "post.image_added",
        actor=actor,
        brand=post.brand,
        obj=post,
        after={"image": media.pk, "alt_text": media.alt_text},
    )
    return media


@transaction.atomic
def do_attach_video(post: Post, actor: User, upload: UploadedFile, alt_text: str) -> MediaFile:
    """Check and store one video (kept as uploaded; see the module docstring)."""
    check_can_change_images(post)
    if not alt_text.strip():
        raise MediaError(_("Describe the video for people who cannot see it."))
    if post.media.exists():
        raise MediaError(
            _("A post carries one video on its own: remove its images or video first.")
        )
    limit = video_max_bytes()
    if (upload.size or 0) > limit:
        raise MediaError(
            _("The video is larger than %(n)d MB, the limit set for this Tribune.")
            % {"n": limit // (1024 * 1024)}
        )
    handle = upload.file
    if handle is None:
        raise MediaError(_("Choose a video file."))
    try:
        info = probe(handle)  # type: ignore[arg-type]
    except VideoError as exc:
        raise MediaError(str(exc)) from None
    except (OSError, struct_error):
        raise MediaError(_("This video file is damaged.")) from None
    handle.seek(0)
    media = MediaFile(
        brand=post.brand,
        post=post,
        mime_type=info.mime_type,
        width=info.width,
        height=info.height,
        size=upload.size or 0,
        duration=round(info.duration, 3),
        alt_text=alt_text.strip(),
        position=0,
    )
    suffix = ".mov" if info.mime_type == "video/quicktime" else ".mp4"
    media.file.save(f"video{suffix}", upload, save=False)
    media.save()
    record_audit(
        "post.video_added",
        actor=actor,
        brand=post.brand,
        obj=post,
        after={
            "video": media.pk,
            "duration": media.duration,
            "size": media.size,
            "codec": info.video_codec,
            "alt_text": media.alt_text,
        },
    )
    return media


@transaction.atomic
def do_remove_image(media: MediaFile, actor: User) -> None:
    record_audit(
        "post.video_removed" if media.is_video else "post.image_removed",
        actor=actor,
        brand=media.brand,
        obj=media.post,
        before={"media": media.pk, "alt_text": media.alt_text},
    )
    media.file.delete(save=False)
    media.delete()


def media_items(post: Post) -> list[MediaItem]:
    items = []
    for media in post.media.all():
        with media.file.open("rb") as handle:
            items.append(
                MediaItem(
                    content=handle.read(),
                    mime_type=media.mime_type,
                    alt_text=media.alt_text,
                    filename=(media.file.name or "").rsplit("/", 1)[-1],
                )
            )
    return items
