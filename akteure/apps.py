from django.apps import AppConfig


class AkteureConfig(AppConfig):
    name = "akteure"
    verbose_name = "Akteure"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import personendaten, signals  # noqa: F401
        from .stand import stand_erneuern

        # Every row the cached fragments of the list pages and the guide's search show
        # (akteure.stand).
        for sender in (
            "akteure.Angebot", "akteure.Organisation", "akteure.Organisationstyp",
            "netzwerk.Sozialraum", "netzwerk.Lebensphase", "netzwerk.Handlungsfeld",
            "netzwerk.Zielgruppe", "netzwerk.Sprache", "akteure.Angebotszeit",
            "akteure.Angebotsuebersetzung",
        ):  # fmt: skip
            post_save.connect(stand_erneuern, sender=sender, dispatch_uid=f"akteure-stand-{sender}")
            post_delete.connect(
                stand_erneuern, sender=sender, dispatch_uid=f"akteure-stand-del-{sender}"
            )
        Angebot = self.get_model("Angebot")
        for through in (
            Angebot.lebensphasen.through, Angebot.handlungsfelder.through,
            Angebot.zielgruppen.through, Angebot.sprachen.through,
        ):  # fmt: skip
            m2m_changed.connect(
                stand_erneuern, sender=through, dispatch_uid=f"akteure-stand-{through}"
            )
