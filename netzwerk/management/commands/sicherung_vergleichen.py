from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from netzwerk.sicherung import SicherungFehler, sicherung_vergleichen, vergleich_text


def vergleichen(command: BaseCommand, quelle: Path) -> None:
    """Print the comparison; any difference ends the command with exit code 1."""
    try:
        vergleich = sicherung_vergleichen(
            quelle=quelle, db=connections["default"].settings_dict, storage=default_storage
        )
    except SicherungFehler as exc:
        raise CommandError(str(exc)) from exc
    command.stdout.write(vergleich_text(vergleich))
    if not vergleich.gleich:
        raise CommandError("Datenbank oder Dateien weichen von der Sicherung ab.")


class Command(BaseCommand):
    help = (
        "Vergleicht Zeilen und Prüfsumme jeder Tabelle und sha256 jeder Datei der eingestellten "
        "Datenbank und Ablage mit einer Sicherung; Exit-Code 1 bei jeder Abweichung."
    )

    def add_arguments(self, parser):
        parser.add_argument("quelle", type=Path, help="Verzeichnis einer Sicherung.")

    def handle(self, *args, quelle: Path, **options):
        vergleichen(self, quelle)
