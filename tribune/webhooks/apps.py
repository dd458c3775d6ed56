from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "tribune.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from tribune.webhooks import tasks  # noqa: F401  (registers the delivery job)
