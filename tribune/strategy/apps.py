from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "tribune.strategy"
    label = "strategy"
    verbose_name = "Strategy and governance"

    def ready(self) -> None:
        from tribune.strategy import tasks  # noqa: F401  (registers the weekly report job)
