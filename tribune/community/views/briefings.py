"""Embargoed briefings: the team's screens and the recipients' tracked pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.community.forms import BriefingForm
from tribune.community.models import Briefing, BriefingRecipient, Member, Segment
from tribune.community.services import briefings as svc
from tribune.community.services.events import top_members
from tribune.community.services.members import CommunityError, active_members
from tribune.community.services.segments import segment_members
from tribune.community.views.common import WRITE, back, community_view, get_in_scope, tabs
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope

PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _recipients(data: dict) -> list[Member]:
    members: dict[int, Member] = {}
    if data.get("top"):
        members.update((m.pk, m) for m in top_members(data["top"]))
    if data.get("segment"):
        segment = get_in_scope(Segment, data["segment"])
        members.update((m.pk, m) for m in segment_members(segment))
    if data.get("level"):
        members.update((m.pk, m) for m in active_members().filter(level=data["level"]))
    return list(members.values())


@community_view()
def briefing_list(request: AuthedRequest) -> HttpResponse:
    form = BriefingForm(request.POST or None)
    if request.method == "POST":
        if not request.access.can(WRITE):
            return HttpResponse(status=403)
        if form.is_valid():
            data = dict(form.cleaned_data)
            audience = {k: data.pop(k) for k in ("top", "segment", "level")}
            try:
                briefing = svc.do_create_briefing(
                    request.brand, request.user, data, _recipients(audience)
                )
            except CommunityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Briefing scheduled: it goes out when the embargo ends.")
                )
                return HttpResponseRedirect(
                    reverse("community:briefing", args=[request.brand.slug, briefing.pk])
                )
    return render(
        request,
        "community/briefings.html",
        {
            **tabs(request, "briefings"),
            "briefings": Briefing.objects.all(),
            "form": form,
            "segments": Segment.objects.all(),
        },
    )


@community_view()
def briefing_detail(request: AuthedRequest, briefing_id: int) -> HttpResponse:
    briefing = get_in_scope(Briefing, briefing_id)
    recipients = BriefingRecipient.objects.filter(briefing=briefing).select_related("member")
    rows = list(recipients)
    return render(
        request,
        "community/briefing.html",
        {
            **tabs(request, "briefings"),
            "briefing": briefing,
            "recipients": rows,
            "opened": sum(1 for r in rows if r.opened_at),
            "shared": sum(1 for r in rows if r.shared_at),
            "broke": [r for r in rows if r.broke_embargo_at],
            "now": timezone.now(),
        },
    )


@community_view(WRITE)
@require_POST
def briefing_cancel(request: AuthedRequest, briefing_id: int) -> HttpResponse:
    briefing = get_in_scope(Briefing, briefing_id)
    url = reverse("community:briefing", args=[request.brand.slug, briefing.pk])
    try:
        svc.do_cancel(briefing, request.user)
    except CommunityError as exc:
        return back(request, url, exc)
    messages.success(request, _("Briefing cancelled: nothing will be sent."))
    return HttpResponseRedirect(url)


def _recipient(token: str) -> BriefingRecipient:
    recipient = svc.recipient_by_token(token)
    if recipient is None or recipient.member.erased_at:
        raise Http404
    return recipient


def briefing_page(request: HttpRequest, token: str) -> HttpResponse:
    """The briefing for one recipient; before the embargo, only a waiting notice."""
    recipient = _recipient(token)
    briefing = recipient.briefing
    with brand_scope(recipient.brand), timezone.override(recipient.brand.tz):
        visible = svc.is_visible(briefing) and recipient.sent_at is not None
        if visible:
            svc.record_open(recipient)
        return render(
            request,
            "community/public/briefing.html",
            {
                "briefing": briefing if visible else None,
                "embargo_until": briefing.embargo_until,
                "brand": recipient.brand,
                "token": token,
                "cancelled": briefing.status == Briefing.Status.CANCELLED,
            },
            status=200 if visible else 403,
        )


def briefing_go(request: HttpRequest, token: str) -> HttpResponse:
    recipient = _recipient(token)
    briefing = recipient.briefing
    with brand_scope(recipient.brand):
        if not (svc.is_visible(briefing) and recipient.sent_at) or not briefing.link_url:
            return HttpResponseRedirect(reverse("community:briefing_page", args=[token]))
        svc.record_click(recipient)
    return HttpResponseRedirect(briefing.link_url)


def briefing_pixel(request: HttpRequest, token: str) -> HttpResponse:
    recipient = svc.recipient_by_token(token)
    if recipient is not None:
        with brand_scope(recipient.brand):
            if svc.is_visible(recipient.briefing) and recipient.sent_at:
                svc.record_open(recipient)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response
