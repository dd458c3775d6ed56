from __future__ import annotations

from datetime import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest
from tribune.networks.models import SocialAccount
from tribune.publishing.models import QueueSlot
from tribune.publishing.timing import best_hours, next_free_slot


def _add(request: AuthedRequest, account: SocialAccount) -> None:
    try:
        weekdays = [int(d) for d in request.POST.getlist("weekday")]
        at = time.fromisoformat(request.POST.get("time", ""))
        if not weekdays or any(not 0 <= d <= 6 for d in weekdays):
            raise ValueError
    except ValueError:
        messages.error(request, _("Choose at least one day and a time such as 09:30."))
        return
    added = 0
    for day in weekdays:
        try:
            with transaction.atomic():
                QueueSlot.objects.create(
                    brand=request.brand,
                    account=account,
                    weekday=day,
                    time=at.replace(second=0, microsecond=0),
                )
                added += 1
        except IntegrityError:
            continue  # that slot already exists
    record_audit(
        "queue.slots_added",
        actor=request.user,
        brand=request.brand,
        obj=account,
        after={"weekdays": weekdays, "time": at.isoformat()},
    )
    messages.success(request, _("%(n)d slots added.") % {"n": added})


@brand_view(Cap.VIEW)
def slots(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = SocialAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise Http404(_("No such account."))
    if request.method == "POST":
        if not request.access.can(Cap.DRAFT):
            raise PermissionDenied(_("Your role does not allow planning posts."))
        if "remove" in request.POST:
            QueueSlot.objects.filter(account=account, pk=request.POST["remove"]).delete()
        else:
            _add(request, account)
        return redirect("publishing:slots", brand_slug=request.brand.slug, account_id=account.pk)
    return render(
        request,
        "publishing/slots.html",
        {
            "account": account,
            "slots": QueueSlot.objects.filter(account=account),
            "weekdays": sorted(WEEKDAYS.items()),
            "best": best_hours(request.brand, account),
            "next_slot": next_free_slot(request.brand, [account]),
            "can_edit": request.access.can(Cap.DRAFT),
        },
    )
