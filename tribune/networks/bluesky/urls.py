from django.urls import path

from tribune.networks.bluesky.connect import connect_bluesky

app_name = "bluesky"

urlpatterns = [
    path("b/<slug:brand_slug>/accounts/connect/bluesky/", connect_bluesky, name="connect"),
]
