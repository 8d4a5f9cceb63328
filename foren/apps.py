from django.apps import AppConfig


class ForenConfig(AppConfig):
    name = "foren"
    verbose_name = "Foren"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import personendaten  # noqa: F401  (the registry of personal data)
        from .selectors import STAND
        from .services import stand_erneuern, stand_erneuern_user

        # Every row the cached fragments of the forum pages show (foren.selectors.STAND).
        Forum = self.get_model("Forum")
        Beitrag = self.get_model("Beitrag")
        STAND.beobachten(
            (
                "foren.Forum", "foren.Mitgliedschaft", "foren.Beitrittsanfrage",
                "foren.Interessensbekundung", "foren.Beitrag", "foren.Kommentar",
                "foren.Dokument", "foren.Abstimmung", "konferenzen.Veranstaltung",
                "netzwerk.Handlungsfeld", "netzwerk.Querschnittsthema", "netzwerk.Lebensphase",
                "akteure.Angebot",
            ),
            (Forum.moderators.through, Forum.themen.through, Beitrag.lebensphasen.through),
        )  # fmt: skip
        # An account's name shows on the forum pages, its logins do not.
        post_save.connect(stand_erneuern_user, sender="netzwerk.User", dispatch_uid="foren-stand-u")
        post_delete.connect(stand_erneuern, sender="netzwerk.User", dispatch_uid="foren-stand-ud")
