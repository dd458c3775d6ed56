from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from tribune.web import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("tribune.api.urls")),
    path("", include("tribune.webhooks.urls")),
    path("", include("tribune.accounts.urls")),
    path("", include("tribune.networks.sandbox.urls")),
    path("", include("tribune.networks.bluesky.urls")),
    path("", include("tribune.networks.mastodon.urls")),
    path("", include("tribune.networks.oauth_urls")),
    path("", include("tribune.publishing.urls")),
    path("", include("tribune.strategy.urls")),
    path("", include("tribune.inbox.urls")),
    path("", include("tribune.analysis.urls")),
    path("", include("tribune.listening.urls")),
    path("", include("tribune.community.urls")),
    path("", include("tribune.analytics.urls")),
    path("", include("tribune.web.urls")),
]
