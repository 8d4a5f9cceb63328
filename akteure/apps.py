from django.apps import AppConfig


class AkteureConfig(AppConfig):
    name = "akteure"
    verbose_name = "Akteure"
