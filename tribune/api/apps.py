from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tribune.api"
    label = "api"
    verbose_name = "Public API"

    def ready(self) -> None:
        from tribune.api import tasks  # noqa: F401  (registers the periodic clean-up)
