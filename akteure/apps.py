from django.apps import AppConfig


class AkteureConfig(AppConfig):
    name = "akteure"
    verbose_name = "Akteure"

    def ready(self) -> None:
        from . import signals  # noqa: F401
