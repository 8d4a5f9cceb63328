from django.apps import AppConfig


class KonferenzenConfig(AppConfig):
    name = "konferenzen"
    verbose_name = "Konferenzen"
