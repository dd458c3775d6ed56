"""URLs of the OAuth connect flows: one set per network (each network registers its own
exact callback address with the app), and the workspace's network applications."""

from django.urls import URLPattern, path

from tribune.networks import oauth_views

app_name = "oauth"


def _flow(network: str) -> list[URLPattern]:
    base = f"b/<slug:brand_slug>/accounts/connect/{network}/"
    kwargs = {"network": network}
    return [
        path(base, oauth_views.connect, kwargs, name=f"connect_{network}"),
        path(f"{base}start/", oauth_views.start, kwargs, name=f"start_{network}"),
        path(f"{base}choose/", oauth_views.choose, kwargs, name=f"choose_{network}"),
        path(
            f"oauth/{network}/callback/", oauth_views.callback, kwargs, name=f"callback_{network}"
        ),
    ]


urlpatterns = [
    path("b/<slug:brand_slug>/accounts/apps/", oauth_views.network_apps, name="apps"),
    *(pattern for network in oauth_views.PROVIDERS for pattern in _flow(network)),
]
