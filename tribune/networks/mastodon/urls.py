from django.urls import path

from tribune.networks.mastodon.connect import callback, connect_mastodon

app_name = "mastodon"

urlpatterns = [
    path("b/<slug:brand_slug>/accounts/connect/mastodon/", connect_mastodon, name="connect"),
    path("oauth/mastodon/callback/", callback, name="callback"),
]
