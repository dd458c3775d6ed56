from django.urls import path

from tribune.publishing import calendar, views

app_name = "publishing"

urlpatterns = [
    path("b/<slug:brand_slug>/publishing/", calendar.calendar_view, name="calendar"),
    path("b/<slug:brand_slug>/publishing/new/", views.compose, name="compose"),
    path("b/<slug:brand_slug>/publishing/check/", views.live_check, name="live_check"),
    path("b/<slug:brand_slug>/publishing/posts/<int:post_id>/", views.post_detail, name="post"),
    path("b/<slug:brand_slug>/publishing/posts/<int:post_id>/edit/", views.compose, name="edit"),
    path(
        "b/<slug:brand_slug>/publishing/posts/<int:post_id>/move/", calendar.move_post, name="move"
    ),
    path(
        "b/<slug:brand_slug>/publishing/posts/<int:post_id>/<slug:action>/",
        views.post_action,
        name="action",
    ),
    path("calendar/", calendar.agency_calendar, name="agency_calendar"),
    path("l/<str:code>", views.follow_link, name="link"),
]
