from django.apps import AppConfig


class KonferenzenConfig(AppConfig):
    name = "konferenzen"
    verbose_name = "Konferenzen"

    def ready(self) -> None:
        from . import personendaten  # noqa: F401  (the registry of personal data)
