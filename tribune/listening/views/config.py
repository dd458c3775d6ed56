"""Queries (with live validation and a preview), sources with health, the on-call
schedule."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.models import BrandRole, User
from tribune.core.audit import record_audit
from tribune.core.crypto import encrypt_text
from tribune.core.http import AuthedRequest
from tribune.listening.forms import OnCallForm, OnCallPersonForm, QueryForm, SourceForm
from tribune.listening.models import OnCallPerson, OnCallSchedule, Query, Source
from tribune.listening.services.delivery import do_test_chat
from tribune.listening.services.queries import do_save_query, preview
from tribune.listening.services.sources import do_create_source
from tribune.listening.views.common import CONFIGURE, get_in_scope, listening_view, require, tabs


@listening_view()
def query_list(request: AuthedRequest) -> HttpResponse:
    queries = Query.objects.filter(brand=request.brand)
    return render(
        request, "listening/queries.html", {**tabs(request, "queries"), "queries": queries}
    )


@listening_view(CONFIGURE)
def query_edit(request: AuthedRequest, query_id: int | None = None) -> HttpResponse:
    query = get_in_scope(Query, query_id) if query_id else Query(brand=request.brand)
    form = QueryForm(request.POST or None, instance=query)
    if request.method == "POST" and form.is_valid():
        do_save_query(form.instance, request.user)
        messages.success(request, _("Query saved."))
        return HttpResponseRedirect(reverse("listening:queries", args=[request.brand.slug]))
    expression = form["expression"].value() or ""
    context = {
        **tabs(request, "queries"),
        "form": form,
        "query": query,
        "preview": preview(request.brand, expression) if expression else None,
    }
    return render(request, "listening/query_edit.html", context)


@listening_view()
def query_preview(request: AuthedRequest) -> HttpResponse:
    """The fragment the query form refreshes while typing: the error, or the recent
    mentions the expression would match."""
    result = preview(request.brand, request.GET.get("expression", "")[:2000])
    return render(request, "listening/_preview.html", {"preview": result})


@listening_view()
def source_list(request: AuthedRequest) -> HttpResponse:
    form = SourceForm(request.POST or None)
    if request.method == "POST":
        require(request, CONFIGURE)
        if form.is_valid():
            do_create_source(
                request.brand,
                request.user,
                kind=form.cleaned_data["kind"],
                url=form.cleaned_data["url"],
                name=form.cleaned_data["name"],
                search=form.cleaned_data.get("search", "").strip(),
            )
            messages.success(request, _("Source added: it will be read within a minute."))
            return HttpResponseRedirect(reverse("listening:sources", args=[request.brand.slug]))
    sources = Source.objects.filter(brand=request.brand)
    return render(
        request,
        "listening/sources.html",
        {**tabs(request, "sources"), "sources": sources, "form": form},
    )


@listening_view(CONFIGURE)
@require_POST
def source_delete(request: AuthedRequest, source_id: int) -> HttpResponse:
    source = get_in_scope(Source, source_id)
    with transaction.atomic():
        record_audit(
            "listening.source_deleted",
            actor=request.user,
            brand=request.brand,
            obj=source,
            before={"url": source.url, "kind": source.kind},
        )
        source.delete()
    return HttpResponseRedirect(reverse("listening:sources", args=[request.brand.slug]))


def _team(request: AuthedRequest) -> list[User]:
    ids = BrandRole.objects.filter(brand=request.brand).values_list("user", flat=True)
    return list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("email"))


@listening_view()
def on_call(request: AuthedRequest) -> HttpResponse:
    schedule, _created = (
        OnCallSchedule.objects.get_or_create(brand=request.brand)
        if request.method == "POST"
        else (
            OnCallSchedule.objects.filter(brand=request.brand).first()
            or OnCallSchedule(brand=request.brand),
            False,
        )
    )
    team = _team(request)
    form = OnCallForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={
            "escalate_after_minutes": schedule.escalate_after_minutes,
            "webhook_url": schedule.webhook_url,
            "matrix_homeserver": schedule.matrix_homeserver,
            "matrix_user_id": schedule.matrix_user_id,
            "xmpp_jid": schedule.xmpp_jid,
            "xmpp_host": schedule.xmpp_host,
            "xmpp_port": schedule.xmpp_port,
            "digest_enabled": schedule.digest_enabled,
            "digest_hour": schedule.digest_hour,
            "quiet_start_hour": schedule.quiet_start_hour,
            "quiet_end_hour": schedule.quiet_end_hour,
        },
    )
    person_form = OnCallPersonForm(request.POST if request.POST.get("form") == "person" else None)
    choices = [(u.pk, u.email) for u in team]
    person_form.fields["user"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST":
        require(request, CONFIGURE)
        with transaction.atomic():
            if form.is_bound and form.is_valid():
                schedule.escalate_after_minutes = form.cleaned_data["escalate_after_minutes"]
                schedule.webhook_url = form.cleaned_data["webhook_url"]
                if form.cleaned_data["webhook_secret"]:
                    schedule.webhook_secret_encrypted = encrypt_text(
                        form.cleaned_data["webhook_secret"]
                    )
                data = form.cleaned_data
                for name in (
                    "matrix_homeserver",
                    "matrix_user_id",
                    "xmpp_jid",
                    "xmpp_host",
                    "xmpp_port",
                    "digest_enabled",
                    "digest_hour",
                    "quiet_start_hour",
                    "quiet_end_hour",
                ):
                    setattr(schedule, name, data[name])
                secrets = dict(schedule.chat_secrets)
                changed = []
                for name in ("matrix_access_token", "xmpp_password"):
                    if data[name]:
                        secrets[name] = data[name]
                        changed.append(name)
                schedule.chat_secrets = secrets
                schedule.save()
                record_audit(
                    "listening.on_call_updated",
                    actor=request.user,
                    brand=request.brand,
                    obj=schedule,
                    # Which secrets changed, never their values.
                    after={
                        "matrix_homeserver": schedule.matrix_homeserver,
                        "xmpp_jid": schedule.xmpp_jid,
                        "secrets_changed": changed,
                        "digest_enabled": schedule.digest_enabled,
                    },
                )
            elif person_form.is_bound and person_form.is_valid():
                data = person_form.cleaned_data
                OnCallPerson.objects.create(
                    brand=request.brand,
                    schedule=schedule,
                    user_id=data["user"],
                    position=OnCallPerson.objects.filter(schedule=schedule).count(),
                    tz=data["tz"],
                    start_hour=data["start_hour"],
                    end_hour=data["end_hour"],
                    matrix_target=data["matrix_target"],
                    xmpp_jid=data["xmpp_jid"],
                )
                record_audit(
                    "listening.on_call_updated",
                    actor=request.user,
                    brand=request.brand,
                    obj=schedule,
                )
            elif request.POST.get("form") == "test":
                results = do_test_chat(request.brand, request.user)
                if not results:
                    messages.warning(
                        request,
                        _("Nobody to test: configure a bot and give people a chat address."),
                    )
                for channel, recipient, error in results:
                    if error:
                        messages.error(
                            request,
                            _("%(channel)s to %(to)s failed: %(error)s")
                            % {"channel": channel, "to": recipient, "error": error},
                        )
                    else:
                        messages.success(
                            request,
                            _("%(channel)s test message sent to %(to)s.")
                            % {"channel": channel, "to": recipient},
                        )
            elif request.POST.get("form") == "remove":
                OnCallPerson.objects.filter(
                    schedule=schedule, pk=request.POST.get("person") or 0
                ).delete()
            else:
                return render(
                    request,
                    "listening/on_call.html",
                    _context(request, schedule, form, person_form),
                    status=400,
                )
        return HttpResponseRedirect(reverse("listening:on_call", args=[request.brand.slug]))
    return render(request, "listening/on_call.html", _context(request, schedule, form, person_form))


def _context(request, schedule, form, person_form) -> dict:  # type: ignore[no-untyped-def]
    people = (
        OnCallPerson.objects.filter(schedule=schedule).select_related("user") if schedule.pk else []
    )
    return {
        **tabs(request, "on_call"),
        "schedule": schedule,
        "form": form,
        "person_form": person_form,
        "people": people,
    }
