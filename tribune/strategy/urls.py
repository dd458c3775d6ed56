from django.urls import path

from tribune.strategy.views import (
    audit,
    campaigns,
    charter,
    crisis,
    editorial,
    objectives,
    overview,
    plans,
    reports,
)

app_name = "strategy"
S = "b/<slug:brand_slug>/strategy/"

urlpatterns = [
    path(S, overview.overview, name="overview"),
    path(f"{S}charter/", charter.charter, name="charter"),
    path(f"{S}charter/edit/", charter.charter_edit, name="charter_edit"),
    path(f"{S}charter/json/", charter.charter_json, name="charter_json"),
    path(f"{S}charter/test/", charter.charter_test, name="charter_test"),
    path(f"{S}charter/diff/", charter.charter_diff, name="charter_diff"),
    path(
        f"{S}charter/versions/<int:version_id>/",
        charter.charter_version,
        name="charter_version",
    ),
    path(f"{S}editorial/", editorial.editorial, name="editorial"),
    path(f"{S}editorial/pillars/<int:pillar_id>/", editorial.pillar_edit, name="pillar_edit"),
    path(f"{S}editorial/personas/<int:persona_id>/", editorial.persona_edit, name="persona_edit"),
    path(f"{S}objectives/", objectives.objectives, name="objectives"),
    path(
        f"{S}objectives/<int:objective_id>/",
        objectives.objective_detail,
        name="objective_detail",
    ),
    path(
        f"{S}objectives/<int:objective_id>/edit/",
        objectives.objective_edit,
        name="objective_edit",
    ),
    path(f"{S}campaigns/", campaigns.campaigns, name="campaigns"),
    path(f"{S}campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path(f"{S}campaigns/<int:campaign_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path(f"{S}mix/", campaigns.mix, name="mix"),
    path(f"{S}plan/", plans.plan, name="plan"),
    path(f"{S}plan/<int:task_id>/", plans.task_edit, name="task_edit"),
    path(f"{S}reports/", reports.reports, name="reports"),
    path(f"{S}reports/<int:report_id>/", reports.report_detail, name="report_detail"),
    path(f"{S}decisions/", reports.decisions, name="decisions"),
    path(f"{S}crisis/", crisis.crisis, name="crisis"),
    path(f"{S}crisis/playbooks/new/", crisis.playbook_new, name="playbook_new"),
    path(f"{S}crisis/playbooks/<int:playbook_id>/", crisis.playbook_edit, name="playbook_edit"),
    path(f"{S}crisis/<int:crisis_id>/", crisis.crisis_room, name="crisis_room"),
    path("b/<slug:brand_slug>/audit/", audit.audit, name="audit"),
    path("b/<slug:brand_slug>/audit/export.csv", audit.audit_export, name="audit_export"),
]
