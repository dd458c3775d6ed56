from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tribune.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from tribune.community import tasks  # noqa: F401  (registers the periodic jobs)
