from django.urls import path

from tribune.networks.sandbox import views

app_name = "sandbox"

urlpatterns = [
    path("sandbox/p/<uuid:remote_id>", views.post_page, name="post"),
]
