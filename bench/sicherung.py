"""Restore drill: the demo network plus uploaded files in PostgreSQL database
netzwerk_sicherung_quelle, backed up while a writer keeps changing it, restored into the empty
database netzwerk_sicherung_ziel and an empty media folder, then compared table by table and file
by file. Every step runs the management commands in a process of its own, as an operator would.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/sicherung.py

The writer shows the backup is a snapshot: rows it inserts while the backup runs are in neither
the dump nor the manifest, so the restored copy equals the backup, and the source (which has them)
no longer does. Both databases and the temporary folder are removed at the end (--behalten keeps
them).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUELLE, ZIEL = "netzwerk_sicherung_quelle", "netzwerk_sicherung_ziel"

# Run inside the source portal: documents in every forum and logos for some organisations, through
# the models' FileFields as an upload would store them (names under foren/<id>/ and logos/).
UPLOADS = """
import random
from django.core.files.base import ContentFile
from akteure.models import Organisation
from foren.models import Dokument, Forum

rng = random.Random(15)
for forum in Forum.objects.order_by("pk"):
    for nummer in range(3):
        daten = b"%PDF-1.4\\n" + rng.randbytes(rng.randint(20_000, 1_500_000))
        Dokument.objects.create(
            forum=forum, title=f"Protokoll {nummer + 1}", file=ContentFile(daten, name="p.pdf"),
            original_name=f"protokoll-{nummer + 1}.pdf", content_type="application/pdf",
            endung="pdf", size=len(daten),
        )
for organisation in Organisation.objects.order_by("pk")[:8]:
    daten = b"\\x89PNG\\r\\n\\x1a\\n" + rng.randbytes(30_000)
    organisation.logo.save("logo.png", ContentFile(daten))
"""


def _env(base_url: str, database: str, media: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{base_url}/{database}",
        MEDIA_ROOT=str(media),
        DEBUG="true",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)  # tasks (the demo's status report) run in-process
    env.pop("CELERY_BROKER_URL", None)
    return env


def _manage(env: dict, *args: str, erwartet: int = 0) -> tuple[str, float]:
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    dauer = time.monotonic() - start
    if result.returncode != erwartet:
        sys.exit(
            f"manage.py {' '.join(args)}: Exit-Code {result.returncode}, erwartet {erwartet}\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout + result.stderr, dauer


class Schreiber(threading.Thread):
    """Inserts sessions into the source as fast as it can, until stopped."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.anzahl, self.halt = url, 0, threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.halt.is_set():
                connection.execute(
                    "INSERT INTO django_session VALUES (%s, 'x', now() + interval '1 day')",
                    [f"sicherung-probe-{self.anzahl}"],
                )
                self.anzahl += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--behalten", action="store_true", help="Datenbanken und Ordner behalten.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Bitte DATABASE_URL auf PostgreSQL setzen.")
    base_url = url.rsplit("/", 1)[0]
    import psycopg

    admin = psycopg.connect(f"{base_url}/postgres", autocommit=True)
    for name in (QUELLE, ZIEL):
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    tmp = Path(tempfile.mkdtemp(prefix="netzwerk-sicherung-"))
    quelle = _env(base_url, QUELLE, tmp / "media-quelle")
    ziel = _env(base_url, ZIEL, tmp / "media-ziel")
    try:
        _manage(quelle, "migrate", "--verbosity=0")
        _manage(quelle, "demo_data", "--quiet")
        _manage(quelle, "shell", "-c", UPLOADS)

        schreiber = Schreiber(f"{base_url}/{QUELLE}")
        schreiber.start()
        time.sleep(0.2)
        vorher = schreiber.anzahl
        ausgabe_sichern, dauer_sichern = _manage(quelle, "sicherung_erstellen", str(tmp / "s"))
        waehrend = schreiber.anzahl - vorher
        schreiber.halt.set()
        schreiber.join()

        ausgabe, dauer_zurueck = _manage(ziel, "sicherung_wiederherstellen", str(tmp / "s"))
        _, dauer_vergleich = _manage(ziel, "sicherung_vergleichen", str(tmp / "s"))
        # The source went on changing: compared with the backup it must now differ.
        quelle_danach, _ = _manage(quelle, "sicherung_vergleichen", str(tmp / "s"), erwartet=1)

        dump = tmp / "s" / "datenbank.dump"
        print(ausgabe_sichern.strip())
        print()
        print(ausgabe.strip())
        print()
        print(f"Dump: {dump.stat().st_size} Bytes; Quelle: {QUELLE}, Ziel: {ZIEL}")
        print(
            f"Schreiber: {schreiber.anzahl} Sitzungen eingefügt, {waehrend} davon während der "
            "Sicherung; die Quelle weicht danach ab: "
            + next(z for z in quelle_danach.splitlines() if z.startswith("UNTERSCHIEDE"))
        )
        print(
            f"Dauer: Sicherung {dauer_sichern:.2f} s, Wiederherstellung mit Vergleich "
            f"{dauer_zurueck:.2f} s, Vergleich allein {dauer_vergleich:.2f} s "
            "(je mit Start von manage.py)"
        )
        print("Ergebnis: alle Tabellen und Dateien gleich (Exit-Code 0).")
    finally:
        if not args.behalten:
            shutil.rmtree(tmp, ignore_errors=True)
            for name in (QUELLE, ZIEL):
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print(f"Behalten: {tmp}, Datenbanken {QUELLE} und {ZIEL}")
        admin.close()


if __name__ == "__main__":
    main()
