from django.apps import AppConfig


class ForenConfig(AppConfig):
    name = "foren"
    verbose_name = "Foren"
