from django.urls import path

from tribune.analytics.views import competitors, conversions, dashboards, reports

app_name = "analytics"

B = "b/<slug:brand_slug>/analytics/"

urlpatterns = [
    path(B, dashboards.brand_dashboard, name="dashboard"),
    path(B + "accounts/<int:account_id>/", dashboards.account_dashboard, name="account"),
    path(B + "campaigns/<int:campaign_id>/", dashboards.campaign_dashboard, name="campaign"),
    path(B + "conversions/", conversions.conversions, name="conversions"),
    path(B + "conversions/goals/new/", conversions.goal_edit, name="goal_new"),
    path(B + "conversions/goals/<int:goal_id>/", conversions.goal_edit, name="goal_edit"),
    path(B + "conversions/secret/", conversions.rotate_secret, name="rotate_secret"),
    path(B + "competitors/", competitors.competitor_list, name="competitors"),
    path(
        B + "competitors/<int:competitor_id>/<slug:competitor_op>/",
        competitors.competitor_action,
        name="competitor_action",
    ),
    path(B + "reports/", reports.report_list, name="reports"),
    path(B + "reports/new/", reports.template_edit, name="template_new"),
    path(B + "reports/logo/", reports.agency_logo, name="agency_logo"),
    path(B + "reports/<int:template_id>/", reports.template_edit, name="template_edit"),
    path(B + "reports/<int:template_id>/report.html", reports.report_html, name="report_html"),
    path(B + "reports/<int:template_id>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("analytics/agency/", dashboards.agency_overview, name="agency"),
    path("hooks/conversions/<str:public_id>", conversions.hook, name="hook"),
    path("hooks/pixel/<str:public_id>/<slug:goal_key>.gif", conversions.pixel, name="pixel"),
]
