from django.urls import path

from tribune.analysis import views

app_name = "analysis"

B = "b/<slug:brand_slug>/"

urlpatterns = [
    path(
        B + "analysis/messages/<int:message_id>/correct/",
        views.correct_message,
        name="correct_message",
    ),
    path(
        B + "analysis/mentions/<int:mention_id>/correct/",
        views.correct_mention,
        name="correct_mention",
    ),
    path(B + "analysis/models/", views.models_view, name="models"),
    path(B + "analysis/models/train/", views.train_view, name="train"),
    path(B + "analysis/models/<int:model_id>/activate/", views.activate_view, name="activate"),
    path(B + "analysis/models/use-default/", views.use_default_view, name="use_default"),
]
