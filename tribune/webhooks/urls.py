from django.urls import path

from tribune.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("b/<slug:brand_slug>/integrations/", views.overview, name="overview"),
    path("b/<slug:brand_slug>/integrations/webhooks/new/", views.create, name="create"),
    path(
        "b/<slug:brand_slug>/integrations/webhooks/<int:subscription_id>/",
        views.subscription_detail,
        name="subscription",
    ),
    path(
        "b/<slug:brand_slug>/integrations/webhooks/<int:subscription_id>/<str:webhook_op>/",
        views.subscription_action,
        name="subscription_action",
    ),
    path("b/<slug:brand_slug>/integrations/import/", views.import_file, name="import"),
    path("b/<slug:brand_slug>/integrations/export/", views.export_brand, name="export"),
    path(
        "b/<slug:brand_slug>/integrations/deliveries/<int:delivery_id>/",
        views.delivery_detail,
        name="delivery",
    ),
    path(
        "b/<slug:brand_slug>/integrations/deliveries/<int:delivery_id>/replay/",
        views.replay,
        name="replay",
    ),
]
