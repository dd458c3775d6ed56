from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tribune.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from tribune.publishing import tasks  # noqa: F401  (registers periodic jobs)
