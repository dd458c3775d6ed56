"""Opinion leaders (graph PageRank, per topic), rising members, the outreach pipeline
with reminders, and competitor communities."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.community.forms import StageForm
from tribune.community.models import Member, Stage
from tribune.community.services import scores
from tribune.community.services.competitors import competitor_report
from tribune.community.services.members import active_members
from tribune.community.views.common import WRITE, back, community_view, get_in_scope, tabs
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest


@community_view()
def leaders(request: AuthedRequest) -> HttpResponse:
    topic = request.GET.get("topic", "").strip()[:100]
    ranked = scores.leaders(request.brand, topic=topic)
    clusters: dict[int, list[Member]] = {}
    for member in active_members().filter(cluster__isnull=False).order_by("-influence")[:300]:
        clusters.setdefault(member.cluster or 0, []).append(member)
    return render(
        request,
        "community/leaders.html",
        {
            **tabs(request, "leaders"),
            "topic": topic,
            "leaders": ranked,
            "rising": scores.rising(),
            "clusters": sorted(clusters.values(), key=len, reverse=True)[:8],
            "formulas": scores.FORMULAS,
        },
    )


@community_view()
def pipeline(request: AuthedRequest) -> HttpResponse:
    members = active_members().exclude(stage="")
    columns = [
        (value, label, [m for m in members if m.stage == value])
        for value, label in Stage.choices
        if value
    ]
    now = timezone.now()
    due = active_members().filter(remind_at__lte=now).order_by("remind_at")
    candidates = [m for m, _v in scores.leaders(request.brand, limit=30) if not m.stage][:10]
    return render(
        request,
        "community/pipeline.html",
        {
            **tabs(request, "pipeline"),
            "columns": columns,
            "due": due,
            "candidates": candidates,
            "stage_form": StageForm(),
        },
    )


@community_view(WRITE)
@require_POST
def set_stage(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = get_in_scope(Member, member_id, merged_into__isnull=True, erased_at__isnull=True)
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None) or not url.startswith("/"):
        url = reverse("community:pipeline", args=[request.brand.slug])
    form = StageForm(request.POST)
    if not form.is_valid():
        return back(request, url, ValueError(_("Check the stage and the reminder date.")))
    before = member.stage
    member.stage = form.cleaned_data["stage"]
    if member.stage != before:
        member.stage_changed_at = timezone.now()
    member.remind_at = form.cleaned_data["remind_at"]
    member.reminder_note = form.cleaned_data["reminder_note"]
    member.save(update_fields=["stage", "stage_changed_at", "remind_at", "reminder_note"])
    record_audit(
        "community.stage_changed",
        actor=request.user,
        brand=request.brand,
        obj=member,
        before={"stage": before},
        after={"stage": member.stage},
    )
    scores.score_brand(request.brand)  # the ambassador level follows the stage
    messages.success(request, _("Outreach updated."))
    return HttpResponseRedirect(url)


@community_view()
def competitors(request: AuthedRequest) -> HttpResponse:
    try:
        days = max(1, min(365, int(request.GET.get("days", 30))))
    except ValueError:
        days = 30
    return render(
        request,
        "community/competitors.html",
        {
            **tabs(request, "competitors"),
            "report": competitor_report(request.brand, days),
            "days": days,
        },
    )
