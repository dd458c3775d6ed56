"""Crisis playbooks and crisis rooms. Anyone who moderates (CMs included) can open a
room and write in its timeline; strategists edit playbooks, assign and change status."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.strategy.forms.editorial import (
    AssignForm,
    CrisisEntryForm,
    CrisisStatusForm,
    OpenCrisisForm,
    PlaybookForm,
)
from tribune.strategy.models import Crisis, CrisisEntry, Playbook
from tribune.strategy.services.charter import current_rules
from tribune.strategy.services.common import do_save
from tribune.strategy.services.crisis import (
    do_add_crisis_entry,
    do_assign_crisis,
    do_open_crisis,
    do_set_crisis_status,
)
from tribune.strategy.views.common import can, get_in_scope, page, require, strategy_view

PLAYBOOK_FIELDS = ["name", "trigger", "steps", "contacts", "holding_statements", "is_default"]


@strategy_view(Cap.VIEW)
def crisis(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    playbooks = Playbook.objects.filter(brand=brand)
    form = OpenCrisisForm(playbooks=playbooks)
    if request.method == "POST":
        require(request, Cap.MODERATE)
        form = OpenCrisisForm(request.POST, playbooks=playbooks)
        if form.is_valid():
            data = form.cleaned_data
            room = do_open_crisis(
                brand,
                data["title"],
                Crisis.Source.MANUAL,
                request.user,
                severity=data["severity"],
                playbook=data["playbook"],
            )
            return redirect("strategy:crisis_room", brand.slug, room.pk)
    return page(
        request,
        "strategy/crisis.html",
        "crisis",
        playbooks=playbooks,
        crises=Crisis.objects.filter(brand=brand).select_related("playbook"),
        form=form,
        can_open=can(request, Cap.MODERATE),
    )


@strategy_view(Cap.STRATEGY)
def playbook_new(request: HttpRequest) -> HttpResponse:
    return _playbook_form(request, None)


@strategy_view(Cap.STRATEGY)
def playbook_edit(request: HttpRequest, playbook_id: int) -> HttpResponse:
    return _playbook_form(request, get_in_scope(Playbook, playbook_id))


def _playbook_form(request: HttpRequest, playbook: Playbook | None) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    back = reverse("strategy:crisis", args=[brand.slug])
    form = PlaybookForm(request.POST or None, instance=playbook, brand=brand)
    if request.method == "POST" and form.is_valid():
        do_save(form.save(), actor=request.user, fields=PLAYBOOK_FIELDS, action="playbook")
        messages.success(request, _("Playbook saved."))
        return redirect(back)
    title = playbook.name if playbook else _("New playbook")
    return page(request, "strategy/form_page.html", "crisis", form=form, title=title, back=back)


@strategy_view(Cap.VIEW)
def crisis_room(request: HttpRequest, crisis_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    room = get_in_scope(Crisis, crisis_id)
    entry_form = CrisisEntryForm()
    status_form = CrisisStatusForm(initial={"status": room.status})
    assign_form = AssignForm(brand=brand, initial={"people": room.assignees.all()})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "entry":
            require(request, Cap.MODERATE)
            entry_form = CrisisEntryForm(request.POST)
            if entry_form.is_valid():
                do_add_crisis_entry(room, request.user, entry_form.cleaned_data["text"])
                return redirect(request.path)
        elif action == "status":
            require(request, Cap.STRATEGY)
            status_form = CrisisStatusForm(request.POST)
            if status_form.is_valid():
                do_set_crisis_status(room, status_form.cleaned_data["status"], request.user)
                return redirect(request.path)
        elif action == "assign":
            require(request, Cap.STRATEGY)
            assign_form = AssignForm(request.POST, brand=brand)
            if assign_form.is_valid():
                do_assign_crisis(room, list(assign_form.cleaned_data["people"]), request.user)
                return redirect(request.path)
        else:
            return HttpResponseBadRequest()
    statuses = dict(Crisis.Status.choices)
    entries = list(room.entries.select_related("author"))
    for entry in entries:  # system entries store codes; show them in the reader's language
        if entry.kind == CrisisEntry.Kind.STATUS:
            entry.data = {k: statuses.get(v, v) for k, v in entry.data.items()}
    try:
        contacts = current_rules(brand).escalation_contacts
    except ValueError:
        contacts = ()
    return page(
        request,
        "strategy/crisis_room.html",
        "crisis",
        room=room,
        entries=entries,
        assignees=room.assignees.all(),
        contacts=contacts,
        entry_form=entry_form,
        status_form=status_form,
        assign_form=assign_form,
        can_write=can(request, Cap.MODERATE),
        can_lead=can(request, Cap.STRATEGY),
    )
