from __future__ import annotations

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


@brand_view(Cap.VIEW)
def image(request: AuthedRequest, media_id: int) -> HttpResponseBase:
    item = MediaFile.objects.filter(pk=media_id).first()
    if item is None:
        raise Http404(_("No such image."))
    response = FileResponse(item.file.open("rb"), content_type=item.mime_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
