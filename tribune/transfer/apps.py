from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "tribune.transfer"
    label = "transfer"
    verbose_name = "Imports and exports"
