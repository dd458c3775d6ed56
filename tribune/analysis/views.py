"""Screens: correct an inbox message's analysis; a brand's corrections and model versions.

* ``correct_message`` (community managers, strategists): POST from the inbox thread; it
  stores a ``Correction``, updates the message's label at once, and answers with the
  thread (HTMX swaps only that message back in).
* ``models_view`` (anyone with the reports right): corrections and versions with their
  metrics; strategists can start a training and roll back / activate a version.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest

from . import brand_models as service
from .models import BrandModel, Correction, Task

LABEL_NAMES = {
    "negative": gettext_lazy("Negative"),
    "neutral": gettext_lazy("Neutral"),
    "positive": gettext_lazy("Positive"),
    "toxic": gettext_lazy("Toxic"),
    "non-toxic": gettext_lazy("Not toxic"),
}


def _percent(value: object) -> str:
    return f"{float(value):.0%}" if isinstance(value, int | float) else "—"


def _metric_rows(model: BrandModel) -> list[dict[str, object]]:
    rows = []
    for task in (Task.SENTIMENT, Task.TOXICITY):
        m = model.metrics.get(task, {})
        rows.append(
            {
                "corrections": m.get("corrections", 0),
                "fit": _percent(m.get("fit_on_corrections")),
                "default": _percent(m.get("default_on_corrections")),
                "agreement": _percent(m["agreement_with_default"])
                if m.get("agreement_with_default") is not None
                else None,
            }
        )
    return rows


@brand_view(Cap.MODERATE)
@require_POST
def correct_message(request: AuthedRequest, message_id: int) -> HttpResponse:
    from tribune.inbox.models import Message

    message = Message.objects.filter(pk=message_id, direction=Message.Direction.IN).first()
    if message is None:
        raise Http404
    task = request.POST.get("task", "")
    label = request.POST.get("label", "")
    old = (
        message.sentiment if task == Task.SENTIMENT else ("toxic" if message.toxic else "non-toxic")
    )
    try:
        with transaction.atomic():
            correction = service.do_record_correction(
                request.brand,
                task=task,
                text=message.text,
                new_label=label,
                old_label=old,
                user=request.user,
                source=Correction.Source.INBOX,
                source_id=message.pk,
            )
            if task == Task.SENTIMENT:
                message.sentiment = correction.new_label
            else:
                message.toxic = correction.new_label == "toxic"
            message.analysis_engine = "human"
            message.save(update_fields=["sentiment", "toxic", "analysis_engine"])
        messages.success(
            request, _("Correction saved: it will count at the brand's next model training.")
        )
    except service.CorrectionError as exc:
        messages.error(request, str(exc))
    target = reverse("inbox:thread", args=[request.brand.slug, message.thread_id])
    return HttpResponseRedirect(f"{target}#m{message.pk}")


@brand_view(Cap.MODERATE)
@require_POST
def correct_mention(request: AuthedRequest, mention_id: int) -> HttpResponse:
    """The same for a listening mention: the correction is stored and the mention's
    sentiment (or toxicity: 0 or 1, a human verdict) changes at once."""
    from tribune.listening.models import Mention

    mention = Mention.objects.filter(pk=mention_id).first()
    if mention is None:
        raise Http404
    task = request.POST.get("task", "")
    old = mention.sentiment if task == Task.SENTIMENT else ""
    if task == Task.TOXICITY:
        old = "toxic" if mention.toxicity >= 0.5 else "non-toxic"
    try:
        with transaction.atomic():
            correction = service.do_record_correction(
                request.brand,
                task=task,
                text=f"{mention.title}\n{mention.text}".strip(),
                new_label=request.POST.get("label", ""),
                old_label=old,
                user=request.user,
                source=Correction.Source.LISTENING,
                source_id=mention.pk,
            )
            if task == Task.SENTIMENT:
                mention.sentiment = correction.new_label
            else:
                mention.toxicity = 1.0 if correction.new_label == "toxic" else 0.0
            # "human": the listening refine pass (which re-reads "lexicon" mentions with
            # the model) must not overwrite a person's verdict.
            mention.analysis_engine = "human"
            mention.save(update_fields=["sentiment", "toxicity", "analysis_engine"])
        messages.success(
            request, _("Correction saved: it will count at the brand's next model training.")
        )
    except service.CorrectionError as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(reverse("listening:mentions", args=[request.brand.slug]))


@brand_view(Cap.REPORTS)
def models_view(request: AuthedRequest) -> HttpResponse:
    corrections = list(
        Correction.objects.filter(brand=request.brand).select_related("created_by")[:200]
    )
    for c in corrections:
        c.old_display = LABEL_NAMES.get(c.old_label, c.old_label)  # type: ignore[attr-defined]
        c.new_display = LABEL_NAMES.get(c.new_label, c.new_label)  # type: ignore[attr-defined]
    versions = service.versions(request.brand)
    for v in versions:
        v.metric_rows = _metric_rows(v)  # type: ignore[attr-defined]
    return render(
        request,
        "analysis/models.html",
        {
            "corrections": corrections,
            "correction_count": Correction.objects.filter(brand=request.brand).count(),
            "versions": versions,
            "can_manage": request.access.can(Cap.STRATEGY),
        },
    )


@brand_view(Cap.STRATEGY)
@require_POST
def train_view(request: AuthedRequest) -> HttpResponse:
    from .tasks import train_brand_model

    if not Correction.objects.filter(brand=request.brand).exists():
        messages.error(request, _("No corrections yet: there is nothing to train on."))
    else:
        train_brand_model.enqueue(request.brand.pk, request.user.pk)
        messages.success(
            request,
            _("Training started: the new version appears here within a minute and becomes active."),
        )
    return HttpResponseRedirect(reverse("analysis:models", args=[request.brand.slug]))


@brand_view(Cap.STRATEGY)
@require_POST
def activate_view(request: AuthedRequest, model_id: int) -> HttpResponse:
    model = BrandModel.objects.filter(pk=model_id, brand=request.brand).defer("heads").first()
    if model is None:
        raise Http404
    service.do_activate(request.brand, model.version, user=request.user)
    messages.success(request, _("Version %(v)s is now active.") % {"v": model.version})
    return HttpResponseRedirect(reverse("analysis:models", args=[request.brand.slug]))


@brand_view(Cap.STRATEGY)
@require_POST
def use_default_view(request: AuthedRequest) -> HttpResponse:
    service.do_activate(request.brand, None, user=request.user)
    messages.success(request, _("The brand now uses the default model."))
    return HttpResponseRedirect(reverse("analysis:models", args=[request.brand.slug]))
