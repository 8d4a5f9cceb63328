from django.apps import AppConfig


class ForenConfig(AppConfig):
    name = "foren"
    verbose_name = "Foren"

    def ready(self) -> None:
        from . import personendaten  # noqa: F401  (the registry of personal data)
