"""Saved replies of a brand (French and English), with {name} and {brand}."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.roles import Cap
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest
from tribune.inbox.forms import SavedReplyForm
from tribune.inbox.models import SavedReply
from tribune.inbox.views.common import get_in_scope, inbox_view, require, tabs_context


def _list_url(request: AuthedRequest) -> str:
    return reverse("inbox:saved_replies", args=[request.brand.slug])


def _save(request: AuthedRequest, form: SavedReplyForm) -> bool:
    saved = form.save(commit=False)
    saved.brand = request.brand
    if saved.created_by_id is None:
        saved.created_by = request.user
    try:
        with transaction.atomic():
            saved.save()
            record_audit(
                "inbox.saved_reply_saved",
                actor=request.user,
                brand=request.brand,
                obj=saved,
                after={"title": saved.title, "language": saved.language},
            )
    except IntegrityError:
        form.add_error("title", _("A saved reply with this title exists in this language."))
        return False
    messages.success(request, _("Saved reply “%(title)s” saved.") % {"title": saved.title})
    return True


@inbox_view(Cap.VIEW)
def saved_replies(request: AuthedRequest) -> HttpResponse:
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST":
        require(request, Cap.MODERATE)
        if form.is_valid() and _save(request, form):
            return HttpResponseRedirect(_list_url(request))
    return render(
        request,
        "inbox/saved_replies.html",
        {
            "form": form,
            "rows": SavedReply.objects.filter(brand=request.brand),
            **tabs_context(request, "saved"),
        },
    )


@inbox_view(Cap.MODERATE)
def saved_reply_edit(request: AuthedRequest, saved_reply_id: int) -> HttpResponse:
    saved = get_in_scope(SavedReply, saved_reply_id)
    form = SavedReplyForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        return HttpResponseRedirect(_list_url(request))
    return render(
        request,
        "inbox/saved_reply_edit.html",
        {"form": form, "saved": saved, **tabs_context(request, "saved")},
    )


@inbox_view(Cap.MODERATE)
@require_POST
def saved_reply_delete(request: AuthedRequest, saved_reply_id: int) -> HttpResponse:
    saved = get_in_scope(SavedReply, saved_reply_id)
    with transaction.atomic():
        record_audit(
            "inbox.saved_reply_deleted",
            actor=request.user,
            brand=request.brand,
            obj=saved,
            before={"title": saved.title},
        )
        saved.delete()
    messages.success(request, _("Saved reply deleted."))
    return HttpResponseRedirect(_list_url(request))
