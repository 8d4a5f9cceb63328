from django.apps import AppConfig


class AkteureConfig(AppConfig):
    name = "akteure"
    verbose_name = "Akteure"

    def ready(self) -> None:
        from . import personendaten, signals  # noqa: F401
