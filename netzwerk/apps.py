from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NetzwerkConfig(AppConfig):
    name = "netzwerk"
    verbose_name = "Netzwerk"

    def ready(self) -> None:
        from . import anmeldebremse, metriken, personendaten, signals  # noqa: F401

        # The floors above the ground register their rights and personal data here, once: the
        # ground (netzwerk.rules, netzwerk.personendaten) never imports the floors built on it.
        from .berichte import rules as _berichte_rules  # noqa: F401
        from .konzepte import personendaten as _konzepte_personendaten  # noqa: F401
        from .konzepte import rules as _konzepte_rules  # noqa: F401
        from .sozialmonitoring import personendaten as _sozialmonitoring_personendaten  # noqa: F401
        from .sozialmonitoring import rules as _sozialmonitoring_rules  # noqa: F401

        # After every app's migration, not just ours: the permissions of apps migrated later
        # (akteure, foren, ...) exist only then. rollen_ensure is idempotent.
        post_migrate.connect(_ensure_rollen, dispatch_uid="netzwerk_rollen_ensure")


def _ensure_rollen(**kwargs) -> None:
    from .services import rollen_ensure

    rollen_ensure()
