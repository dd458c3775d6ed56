from django.urls import path

from tribune.publishing import calendar, media_views, slot_views, views

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
        "b/<slug:brand_slug>/publishing/posts/<int:post_id>/images/",
        media_views.upload_image,
        name="upload_image",
    ),
    path(
        "b/<slug:brand_slug>/publishing/posts/<int:post_id>/videos/",
        media_views.upload_video,
        name="upload_video",
    ),
    path("b/<slug:brand_slug>/publishing/images/<int:media_id>/", media_views.image, name="image"),
    path(
        "b/<slug:brand_slug>/publishing/images/<int:media_id>/remove/",
        media_views.remove_image,
        name="remove_image",
    ),
    path(
        "b/<slug:brand_slug>/publishing/accounts/<int:account_id>/slots/",
        slot_views.slots,
        name="slots",
    ),
    path(
        "b/<slug:brand_slug>/publishing/posts/<int:post_id>/variants/<int:variant_id>/",
        views.adapt_variant,
        name="adapt",
    ),
    # Last: <action> would otherwise swallow the fixed paths above.
    path(
        "b/<slug:brand_slug>/publishing/posts/<int:post_id>/<slug:action>/",
        views.post_action,
        name="action",
    ),
    path("calendar/", calendar.agency_calendar, name="agency_calendar"),
    path("l/<str:code>", views.follow_link, name="link"),
]
