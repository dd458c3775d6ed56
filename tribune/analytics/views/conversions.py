"""Conversion goals, the endpoint's secret, CSV import (brand pages) and the public
endpoint and pixel sites call (no session: a signature or a goal that allows the pixel)."""

from __future__ import annotations

import base64
import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tribune.analytics import conversions as service
from tribune.analytics.csvimport import import_csv
from tribune.analytics.forms import GoalForm, ImportForm
from tribune.analytics.models import Conversion, ConversionEndpoint, ConversionGoal
from tribune.analytics.views.common import (
    CONFIGURE,
    TABS,
    analytics_view,
    get_in_scope,
    require,
)
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope, unscoped

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
MAX_BODY = 64 * 1024


@analytics_view()
def conversions(request: AuthedRequest) -> HttpResponse:
    brand = request.brand
    can_configure = request.access.can(CONFIGURE)
    endpoint = service.endpoint_for(brand) if can_configure else None
    context = {
        "tab": "conversions",
        "tabs": TABS,
        "goals": ConversionGoal.objects.filter(brand=brand).select_related("campaign"),
        "recent": Conversion.objects.filter(brand=brand).select_related(
            "goal", "account", "variant__post"
        )[:50],
        "can_configure": can_configure,
        "endpoint": endpoint,
        "endpoint_url": request.build_absolute_uri(
            reverse("analytics:hook", args=[endpoint.public_id])
        )
        if endpoint
        else "",
        "pixel_url": request.build_absolute_uri(
            reverse("analytics:pixel", args=[endpoint.public_id, "GOAL"])
        )
        if endpoint
        else "",
        "import_form": ImportForm(),
        "import_result": None,
    }
    if request.method == "POST" and can_configure:
        form = ImportForm(request.POST, request.FILES)
        context["import_form"] = form
        if form.is_valid():
            result = import_csv(brand, form.cleaned_data["file"].read(), request.user)
            context["import_result"] = result
            if result.ok:
                messages.success(
                    request,
                    _("%(created)s conversions imported, %(already)s already recorded.")
                    % {"created": result.created, "already": result.already},
                )
    elif request.method == "POST":
        require(request, CONFIGURE)
    return render(request, "analytics/conversions.html", context)


@analytics_view(CONFIGURE)
def goal_edit(request: AuthedRequest, goal_id: int | None = None) -> HttpResponse:
    goal = get_in_scope(ConversionGoal, goal_id) if goal_id else ConversionGoal(brand=request.brand)
    form = GoalForm(request.POST or None, instance=goal, brand=request.brand)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        record_audit(
            "analytics.goal_saved",
            actor=request.user,
            brand=request.brand,
            obj=saved,
            after={"key": saved.key, "window_days": saved.window_days},
        )
        messages.success(request, _("Goal saved."))
        return redirect("analytics:conversions", brand_slug=request.brand.slug)
    return render(
        request,
        "analytics/goal_edit.html",
        {"form": form, "goal": goal, "tab": "conversions", "tabs": TABS},
    )


@analytics_view(CONFIGURE)
@require_POST
def rotate_secret(request: AuthedRequest) -> HttpResponse:
    service.do_rotate_secret(request.brand, request.user)
    messages.success(request, _("A new secret was generated; the old one no longer works."))
    return redirect("analytics:conversions", brand_slug=request.brand.slug)


# --- public ------------------------------------------------------------------------------
def _endpoint(public_id: str) -> ConversionEndpoint:
    with unscoped():
        endpoint = (
            ConversionEndpoint.objects.select_related("brand").filter(public_id=public_id).first()
        )
    if endpoint is None:
        raise Http404
    return endpoint


@csrf_exempt
@never_cache
def hook(request: HttpRequest, public_id: str) -> HttpResponse:
    """``POST`` one conversion as JSON, signed with the brand's secret (see docs)."""
    if request.method != "POST":
        return JsonResponse({"error": "Use POST."}, status=405)
    endpoint = _endpoint(public_id)
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return JsonResponse({"error": "The body is larger than 64 KB."}, status=413)
    try:
        service.check_signature(
            endpoint,
            request.headers.get(service.TIMESTAMP_HEADER, ""),
            request.headers.get(service.SIGNATURE_HEADER, ""),
            body,
        )
    except service.ConversionError as exc:
        return JsonResponse({"error": str(exc)}, status=401)
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": "The body must be a JSON object."}, status=400)
    with brand_scope(endpoint.brand):
        try:
            clean = service.check_payload(endpoint.brand, data)
        except service.ConversionError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        recorded = service.do_record(endpoint.brand, clean, Conversion.Source.API)
    conversion = recorded.conversion
    return JsonResponse(
        {
            "id": conversion.pk,
            "duplicate": not recorded.created,
            "attributed": conversion.click_id is not None,
            "account": conversion.account_id,
            "utm_campaign": conversion.utm_campaign,
        },
        status=201 if recorded.created else 200,
    )


@never_cache
def pixel(request: HttpRequest, public_id: str, goal_key: str) -> HttpResponse:
    """``<img src=…/pixel/<id>/<goal>.gif?k=<order id>&tclid=…>``: records once per key.

    Pixels cannot be signed: a goal accepts them only when ``pixel_enabled``; the answer
    is the same transparent GIF whatever happened, so it reveals nothing."""
    endpoint = _endpoint(public_id)
    with brand_scope(endpoint.brand):
        goal = ConversionGoal.objects.filter(
            brand=endpoint.brand, key=goal_key, pixel_enabled=True
        ).first()
        key = request.GET.get("k", "").strip()
        if goal is not None and key:
            try:
                clean = service.check_payload(
                    endpoint.brand,
                    {
                        "goal": goal.key,
                        "idempotency_key": f"pixel:{key}",
                        "click_id": request.GET.get("tclid", ""),
                        "value": request.GET.get("v", ""),
                    },
                )
                service.do_record(endpoint.brand, clean, Conversion.Source.PIXEL)
            except service.ConversionError:
                pass
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
