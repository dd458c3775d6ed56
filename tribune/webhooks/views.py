"""Integrations screen of a brand: webhooks and their delivery log, imports, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.networks.models import SocialAccount
from tribune.webhooks import services
from tribune.webhooks.forms import ImportForm, SubscriptionForm
from tribune.webhooks.models import EVENTS, Delivery, Subscription


def _require(request: AuthedRequest, cap: Cap) -> None:
    if not request.access.can(cap):
        raise PermissionDenied(_("Your role on this brand does not allow this."))


def _get(model: Any, pk: int) -> Any:
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@brand_view(Cap.VIEW)
def overview(request: AuthedRequest) -> HttpResponse:
    access = request.access
    can_hooks = access.can(Cap.ACCOUNTS)
    return render(
        request,
        "webhooks/overview.html",
        {
            "can_hooks": can_hooks,
            "can_import": access.can(Cap.DRAFT),
            "can_export": access.can(Cap.STRATEGY),
            "subscriptions": Subscription.objects.filter(brand=request.brand) if can_hooks else [],
            "deliveries": Delivery.objects.filter(brand=request.brand).select_related(
                "subscription"
            )[:50]
            if can_hooks
            else [],
            "import_form": ImportForm(accounts=SocialAccount.objects.filter(brand=request.brand)),
            "events": EVENTS,
        },
    )


@brand_view(Cap.ACCOUNTS)
def create(request: AuthedRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sub, secret = services.do_create_subscription(
                request.brand,
                request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except services.WebhookError as exc:
            form.add_error("url", str(exc))
        else:
            return render(request, "webhooks/created.html", {"subscription": sub, "secret": secret})
    return render(request, "webhooks/form.html", {"form": form})


@brand_view(Cap.ACCOUNTS)
def subscription_detail(request: AuthedRequest, subscription_id: int) -> HttpResponse:
    sub = _get(Subscription, subscription_id)
    deliveries = sub.deliveries.all()[:100]
    return render(
        request, "webhooks/subscription.html", {"subscription": sub, "deliveries": deliveries}
    )


@brand_view(Cap.ACCOUNTS)
@require_POST
def subscription_action(
    request: AuthedRequest, subscription_id: int, webhook_op: str
) -> HttpResponse:
    if webhook_op not in {"ping", "enable", "disable", "delete"}:
        raise Http404
    sub = _get(Subscription, subscription_id)
    if webhook_op == "delete":
        services.do_delete_subscription(sub, request.user)
        messages.success(request, _("Webhook deleted."))
        return redirect("webhooks:overview", brand_slug=request.brand.slug)
    if webhook_op == "ping":
        services.do_ping(sub, request.user)
        messages.success(request, _("Test event queued; it appears in the log in a moment."))
    else:
        services.do_set_active(sub, request.user, webhook_op == "enable")
        messages.success(
            request, _("Webhook enabled.") if webhook_op == "enable" else _("Webhook paused.")
        )
    return redirect("webhooks:subscription", brand_slug=request.brand.slug, subscription_id=sub.pk)


@brand_view(Cap.ACCOUNTS)
def delivery_detail(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _get(Delivery, delivery_id)
    return render(
        request,
        "webhooks/delivery.html",
        {"delivery": delivery, "attempts": delivery.attempt_log.all()},
    )


@brand_view(Cap.ACCOUNTS)
@require_POST
def replay(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = _get(Delivery, delivery_id)
    copy = services.do_replay(delivery, request.user)
    messages.success(request, _("Delivery queued again."))
    return redirect("webhooks:delivery", brand_slug=request.brand.slug, delivery_id=copy.pk)


@brand_view(Cap.DRAFT)
@require_POST
def import_file(request: AuthedRequest) -> HttpResponse:
    from tribune.transfer.imports import DEFAULT_CAP, KIND_CAPS, ImportFailed, run_import

    accounts = SocialAccount.objects.filter(brand=request.brand)
    form = ImportForm(request.POST, request.FILES, accounts=accounts)
    report = None
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        _require(request, KIND_CAPS.get(kind, DEFAULT_CAP))
        account_id = form.cleaned_data["account"]
        account = accounts.filter(pk=account_id).first() if account_id else None
        try:
            report = run_import(
                request.brand,
                request.user,
                kind,
                form.cleaned_data["file"],
                account=account,
            )
        except ImportFailed as exc:
            report = exc.report
    return render(request, "webhooks/import_result.html", {"form": form, "report": report})


@brand_view(Cap.STRATEGY)
def export_brand(request: AuthedRequest) -> FileResponse:
    from tribune.transfer.exports import export_brand_zip

    data = export_brand_zip(request.brand, request.user)
    response = FileResponse(
        iter([data]),
        content_type="application/zip",
        as_attachment=True,
        filename=f"tribune-{request.brand.slug}.zip",
    )
    return response
