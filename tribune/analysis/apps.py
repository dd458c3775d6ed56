from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "tribune.analysis"
    label = "analysis"
    verbose_name = "Text analytics"
