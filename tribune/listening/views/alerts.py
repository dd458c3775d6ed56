"""Alerts: list, detail, acknowledge/close, and the one-click link from the page.

The acknowledgement link in emails and chat needs no login (whoever holds the token
may acknowledge, nothing more). Its GET only shows a page with one button: mail
scanners that open links must not acknowledge an alert nobody has read.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope, unscoped
from tribune.listening.models import Alert
from tribune.listening.services.delivery import do_acknowledge, do_close_alert
from tribune.listening.views.common import get_in_scope, listening_view, require, tabs


@listening_view()
def alert_list(request: AuthedRequest) -> HttpResponse:
    alerts = Alert.objects.filter(brand=request.brand).select_related("query", "crisis")
    status = request.GET.get("status", "open")
    if status == "open":
        alerts = alerts.filter(status__in=Alert.OPEN)
    return render(
        request,
        "listening/alerts.html",
        {**tabs(request, "alerts"), "alerts": alerts[:200], "status": status},
    )


@listening_view()
def alert_detail(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = get_in_scope(Alert, alert_id)
    return render(
        request,
        "listening/alert.html",
        {**tabs(request, "alerts"), "alert": alert, "deliveries": alert.deliveries.all()},
    )


@listening_view()
@require_POST
def alert_action(request: AuthedRequest, alert_id: int, alert_op: str) -> HttpResponse:
    require(request, Cap.MODERATE)
    if alert_op not in ("ack", "close"):
        raise Http404
    alert = get_in_scope(Alert, alert_id)
    if alert_op == "ack":
        if do_acknowledge(alert, request.user.email):
            messages.success(request, _("Alert acknowledged: it will not page anyone again."))
    elif alert.is_open:
        do_close_alert(alert, request.user)
        messages.success(request, _("Alert closed."))
    return HttpResponseRedirect(reverse("listening:alert", args=[request.brand.slug, alert.pk]))


def acknowledge_by_token(request: HttpRequest, token: str) -> HttpResponse:
    with unscoped():
        alert = Alert.objects.select_related("brand", "query").filter(ack_token=token).first()
    if alert is None or len(token) < 20:
        raise Http404
    done = False
    with brand_scope(alert.brand):
        if request.method == "POST":
            by = request.user.email if request.user.is_authenticated else _("acknowledgement link")
            done = do_acknowledge(alert, by)
            alert.refresh_from_db()
    return render(request, "listening/ack.html", {"alert": alert, "done": done})
