"""Events for the team (list, create, invite, check-in, survey, iCal) and for members
(RSVP by signed link, ticket QR code, survey answer)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_access
from tribune.accounts.roles import Cap
from tribune.community.forms import EventForm, InviteForm
from tribune.community.models import Event, Invitation, Segment
from tribune.community.services import events as svc
from tribune.community.services.members import CommunityError
from tribune.community.services.segments import segment_members
from tribune.community.views.common import WRITE, back, community_view, get_in_scope, tabs
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope


@community_view()
def event_list(request: AuthedRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST":
        if not request.access.can(WRITE):
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                event = svc.do_create_event(request.brand, request.user, form.cleaned_data)
            except CommunityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Event created: now invite members."))
                return HttpResponseRedirect(
                    reverse("community:event", args=[request.brand.slug, event.pk])
                )
    now = timezone.now()
    events = list(Event.objects.all())
    return render(
        request,
        "community/events.html",
        {
            **tabs(request, "events"),
            "upcoming": [e for e in events if e.ends_at >= now][::-1],
            "past": [e for e in events if e.ends_at < now],
            "form": form,
        },
    )


@community_view()
def event_detail(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = get_in_scope(Event, event_id)
    invitations = Invitation.objects.filter(event=event).select_related("member")
    return render(
        request,
        "community/event.html",
        {
            **tabs(request, "events"),
            "event": event,
            "invitations": invitations,
            "stats": svc.event_stats(event),
            "invite_form": InviteForm(),
            "segments": Segment.objects.all(),
        },
    )


@community_view(WRITE)
@require_POST
def event_action(request: AuthedRequest, event_id: int, event_op: str) -> HttpResponse:
    event = get_in_scope(Event, event_id)
    url = reverse("community:event", args=[request.brand.slug, event.pk])
    try:
        if event_op == "invite":
            form = InviteForm(request.POST)
            if not form.is_valid():
                raise CommunityError(_("Choose how many top members, or a segment."))
            members = []
            if form.cleaned_data.get("top"):
                members += svc.top_members(form.cleaned_data["top"])
            if form.cleaned_data.get("segment"):
                segment = get_in_scope(Segment, form.cleaned_data["segment"])
                members += list(segment_members(segment))
            if not members:
                raise CommunityError(_("Choose how many top members, or a segment."))
            counts = svc.do_invite(event, members, request.user)
            messages.success(
                request,
                _(
                    "%(invited)d invited, %(emailed)d by email; %(no_email)d without email "
                    "or consent, to reach another way."
                )
                % counts,
            )
        elif event_op == "survey":
            sent = svc.do_send_survey(event, request.user)
            messages.success(request, _("Survey sent to %(n)d attendees.") % {"n": sent})
        else:
            raise CommunityError(_("Unknown action."))
    except CommunityError as exc:
        return back(request, url, exc)
    return HttpResponseRedirect(url)


@community_view(WRITE)
@require_POST
def check_in(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = get_in_scope(Invitation, invitation_id)
    url = reverse("community:event", args=[request.brand.slug, invitation.event_id])
    if request.POST.get("undo"):
        svc.do_undo_check_in(invitation, request.user)
        messages.success(request, _("Check-in undone."))
    elif svc.do_check_in(invitation, request.user):
        messages.success(request, _("%(name)s checked in.") % {"name": invitation.member})
    return HttpResponseRedirect(url + f"#inv-{invitation.pk}")


@community_view()
def event_ical(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = get_in_scope(Event, event_id)
    response = HttpResponse(
        svc.ical([event], request.brand), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# Pages reached from emails, without an account: the signed token is the key.


def _invitation(purpose: str, token: str) -> Invitation:
    invitation = svc.invitation_by_token(purpose, token)
    if invitation is None or invitation.member.erased_at:
        raise Http404
    return invitation


def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation("rsvp", token)
    with brand_scope(invitation.brand), timezone.override(invitation.brand.tz):
        error = ""
        if request.method == "POST":
            answer = request.POST.get("answer")
            if answer in ("yes", "no"):
                try:
                    invitation = svc.do_rsvp(invitation, answer == "yes")
                except CommunityError as exc:
                    error = str(exc)
                else:
                    return HttpResponseRedirect(request.path)
            else:
                error = _("Choose yes or no.")
        return render(
            request,
            "community/public/rsvp.html",
            {
                "invitation": invitation,
                "event": invitation.event,
                "brand": invitation.brand,
                "token": token,
                "checkin_token": svc.tokens.make("checkin", invitation.pk),
                "error": error,
            },
        )


def ticket_qr(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation("rsvp", token)
    if invitation.status != Invitation.Status.GOING:
        raise Http404
    response = HttpResponse(svc.qr_svg(svc.checkin_url(invitation)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def invitation_ical(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation("rsvp", token)
    with brand_scope(invitation.brand):
        body = svc.ical([invitation.event], invitation.brand)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="event.ics"'
    return response


@login_required
def checkin_scan(request: HttpRequest, token: str) -> HttpResponse:
    """What the QR code opens on a team member's phone: confirm, then check in."""
    invitation = _invitation("checkin", token)
    access = brand_access(request.user, invitation.brand)  # type: ignore[arg-type]
    if access is None or not access.can(Cap.COMMUNITY):
        raise Http404
    with brand_scope(invitation.brand):
        done = False
        if request.method == "POST":
            done = svc.do_check_in(invitation, request.user) or True  # type: ignore[arg-type]
        return render(
            request,
            "community/public/checkin.html",
            {
                "invitation": invitation,
                "event": invitation.event,
                "done": done or bool(invitation.checked_in_at),
            },
        )


def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation("survey", token)
    with brand_scope(invitation.brand):
        error = ""
        if request.method == "POST" and not invitation.survey_answered_at:
            raw = request.POST.get("rating", "")
            try:
                svc.do_answer_survey(
                    invitation, int(raw) if raw.isdigit() else None, request.POST.get("answer", "")
                )
            except CommunityError as exc:
                error = str(exc)
            else:
                return HttpResponseRedirect(request.path)
        return render(
            request,
            "community/public/survey.html",
            {
                "invitation": invitation,
                "event": invitation.event,
                "brand": invitation.brand,
                "error": error,
            },
        )
