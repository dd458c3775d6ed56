"""Moderation rules (strategists edit, everyone reads), the dry run, the action log and
undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.roles import Cap
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest
from tribune.inbox.forms import RuleForm
from tribune.inbox.models import ModerationRule, RuleAction
from tribune.inbox.rules import keywords_text, planned_actions
from tribune.inbox.services.dryrun import dry_run
from tribune.inbox.services.moderation import UndoError, do_undo
from tribune.inbox.views.common import get_in_scope, inbox_view, require, tabs_context

RULE_FIELDS = (
    "name",
    "enabled",
    "position",
    "keywords",
    "languages",
    "sentiments",
    "networks",
    "kinds",
    "min_toxicity",
    "author_condition",
    "new_account_followers",
    "action_hide",
    "action_flag",
    "action_tag_id",
    "action_assign_id",
    "action_auto_reply",
    "auto_reply_hours",
    "action_escalate",
)


def snapshot(rule: ModerationRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def _list_url(request: AuthedRequest) -> str:
    return reverse("inbox:rules", args=[request.brand.slug])


@inbox_view(Cap.VIEW)
def rules_view(request: AuthedRequest) -> HttpResponse:
    rules = ModerationRule.objects.filter(brand=request.brand).select_related(
        "action_tag", "action_assign"
    )
    rows = [(rule, keywords_text(rule.keywords), planned_actions(rule)) for rule in rules]
    return render(request, "inbox/rules.html", {"rows": rows, **tabs_context(request, "rules")})


@inbox_view(Cap.STRATEGY)
def rule_edit(request: AuthedRequest, rule_id: int | None = None) -> HttpResponse:
    rule = get_in_scope(ModerationRule, rule_id) if rule_id else None
    form = RuleForm(request.POST or None, instance=rule, brand=request.brand)
    result = None
    if request.method == "POST" and form.is_valid():
        if "dry_run" in request.POST:
            result = dry_run(request.brand, form.build(commit_tag=False))
        else:
            with transaction.atomic():
                before = snapshot(rule) if rule else None
                saved = form.build()
                if saved.created_by_id is None:
                    saved.created_by = request.user
                saved.save()
                record_audit(
                    "inbox.rule_saved",
                    actor=request.user,
                    brand=request.brand,
                    obj=saved,
                    before=before,
                    after=snapshot(saved),
                )
            messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
            return HttpResponseRedirect(_list_url(request))
    return render(
        request,
        "inbox/rule_edit.html",
        {"form": form, "rule": rule, "result": result, **tabs_context(request, "rules")},
    )


@inbox_view(Cap.VIEW)
def rule_dry_run(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_in_scope(ModerationRule, rule_id)
    return render(
        request,
        "inbox/rule_dry_run.html",
        {"rule": rule, "result": dry_run(request.brand, rule), **tabs_context(request, "rules")},
    )


@inbox_view(Cap.STRATEGY)
@require_POST
def rule_delete(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = get_in_scope(ModerationRule, rule_id)
    with transaction.atomic():
        record_audit(
            "inbox.rule_deleted",
            actor=request.user,
            brand=request.brand,
            obj=rule,
            before=snapshot(rule),
        )
        rule.delete()
    messages.success(request, _("Rule deleted; what it did stays in the log."))
    return HttpResponseRedirect(_list_url(request))


@inbox_view(Cap.VIEW)
def moderation_log(request: AuthedRequest) -> HttpResponse:
    actions = RuleAction.objects.filter(brand=request.brand).select_related(
        "message", "author", "thread", "undone_by"
    )
    if request.GET.get("active"):
        actions = actions.filter(undone_at__isnull=True)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(
        request, "inbox/moderation_log.html", {"page": page, **tabs_context(request, "log")}
    )


@inbox_view(Cap.MODERATE)
@require_POST
def undo(request: AuthedRequest, rule_action_id: int) -> HttpResponse:
    action = get_in_scope(RuleAction, rule_action_id)
    require(request, Cap.MODERATE)
    try:
        do_undo(action, request.user)
    except UndoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Undone: %(action)s by “%(rule)s”.")
            % {"action": action.get_action_display(), "rule": action.rule_name},
        )
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("inbox:moderation_log", args=[request.brand.slug])
    return HttpResponseRedirect(back)
