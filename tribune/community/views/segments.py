"""Segments: saved filters and computed groups, with readable descriptions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.community.models import Segment
from tribune.community.services.members import CommunityError
from tribune.community.services.segments import (
    clean_filters,
    compute_segments,
    describe_filters,
    segment_members,
)
from tribune.community.views.common import WRITE, back, community_view, get_in_scope, tabs
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest


@community_view()
def segment_list(request: AuthedRequest) -> HttpResponse:
    rows = [(s, segment_members(s).count()) for s in Segment.objects.all()]
    return render(
        request, "community/segments.html", {**tabs(request, "segments"), "segments": rows}
    )


@community_view(WRITE)
@require_POST
def segment_save(request: AuthedRequest) -> HttpResponse:
    return _segment_action(request, "save")


@community_view(WRITE)
@require_POST
def segment_compute(request: AuthedRequest) -> HttpResponse:
    return _segment_action(request, "compute")


def _segment_action(request: AuthedRequest, segment_op: str) -> HttpResponse:
    url = reverse("community:segments", args=[request.brand.slug])
    try:
        if segment_op == "save":
            name = request.POST.get("name", "").strip()[:120]
            filters = clean_filters(request.POST)
            if not name:
                raise CommunityError(_("Give the segment a name."))
            segment = Segment.objects.create(
                brand=request.brand,
                name=name,
                filters=filters,
                description=describe_filters(filters),
            )
            record_audit(
                "community.segment_saved", actor=request.user, brand=request.brand, obj=segment
            )
            messages.success(request, _("Segment saved."))
        elif segment_op == "compute":
            found = compute_segments(request.brand)
            if not found:
                raise CommunityError(
                    _("Not enough scored members to find groups yet (4 at least).")
                )
            messages.success(request, _("%(n)d groups found.") % {"n": len(found)})
        else:
            raise CommunityError(_("Unknown action."))
    except CommunityError as exc:
        return back(request, url, exc)
    return HttpResponseRedirect(url)


@community_view()
def segment_detail(request: AuthedRequest, segment_id: int) -> HttpResponse:
    segment = get_in_scope(Segment, segment_id)
    if request.method == "POST":
        if not request.access.can(WRITE):
            return HttpResponse(status=403)
        segment.delete()
        messages.success(request, _("Segment deleted."))
        return HttpResponseRedirect(reverse("community:segments", args=[request.brand.slug]))
    members = segment_members(segment).prefetch_related("identities")[:500]
    return render(
        request,
        "community/segment.html",
        {**tabs(request, "segments"), "segment": segment, "members": members},
    )
