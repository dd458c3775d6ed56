"""Readable names for audit actions, shown on the audit page and in reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "workspace.created": _("Workspace created"),
    "brand.created": _("Brand created"),
    "brand.role_granted": _("Role granted"),
    "account.connected": _("Social account connected"),
    "charter.version_created": _("New charter version"),
    "objective.created": _("Objective created"),
    "objective.updated": _("Objective updated"),
    "kpi.created": _("KPI added"),
    "kpi.updated": _("KPI updated"),
    "kpi.deleted": _("KPI removed"),
    "campaign.created": _("Campaign created"),
    "campaign.updated": _("Campaign updated"),
    "goal.created": _("Campaign goal added"),
    "goal.updated": _("Campaign goal updated"),
    "goal.deleted": _("Campaign goal removed"),
    "editorial.updated": _("Editorial line updated"),
    "pillar.created": _("Content pillar added"),
    "pillar.updated": _("Content pillar updated"),
    "pillar.deleted": _("Content pillar removed"),
    "persona.created": _("Persona added"),
    "persona.updated": _("Persona updated"),
    "persona.deleted": _("Persona removed"),
    "platform.created": _("Network added to the mix"),
    "platform.updated": _("Platform mix updated"),
    "platform.deleted": _("Network removed from the mix"),
    "task.created": _("Task planned"),
    "task.updated": _("Task updated"),
    "task.deleted": _("Task deleted"),
    "task.completed": _("Task done"),
    "task.reopened": _("Task reopened"),
    "report.generated": _("Report generated"),
    "report.commented": _("Report comment"),
    "report.status_changed": _("Report status changed"),
    "decision.recorded": _("Decision recorded"),
    "playbook.created": _("Playbook created"),
    "playbook.updated": _("Playbook updated"),
    "crisis.opened": _("Crisis opened"),
    "crisis.entry_added": _("Crisis timeline entry"),
    "crisis.status_changed": _("Crisis status changed"),
    "crisis.assigned": _("Crisis assignment"),
}


def action_label(action: str) -> str:
    return str(LABELS.get(action, action))
