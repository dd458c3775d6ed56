from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tribune.accounts"
    label = "accounts"
    verbose_name = "Workspaces, brands and people"
