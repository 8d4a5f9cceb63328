from django.apps import AppConfig


class AkteureConfig(AppConfig):
    name = "akteure"
    verbose_name = "Akteure"

    def ready(self) -> None:
        from . import personendaten, signals  # noqa: F401
        from .stand import STAND

        # Every row the cached fragments of the list pages and the guide's search show
        # (akteure.stand).
        Angebot = self.get_model("Angebot")
        STAND.beobachten(
            (
                "akteure.Angebot", "akteure.Organisation", "akteure.Organisationstyp",
                "netzwerk.Sozialraum", "netzwerk.Lebensphase", "netzwerk.Handlungsfeld",
                "netzwerk.Zielgruppe", "netzwerk.Sprache", "akteure.Angebotszeit",
                "akteure.Angebotsuebersetzung",
            ),
            (
                Angebot.lebensphasen.through, Angebot.handlungsfelder.through,
                Angebot.zielgruppen.through, Angebot.sprachen.through,
            ),
        )  # fmt: skip
