from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tribune.web"
    label = "web"
    verbose_name = "Web interface"
