"""The queue of one brand, the cross-brand queue of agencies, and bulk changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brands_for_user
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope
from tribune.inbox import queries
from tribune.inbox.forms import QueueFilterForm
from tribune.inbox.models import Thread
from tribune.inbox.services.triage import TriageError, check_assignee, do_bulk
from tribune.inbox.views.common import inbox_view, tabs_context

FILTER_KEYS = (
    "status",
    "brand",
    "network",
    "account",
    "sentiment",
    "language",
    "assignee",
    "tag",
    "question",
    "vip",
    "flagged",
    "late",
)


def filter_querystring(params: Any) -> str:
    """The queue's filters (not the page cursor), to carry to thread pages and back."""
    return urlencode([(k, v) for k in FILTER_KEYS for v in params.getlist(k) if v])


def _page(request: AuthedRequest, brands: list) -> dict[str, Any]:
    form = QueueFilterForm(request.GET or None, brands=brands)
    filters = form.filters()
    rows, cursor = queries.page(filters, request.user.pk)
    # to_attr: one list per row, without building a related manager and queryset per row
    prefetch_related_objects(rows, Prefetch("tags", to_attr="tag_list"))
    qs = filter_querystring(request.GET)
    return {
        "form": form,
        "rows": rows,
        "older": f"?{qs}&before={cursor}" if cursor else "",
        "qs": qs,
        "filters": filters,
        "is_first_page": filters.before is None,
    }


@inbox_view(Cap.VIEW)
def queue_view(request: AuthedRequest) -> HttpResponse:
    context = _page(request, [request.brand])
    context.update(tabs_context(request, "queue"))
    context["people"] = context["form"].people
    context["tags"] = context["form"].tags
    return render(request, "inbox/queue.html", context)


@login_required
def agency_queue(request: AuthedRequest) -> HttpResponse:
    """Every brand the person may see, in one queue (links open each brand's thread)."""
    brands = list(brands_for_user(request.user))
    with brand_scope(*brands):
        context = _page(request, brands)
        context["brands"] = brands
        return render(request, "inbox/agency_queue.html", context)


@inbox_view(Cap.MODERATE)
@require_POST
def bulk(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("threads") if i.isdigit()]
    op = request.POST.get("op", "")
    back = reverse("inbox:queue", args=[request.brand.slug])
    qs = request.POST.get("qs", "")
    target = f"{back}?{qs}" if qs and "//" not in qs else back
    threads = list(Thread.objects.filter(pk__in=ids).select_related("account__brand"))
    if not threads:
        messages.error(request, _("Select at least one conversation."))
        return HttpResponseRedirect(target)
    try:
        assignee = None
        if op == "assign-me":
            op, assignee = "assign", request.user
        elif op == "assign":
            value = request.POST.get("assignee", "")
            assignee = check_assignee(request.brand, int(value)) if value.isdigit() else None
        count = do_bulk(
            threads, request.user, op, assignee=assignee, tag=request.POST.get("tag", "")
        )
    except TriageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)d conversations updated.") % {"count": count})
    return HttpResponseRedirect(target)
