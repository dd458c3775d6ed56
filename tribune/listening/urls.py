from django.urls import path

from tribune.listening.views import alerts, config, dashboard, mentions

app_name = "listening"

B = "b/<slug:brand_slug>/listening/"

urlpatterns = [
    path("listening/ack/<str:token>/", alerts.acknowledge_by_token, name="ack"),
    path(B, dashboard.dashboard, name="dashboard"),
    path(B + "mentions/", mentions.mention_list, name="mentions"),
    path(B + "alerts/", alerts.alert_list, name="alerts"),
    path(B + "alerts/<int:alert_id>/", alerts.alert_detail, name="alert"),
    path(B + "alerts/<int:alert_id>/<slug:alert_op>/", alerts.alert_action, name="alert_action"),
    path(B + "queries/", config.query_list, name="queries"),
    path(B + "queries/new/", config.query_edit, name="query_new"),
    path(B + "queries/preview/", config.query_preview, name="query_preview"),
    path(B + "queries/<int:query_id>/", config.query_edit, name="query_edit"),
    path(B + "sources/", config.source_list, name="sources"),
    path(B + "sources/<int:source_id>/delete/", config.source_delete, name="source_delete"),
    path(B + "on-call/", config.on_call, name="on_call"),
]
