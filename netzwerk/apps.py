from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NetzwerkConfig(AppConfig):
    name = "netzwerk"
    verbose_name = "Netzwerk"

    def ready(self) -> None:
        from . import signals  # noqa: F401

        post_migrate.connect(_ensure_rollen, sender=self)


def _ensure_rollen(**kwargs) -> None:
    from .services import rollen_ensure

    rollen_ensure()
