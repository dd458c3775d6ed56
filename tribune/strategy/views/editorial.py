"""Editorial line, content pillars and audience personas."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.strategy import document
from tribune.strategy.forms.editorial import EditorialLineForm, PersonaForm, PillarForm
from tribune.strategy.models import ContentPillar, EditorialLine, Persona
from tribune.strategy.services.common import do_delete, do_save
from tribune.strategy.services.editorial import do_save_editorial_line
from tribune.strategy.services.objectives import (
    PERSONA_FIELDS,
    PILLAR_FIELDS,
    pillar_share_error,
)
from tribune.strategy.views.common import get_in_scope, page, require, strategy_view


def _save_pillar(request: HttpRequest, form: PillarForm) -> bool:
    pillar = form.save()
    error = pillar_share_error(request.brand, pillar)  # type: ignore[attr-defined]
    if error:
        form.add_error("share_target", error)
        return False
    do_save(pillar, actor=request.user, fields=PILLAR_FIELDS, action="pillar")
    return True


@strategy_view(Cap.VIEW)
def editorial(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    line = EditorialLine.objects.filter(brand=brand).first()
    # Three forms on one page: distinct element ids (auto_id), same field names.
    line_form = EditorialLineForm(initial={"text": line.text if line else ""}, auto_id="line_%s")
    pillar_form = PillarForm(brand=brand, auto_id="pillar_%s")
    persona_form = PersonaForm(brand=brand, auto_id="persona_%s")
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        action = request.POST.get("action")
        if action == "line":
            line_form = EditorialLineForm(request.POST, auto_id="line_%s")
            if line_form.is_valid():
                do_save_editorial_line(brand, request.user, line_form.cleaned_data["text"])
                messages.success(request, _("Editorial line saved."))
                return redirect(request.path)
        elif action == "pillar":
            pillar_form = PillarForm(request.POST, brand=brand, auto_id="pillar_%s")
            if pillar_form.is_valid() and _save_pillar(request, pillar_form):
                messages.success(request, _("Content pillar added."))
                return redirect(request.path)
        elif action == "persona":
            persona_form = PersonaForm(request.POST, brand=brand, auto_id="persona_%s")
            if persona_form.is_valid():
                do_save(
                    persona_form.save(), actor=request.user, fields=PERSONA_FIELDS, action="persona"
                )
                messages.success(request, _("Persona added."))
                return redirect(request.path)
        else:
            return HttpResponseBadRequest()
    pillars = list(ContentPillar.objects.filter(brand=brand))
    return page(
        request,
        "strategy/editorial.html",
        "editorial",
        line=line,
        line_html=mark_safe(document.sanitize(line.html)) if line else "",  # noqa: S308
        line_form=line_form,
        pillars=pillars,
        pillar_total=sum(p.share_target for p in pillars),
        personas=Persona.objects.filter(brand=brand),
        pillar_form=pillar_form,
        persona_form=persona_form,
    )


@strategy_view(Cap.STRATEGY)
def pillar_edit(request: HttpRequest, pillar_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    pillar = get_in_scope(ContentPillar, pillar_id)
    back = reverse("strategy:editorial", args=[brand.slug])
    form = PillarForm(request.POST or None, instance=pillar, brand=brand)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            do_delete(pillar, actor=request.user, fields=PILLAR_FIELDS, action="pillar")
            messages.success(request, _("Content pillar removed."))
            return redirect(back)
        if form.is_valid() and _save_pillar(request, form):
            messages.success(request, _("Content pillar saved."))
            return redirect(back)
    context = {"form": form, "title": pillar.name, "back": back, "deletable": True}
    return page(request, "strategy/form_page.html", "editorial", **context)


@strategy_view(Cap.STRATEGY)
def persona_edit(request: HttpRequest, persona_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    persona = get_in_scope(Persona, persona_id)
    back = reverse("strategy:editorial", args=[brand.slug])
    form = PersonaForm(request.POST or None, instance=persona, brand=brand)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            do_delete(persona, actor=request.user, fields=PERSONA_FIELDS, action="persona")
            messages.success(request, _("Persona removed."))
            return redirect(back)
        if form.is_valid():
            do_save(form.save(), actor=request.user, fields=PERSONA_FIELDS, action="persona")
            messages.success(request, _("Persona saved."))
            return redirect(back)
    context = {"form": form, "title": persona.name, "back": back, "deletable": True}
    return page(request, "strategy/form_page.html", "editorial", **context)
