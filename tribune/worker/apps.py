from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "tribune.worker"
    label = "worker"
    verbose_name = "Background work"

    def ready(self) -> None:
        from tribune.worker import tasks  # noqa: F401  (registers periodic jobs)
