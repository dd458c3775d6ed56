"""Members: list with filters, profile with timeline and score, identities, consent,
offline interactions, merge suggestions, merge / un-merge, GDPR export and erase."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.community.forms import (
    ConsentForm,
    IdentityForm,
    InteractionForm,
    MemberForm,
    ProfileForm,
)
from tribune.community.models import Interaction, Level, Member, Merge, MergeSuggestion, Stage
from tribune.community.services import gdpr, scores
from tribune.community.services.members import (
    CommunityError,
    do_add_identity,
    do_create_member,
    do_log_interaction,
    do_set_consent,
    do_update_profile,
    sync_brand,
)
from tribune.community.services.merge import do_merge, do_unmerge, refresh_suggestions
from tribune.community.services.segments import apply_filters, clean_filters, describe_filters
from tribune.community.views.common import (
    WRITE,
    back,
    client_ip,
    community_view,
    get_in_scope,
    require_write,
    tabs,
)
from tribune.core.http import AuthedRequest


def _member_url(request: AuthedRequest, member: Member) -> str:
    return reverse("community:member", args=[request.brand.slug, member.pk])


@community_view()
def member_list(request: AuthedRequest) -> HttpResponse:
    filters = clean_filters(request.GET)
    rows = apply_filters(filters).prefetch_related("identities")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    open_suggestions = MergeSuggestion.objects.filter(
        status=MergeSuggestion.Status.OPEN,
        first__merged_into__isnull=True,
        second__merged_into__isnull=True,
    ).count()
    due = Member.objects.filter(
        remind_at__lte=timezone.now(), merged_into__isnull=True, erased_at__isnull=True
    ).count()
    return render(
        request,
        "community/members.html",
        {
            **tabs(request, "members"),
            "page": page,
            "filters": filters,
            "description": describe_filters(filters),
            "levels": Level.choices,
            "stages": Stage.choices,
            "open_suggestions": open_suggestions,
            "due_reminders": due,
            "form": MemberForm(),
            "formulas": scores.FORMULAS,
        },
    )


@community_view(WRITE)
@require_POST
def member_create(request: AuthedRequest) -> HttpResponse:
    form = MemberForm(request.POST)
    url = reverse("community:members", args=[request.brand.slug])
    if not form.is_valid():
        return back(request, url, CommunityError(_("Check the name and the email address.")))
    try:
        member = do_create_member(request.brand, request.user, **form.cleaned_data)
    except CommunityError as exc:
        return back(request, url, exc)
    messages.success(request, _("Member added."))
    return HttpResponseRedirect(_member_url(request, member))


@community_view(WRITE)
@require_POST
def sync_now(request: AuthedRequest) -> HttpResponse:
    counts = sync_brand(request.brand)
    from tribune.community.services.briefings import attribute_shares

    attribute_shares(request.brand)
    scores.score_brand(request.brand)
    found = refresh_suggestions(request.brand)
    messages.success(
        request,
        _("Synchronised: %(n)d new interactions, %(s)d new merge suggestions.")
        % {"n": sum(counts.values()), "s": found},
    )
    return HttpResponseRedirect(reverse("community:members", args=[request.brand.slug]))


@community_view()
def member_detail(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = get_in_scope(Member, member_id, erased_at__isnull=True)
    if member.merged_into_id:
        messages.info(request, _("This profile was merged into another member."))
        return HttpResponseRedirect(
            reverse("community:member", args=[request.brand.slug, member.merged_into_id])
        )
    timeline = Paginator(
        Interaction.objects.filter(member=member).select_related("logged_by"), 50
    ).get_page(request.GET.get("page"))
    context = {
        **tabs(request, "members"),
        "member": member,
        "identities": member.identities.all(),
        "timeline": timeline,
        "explain": scores.explain(member),
        "formulas": scores.FORMULAS,
        "merges": Merge.objects.filter(survivor=member, undone_at__isnull=True).select_related(
            "absorbed"
        ),
        "suggestions": [
            (s, s.second if s.first_id == member.pk else s.first)
            for s in MergeSuggestion.objects.filter(status=MergeSuggestion.Status.OPEN)
            .filter(Q(first=member) | Q(second=member))
            .select_related("first", "second")
        ],
        "profile_form": ProfileForm(
            initial={
                **{
                    f: getattr(member, f)
                    for f in ("display_name", "location", "company", "notes", "tier", "perks")
                },
                "languages": ", ".join(member.languages),
                "tags": ", ".join(member.tags),
            }
        ),
        "identity_form": IdentityForm(),
        "consent_form": ConsentForm(initial={"given": member.email_consent}),
        "interaction_form": InteractionForm(
            initial={"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
        ),
        "invitations": member.invitations.select_related("event"),
        "stages": Stage.choices,
    }
    return render(request, "community/member.html", context)


@community_view(WRITE)
@require_POST
def member_action(request: AuthedRequest, member_id: int, member_op: str) -> HttpResponse:
    member = get_in_scope(Member, member_id, merged_into__isnull=True, erased_at__isnull=True)
    url = _member_url(request, member)
    try:
        if member_op == "profile":
            form = ProfileForm(request.POST)
            if not form.is_valid():
                raise CommunityError(_("Check the profile fields."))
            do_update_profile(member, request.user, form.cleaned_data)
            messages.success(request, _("Profile saved."))
        elif member_op == "identity":
            iform = IdentityForm(request.POST)
            if not iform.is_valid():
                raise CommunityError(_("Choose a network and give the handle."))
            do_add_identity(member, iform.cleaned_data["network"], iform.cleaned_data["handle"])
            refresh_suggestions(request.brand)
            messages.success(request, _("Identity added."))
        elif member_op == "consent":
            cform = ConsentForm(request.POST)
            if not cform.is_valid():
                raise CommunityError(_("Say how consent was given or withdrawn."))
            do_set_consent(
                member, request.user, cform.cleaned_data["given"], cform.cleaned_data["source"]
            )
            messages.success(request, _("Consent recorded."))
        elif member_op == "log":
            lform = InteractionForm(request.POST)
            if not lform.is_valid():
                raise CommunityError(_("Give the channel, the date and a summary."))
            do_log_interaction(member, request.user, **lform.cleaned_data)
            messages.success(request, _("Interaction added to the timeline."))
        elif member_op == "erase":
            if request.POST.get("confirm") != member.display_name:
                raise CommunityError(_("Type the member's name exactly to confirm the erasure."))
            gdpr.do_erase(member, request.user, client_ip(request))
            messages.success(request, _("The member and their personal data were erased."))
            return HttpResponseRedirect(reverse("community:members", args=[request.brand.slug]))
        else:
            raise CommunityError(_("Unknown action."))
    except CommunityError as exc:
        return back(request, url, exc)
    return HttpResponseRedirect(url)


@community_view()
def member_export(request: AuthedRequest, member_id: int, export_format: str) -> HttpResponse:
    require_write(request)  # personal data: the people who manage the relationship
    member = get_in_scope(Member, member_id, merged_into__isnull=True, erased_at__isnull=True)
    from tribune.core.audit import record_audit

    record_audit(
        "community.member_exported",
        actor=request.user,
        brand=request.brand,
        obj=member,
        ip_address=client_ip(request),
    )
    if export_format == "json":
        response = HttpResponse(gdpr.export_json(member), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="member-{member.pk}.json"'
        return response
    if export_format == "html":
        return render(request, "community/export.html", {"data": gdpr.export_member(member)})
    return back(request, _member_url(request, member), CommunityError(_("Unknown format.")))


@community_view()
def suggestions(request: AuthedRequest) -> HttpResponse:
    rows = (
        MergeSuggestion.objects.filter(
            status=MergeSuggestion.Status.OPEN,
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
        )
        .select_related("first", "second")
        .prefetch_related("first__identities", "second__identities")[:200]
    )
    return render(
        request, "community/suggestions.html", {**tabs(request, "members"), "suggestions": rows}
    )


@community_view(WRITE)
@require_POST
def suggestion_action(
    request: AuthedRequest, suggestion_id: int, suggestion_op: str
) -> HttpResponse:
    suggestion = get_in_scope(MergeSuggestion, suggestion_id)
    url = reverse("community:suggestions", args=[request.brand.slug])
    if suggestion_op == "dismiss":
        suggestion.status = MergeSuggestion.Status.DISMISSED
        suggestion.save(update_fields=["status"])
        messages.success(request, _("Suggestion dismissed."))
        return HttpResponseRedirect(url)
    if suggestion_op != "merge":
        return back(request, url, CommunityError(_("Unknown action.")))
    # The richer profile survives (more interactions, then the older one).
    a, b = suggestion.first, suggestion.second
    if (b.interactions.count(), -b.pk) > (a.interactions.count(), -a.pk):
        a, b = b, a
    try:
        do_merge(a, b, request.user)
    except CommunityError as exc:
        return back(request, url, exc)
    scores.score_brand(request.brand)
    messages.success(
        request, _("Merged into %(name)s. You can undo it from the profile.") % {"name": a}
    )
    return HttpResponseRedirect(url)


@community_view(WRITE)
@require_POST
def merge_with(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = get_in_scope(Member, member_id, merged_into__isnull=True, erased_at__isnull=True)
    other = Member.objects.filter(
        pk=request.POST.get("other") or 0, merged_into__isnull=True, erased_at__isnull=True
    ).first()
    url = _member_url(request, member)
    if other is None:
        return back(request, url, CommunityError(_("Choose the member to merge with.")))
    try:
        do_merge(member, other, request.user)
    except CommunityError as exc:
        return back(request, url, exc)
    scores.score_brand(request.brand)
    messages.success(request, _("Merged. You can undo it below."))
    return HttpResponseRedirect(url)


@community_view(WRITE)
@require_POST
def unmerge(request: AuthedRequest, merge_id: int) -> HttpResponse:
    merge = get_in_scope(Merge, merge_id)
    try:
        absorbed = do_unmerge(merge, request.user)
    except CommunityError as exc:
        return back(
            request, reverse("community:member", args=[request.brand.slug, merge.survivor_id]), exc
        )
    scores.score_brand(request.brand)
    messages.success(request, _("Un-merged: both profiles are back with their own identities."))
    return HttpResponseRedirect(_member_url(request, absorbed))
