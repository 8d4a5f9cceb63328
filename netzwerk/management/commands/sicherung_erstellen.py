from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from netzwerk.sicherung import SicherungFehler, sicherung_erstellen


class Command(BaseCommand):
    help = (
        "Sichert die Datenbank (pg_dump, Format custom; SQLite: Kopie der Datei) und alle Dateien "
        "der Ablage in ein leeres Verzeichnis, mit manifest.json (Zeilen und Prüfsumme je "
        "Tabelle, sha256 je Datei)."
    )

    def add_arguments(self, parser):
        parser.add_argument("ziel", type=Path, help="Leeres oder neues Verzeichnis.")

    def handle(self, *args, ziel: Path, **options):
        try:
            manifest = sicherung_erstellen(
                ziel=ziel,
                db=connections["default"].settings_dict,
                storage=default_storage,
                warnen=lambda text: self.stderr.write(text),
            )
        except SicherungFehler as exc:
            raise CommandError(str(exc)) from exc
        tabellen = manifest["datenbank"]["tabellen"]
        dateien = manifest["dateien"]
        dauer = manifest["dauer_sekunden"]
        self.stdout.write(
            f"Sicherung in {ziel}: {len(tabellen)} Tabellen, "
            f"{sum(t['zeilen'] for t in tabellen.values())} Zeilen "
            f"({manifest['datenbank']['bytes']} Bytes Dump), {len(dateien)} Dateien "
            f"({sum(d['bytes'] for d in dateien.values())} Bytes); Dauer: Datenbank "
            f"{dauer['datenbank']:.2f} s, Dateien {dauer['dateien']:.2f} s."
        )
