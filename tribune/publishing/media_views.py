from __future__ import annotations

import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.publishing import media
from tribune.publishing.checks import format_duration
from tribune.publishing.models import MediaFile, Post


@brand_view(Cap.DRAFT)
@require_POST
def upload_image(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404(_("No such post."))
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise media.MediaError(_("Choose an image file."))
        media.do_attach_image(post, request.user, upload.read(), request.POST.get("alt", ""))
        messages.success(request, _("Image added."))
    except media.MediaError as exc:
        messages.error(request, str(exc))
    return redirect("publishing:post", brand_slug=request.brand.slug, post_id=post.pk)


@brand_view(Cap.DRAFT)
@require_POST
def upload_video(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404(_("No such post."))
    upload = request.FILES.get("video")
    try:
        if upload is None:
            raise media.MediaError(_("Choose a video file."))
        item = media.do_attach_video(post, request.user, upload, request.POST.get("alt", ""))
        messages.success(
            request,
            _("Video added (%(duration)s, %(width)d×%(height)d).")
            % {
                "duration": format_duration(item.duration or 0),
                "width": item.width,
                "height": item.height,
            },
        )
    except media.MediaError as exc:
        messages.error(request, str(exc))
    return redirect("publishing:post", brand_slug=request.brand.slug, post_id=post.pk)


@brand_view(Cap.DRAFT)
@require_POST
def remove_image(request: AuthedRequest, media_id: int) -> HttpResponse:
    item = MediaFile.objects.select_related("post").filter(pk=media_id).first()
    if item is None:
        raise Http404(_("No such image."))
    try:
        media.check_can_change_images(item.post)
        media.do_remove_image(item, request.user)
    except media.MediaError as exc:
        messages.error(request, str(exc))
    return redirect("publishing:post", brand_slug=request.brand.slug, post_id=item.post_id)


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` for one ``Range: bytes=…`` (RFC 9110 §14.1.2); None to send all."""
    match = RANGE.match(header.strip())
    if not match or size == 0 or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        return max(0, size - int(last)), size - 1
    return int(first), min(int(last), size - 1) if last else size - 1


@brand_view(Cap.VIEW)
def image(request: AuthedRequest, media_id: int) -> HttpResponseBase:
    """The file of an image or a video. Videos answer byte ranges, so a player can seek
    without downloading the whole file first."""
    item = MediaFile.objects.filter(pk=media_id).first()
    if item is None:
        raise Http404(_("No such image."))
    wanted = _byte_range(request.headers.get("Range", ""), item.size) if item.is_video else None
    if wanted is not None:
        first, last = wanted
        if first > last:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{item.size}"
            return refused
        with item.file.open("rb") as handle:
            handle.seek(first)
            chunk = handle.read(last - first + 1)
        partial = HttpResponse(chunk, status=206, content_type=item.mime_type)
        partial["Content-Range"] = f"bytes {first}-{first + len(chunk) - 1}/{item.size}"
        partial["Accept-Ranges"] = "bytes"
        partial["Cache-Control"] = "private, max-age=3600"
        return partial
    response = FileResponse(item.file.open("rb"), content_type=item.mime_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    if item.is_video:
        response["Accept-Ranges"] = "bytes"
    return response
