from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "tribune.listening"
    label = "listening"
    verbose_name = "Listening"

    def ready(self) -> None:
        from tribune.listening import tasks  # noqa: F401  (registers the periodic jobs)
