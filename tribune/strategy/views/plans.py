"""The CM action plan: recurring tasks per network. CMs and strategists manage it
(``Cap.DRAFT``); everyone on the brand can read it."""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.strategy.choices import network_label
from tribune.strategy.forms.editorial import TaskForm
from tribune.strategy.models import ActionTask
from tribune.strategy.services.common import do_delete, do_save
from tribune.strategy.services.plans import (
    TASK_FIELDS,
    do_complete_task,
    do_reopen_task,
    local_today,
    prepare_task,
)
from tribune.strategy.views.common import can, get_in_scope, page, require, strategy_view


@strategy_view(Cap.VIEW)
def plan(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = TaskForm(brand=brand, initial={"due_date": local_today(brand)})
    if request.method == "POST":
        require(request, Cap.DRAFT)
        action = request.POST.get("action")
        if action == "create":
            form = TaskForm(request.POST, brand=brand)
            if form.is_valid():
                do_save(
                    prepare_task(form.save()), actor=request.user, fields=TASK_FIELDS, action="task"
                )
                messages.success(request, _("Task planned."))
                return redirect(request.path)
        elif action in ("complete", "reopen"):
            task = get_in_scope(ActionTask, request.POST.get("task"))
            if action == "complete":
                following = do_complete_task(task, request.user)
                if following:
                    messages.success(
                        request,
                        _("Done. Next occurrence planned for %(date)s.")
                        % {"date": following.due_date.strftime("%d/%m/%Y")},
                    )
            else:
                do_reopen_task(task, request.user)
            return redirect(request.path)
        else:
            return HttpResponseBadRequest()
    today = local_today(brand)
    open_tasks = ActionTask.objects.filter(brand=brand, done_at__isnull=True).select_related(
        "owner"
    )
    by_network = sorted(open_tasks, key=lambda t: (t.network, t.due_date, t.pk))
    groups = [
        (network_label(key), list(tasks))
        for key, tasks in groupby(by_network, key=lambda t: t.network)
    ]
    recent = (
        ActionTask.objects.filter(brand=brand, done_at__gte=timezone.now() - timedelta(days=14))
        .select_related("owner", "done_by")
        .order_by("-done_at")
    )
    return page(
        request,
        "strategy/plan.html",
        "plan",
        groups=groups,
        recent=recent,
        today=today,
        form=form,
        can_plan=can(request, Cap.DRAFT),
    )


@strategy_view(Cap.DRAFT)
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    task = get_in_scope(ActionTask, task_id)
    back = reverse("strategy:plan", args=[brand.slug])
    form = TaskForm(request.POST or None, instance=task, brand=brand)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            do_delete(task, actor=request.user, fields=TASK_FIELDS, action="task")
            messages.success(request, _("Task deleted."))
            return redirect(back)
        if form.is_valid():
            do_save(
                prepare_task(form.save()), actor=request.user, fields=TASK_FIELDS, action="task"
            )
            messages.success(request, _("Task saved."))
            return redirect(back)
    context = {"form": form, "title": task.title, "back": back, "deletable": True}
    return page(request, "strategy/form_page.html", "plan", **context)
