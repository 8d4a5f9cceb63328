from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NetzwerkConfig(AppConfig):
    name = "netzwerk"
    verbose_name = "Netzwerk"

    def ready(self) -> None:
        from . import anmeldebremse, metriken, personendaten, signals  # noqa: F401

        # After every app's migration, not just ours: the permissions of apps migrated later
        # (akteure, foren, ...) exist only then. rollen_ensure is idempotent.
        post_migrate.connect(_ensure_rollen, dispatch_uid="netzwerk_rollen_ensure")


def _ensure_rollen(**kwargs) -> None:
    from .services import rollen_ensure

    rollen_ensure()
