from django.urls import path

from tribune.web import views, workspace_views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch-brand/", views.switch_brand, name="switch_brand"),
    path("b/<slug:brand_slug>/", views.dashboard, name="dashboard"),
    path("b/<slug:brand_slug>/accounts/", views.accounts, name="accounts"),
    path(
        "b/<slug:brand_slug>/accounts/<int:account_id>/",
        views.account_detail,
        name="account_detail",
    ),
    path("b/<slug:brand_slug>/team/", views.team, name="team"),
    path("w/<slug:workspace_slug>/", workspace_views.workspace, name="workspace"),
]
