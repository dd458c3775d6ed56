from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tribune.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from tribune.publishing import (  # noqa: F401  (registers jobs and KPI providers)
            reporting,
            tasks,
        )
