from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "tribune.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from tribune.inbox import tasks  # noqa: F401  (registers the polling job)
