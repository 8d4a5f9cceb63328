from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from netzwerk.sicherung import SicherungFehler, sicherung_wiederherstellen

from . import sicherung_vergleichen


class Command(sicherung_vergleichen.Command):
    help = (
        "Spielt eine Sicherung in die eingestellte, leere Datenbank und Ablage zurück und "
        "vergleicht danach jede Tabelle und Datei mit der Sicherung (Exit-Code 1 bei Abweichung)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--leeren",
            "--force",
            dest="leeren",
            action="store_true",
            help="Vorhandene Tabellen und Dateien vorher löschen.",
        )

    def handle(self, *args, quelle: Path, leeren: bool = False, **options):
        call_command("ensure_database")  # a restore may well be the first use of a new server
        connection = connections["default"]
        connection.close()  # pg_restore and the checks use connections of their own
        try:
            dauer = sicherung_wiederherstellen(
                quelle=quelle, db=connection.settings_dict, storage=default_storage, leeren=leeren
            )
        except SicherungFehler as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wiederhergestellt aus {quelle}: Datenbank {dauer['datenbank']:.2f} s, "
            f"Dateien {dauer['dateien']:.2f} s. Vergleich mit der Sicherung:"
        )
        sicherung_vergleichen.vergleichen(self, quelle)
