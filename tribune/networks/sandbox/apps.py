from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "tribune.networks.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox network (simulated)"

    def ready(self) -> None:
        from tribune.networks.sandbox import tasks  # noqa: F401  (registers periodic jobs)
