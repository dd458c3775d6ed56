from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tribune.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from tribune.analytics import providers, tasks  # noqa: F401  (KPI providers, jobs)
