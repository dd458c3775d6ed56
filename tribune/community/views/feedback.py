"""Feedback: list with filters and trends, manual entry, collection from inbox and
listening, topic labels, CSV export and a read-only page to share (signed link)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.models import Brand
from tribune.community import tokens
from tribune.community.forms import FeedbackForm
from tribune.community.models import Feedback
from tribune.community.services import feedback as svc
from tribune.community.services.members import CommunityError
from tribune.community.views.common import WRITE, back, community_view, tabs
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope

FILTERS = ("category", "sentiment", "source", "topic")


def _filters(data: object) -> dict[str, str]:
    return {k: str(data.get(k, ""))[:200] for k in FILTERS if data.get(k)}  # type: ignore[attr-defined]


def _context(rows: object, filters: dict[str, str]) -> dict[str, object]:
    return {
        "items": rows[:200],  # type: ignore[index]
        "total": rows.count(),  # type: ignore[attr-defined]
        "trends": svc.trends(rows),
        "topics": svc.topic_summary(rows),
        "filters": filters,
        "categories": Feedback.Category.choices,
        "sources": Feedback.Source.choices,
    }


@community_view()
def feedback_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request.GET)
    rows = svc.filtered(filters)
    share = request.session.pop("community_share_url", "")
    return render(
        request,
        "community/feedback.html",
        {
            **tabs(request, "feedback"),
            **_context(rows, filters),
            "form": FeedbackForm(),
            "share_url": share,
        },
    )


@community_view(WRITE)
@require_POST
def feedback_add(request: AuthedRequest) -> HttpResponse:
    return _feedback_action(request, "add")


@community_view(WRITE)
@require_POST
def feedback_collect(request: AuthedRequest) -> HttpResponse:
    return _feedback_action(request, "collect")


@community_view(WRITE)
@require_POST
def feedback_share(request: AuthedRequest) -> HttpResponse:
    return _feedback_action(request, "share")


def _feedback_action(request: AuthedRequest, feedback_op: str) -> HttpResponse:
    url = reverse("community:feedback", args=[request.brand.slug])
    try:
        if feedback_op == "add":
            form = FeedbackForm(request.POST)
            if not form.is_valid():
                raise CommunityError(_("Write the feedback."))
            svc.do_add_feedback(request.brand, request.user, source="manual", **form.cleaned_data)
            messages.success(request, _("Feedback added."))
        elif feedback_op == "collect":
            found = svc.collect(request.brand)
            topics = svc.label_topics(request.brand)
            messages.success(
                request,
                _("%(n)d new items collected; %(t)d topics.") % {"n": found, "t": topics},
            )
        elif feedback_op == "share":
            filters = _filters(request.POST)
            token = tokens.make_share(request.brand.pk, filters)
            record_audit(
                "community.feedback_shared", actor=request.user, brand=request.brand, after=filters
            )
            request.session["community_share_url"] = settings.SITE_URL + reverse(
                "community:feedback_shared", args=[token]
            )
            messages.success(request, _("Read-only link created (valid 90 days)."))
        else:
            raise CommunityError(_("Unknown action."))
    except CommunityError as exc:
        return back(request, url, exc)
    return HttpResponseRedirect(url)


@community_view()
def feedback_csv(request: AuthedRequest) -> HttpResponse:
    rows = svc.filtered(_filters(request.GET))
    response = HttpResponse(
        svc.export_csv(rows, with_authors=request.access.can(WRITE)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    return response


def feedback_shared(request: HttpRequest, token: str) -> HttpResponse:
    """Read-only, without authors (no personal data leaves through a shared link)."""
    data = tokens.read_share(token)
    if data is None:
        raise Http404
    brand = Brand.objects.filter(pk=data["b"]).first()
    if brand is None:
        raise Http404
    with brand_scope(brand):
        filters = {k: v for k, v in data.get("f", {}).items() if k in FILTERS}
        rows = svc.filtered(filters)
        response = render(
            request, "community/public/feedback.html", {"brand": brand, **_context(rows, filters)}
        )
    response["X-Robots-Tag"] = "noindex"
    return response
