from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "tribune.networks"
    label = "networks"
    verbose_name = "Social networks"

    def ready(self) -> None:
        from tribune.networks import tasks  # noqa: F401  (registers periodic jobs)
