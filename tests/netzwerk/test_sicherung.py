"""Backup and restore (netzwerk.sicherung): a backup of the test database and a media folder,
restored by the management command in a process of its own into an empty database and folder,
compares equal; a changed row, a missing row or a changed file in the restored copy is reported
as a difference with a non-zero exit code."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection

from netzwerk.sicherung import (
    sicherung_erstellen,
    sicherung_vergleichen,
    sicherung_wiederherstellen,
)
from tests.factories import OrganisationFactory, PersonFactory

ROOT = Path(__file__).resolve().parent.parent.parent
DATEIEN = {
    "foren/1/protokoll.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 400,
    "logos/kita-wolke.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000,
    "berichte/sachstand-ä.pdf": b"%PDF-1.4\nBericht",
}


@pytest.fixture
def ziel_datenbank():
    """An empty PostgreSQL database of its own on the test server, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL zeigt nicht auf PostgreSQL: pg_dump und pg_restore brauchen es.")
    name = f"netzwerk_sicherung_test_{os.getpid()}"
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sicherung(settings, tmp_path) -> Path:
    """A backup, by the command, of the test database with a few rows and files."""
    settings.MEDIA_ROOT = tmp_path / "media-quelle"
    organisation = OrganisationFactory(name="Kita Wolke", slug="kita-wolke")
    PersonFactory.create_batch(3, organisation=organisation)
    for name, daten in DATEIEN.items():
        assert default_storage.save(name, ContentFile(daten)) == name
    call_command("sicherung_erstellen", str(tmp_path / "sicherung"), stdout=open(os.devnull, "w"))
    return tmp_path / "sicherung"


def _manage(*args: str, datenbank: str, media: Path) -> subprocess.CompletedProcess:
    """A manage.py command against `datenbank` on the test server and the folder `media`."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "netzwerk.settings",  # as in operation, not the test overrides
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{datenbank}",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _gleich_je_tabelle(ausgabe: str) -> dict[str, str]:
    """Table name -> "ja"/"nein" from the comparison's table."""
    zeilen = ausgabe.split("-" * 20, 1)[1].split("\n\n", 1)[0].split("\n")
    return {teile[0]: teile[-1] for teile in (z.split() for z in zeilen) if len(teile) == 4}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_equals_it_table_by_table_and_file_by_file(
    sicherung, ziel_datenbank, tmp_path
):
    manifest = json.loads((sicherung / "manifest.json").read_text())
    assert manifest["datenbank"]["tabellen"]["akteure_organisation"]["zeilen"] == 1
    assert manifest["datenbank"]["tabellen"]["akteure_person"]["zeilen"] == 3
    assert {name: info["sha256"] for name, info in manifest["dateien"].items()} == {
        name: hashlib.sha256(daten).hexdigest() for name, daten in DATEIEN.items()
    }

    media = tmp_path / "media-ziel"
    result = _manage(
        "sicherung_wiederherstellen", str(sicherung), datenbank=ziel_datenbank, media=media
    )

    assert result.returncode == 0, result.stderr
    gleich = _gleich_je_tabelle(result.stdout)
    assert gleich.keys() == manifest["datenbank"]["tabellen"].keys()
    assert {"akteure_organisation", "django_migrations", "account_emailaddress"} <= gleich.keys()
    assert set(gleich.values()) == {"ja"}
    assert "Dateien gleich: ja" in result.stdout
    assert {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()} == DATEIEN.keys()

    again = _manage(
        "sicherung_wiederherstellen", str(sicherung), datenbank=ziel_datenbank, media=media
    )
    assert again.returncode != 0
    assert "enthält bereits Tabellen des Portals" in again.stderr


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_changed_row_a_missing_row_and_a_changed_file_are_differences(
    sicherung, ziel_datenbank, tmp_path
):
    media = tmp_path / "media-ziel"
    restored = _manage(
        "sicherung_wiederherstellen", str(sicherung), datenbank=ziel_datenbank, media=media
    )
    assert restored.returncode == 0, restored.stderr
    params = {**connection.get_connection_params(), "dbname": ziel_datenbank}
    with psycopg.connect(**params, autocommit=True) as ziel:
        # Same number of rows, one value changed: only the checksum can tell.
        ziel.execute("UPDATE akteure_organisation SET name = 'Kita Regen'")
        ziel.execute("DELETE FROM akteure_person WHERE id = (SELECT max(id) FROM akteure_person)")
    (media / "logos" / "kita-wolke.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * 5000)

    result = _manage("sicherung_vergleichen", str(sicherung), datenbank=ziel_datenbank, media=media)

    assert result.returncode != 0
    assert "weichen von der Sicherung ab" in result.stderr
    gleich = _gleich_je_tabelle(result.stdout)
    assert {name for name, wert in gleich.items() if wert == "nein"} == {
        "akteure_organisation",
        "akteure_person",
    }
    assert "logos/kita-wolke.png: Inhalt verschieden" in result.stdout
    assert "Dateien gleich: nein" in result.stdout


def _sqlite_db(path: Path) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def test_a_sqlite_database_is_backed_up_restored_and_compared_too(tmp_path):
    quelle = tmp_path / "quelle.sqlite3"
    with sqlite3.connect(quelle) as db:
        db.execute("CREATE TABLE akteure_organisation (id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO akteure_organisation (name) VALUES (?)", [("A",), ("B",)])
    db.close()
    speicher = FileSystemStorage(location=tmp_path / "media-quelle")
    speicher.save("logos/a.png", ContentFile(b"png"))
    sicherung_erstellen(ziel=tmp_path / "s", db=_sqlite_db(quelle), storage=speicher)
    ziel, ziel_speicher = tmp_path / "ziel.sqlite3", FileSystemStorage(tmp_path / "media-ziel")

    sicherung_wiederherstellen(quelle=tmp_path / "s", db=_sqlite_db(ziel), storage=ziel_speicher)

    vergleich = sicherung_vergleichen(
        quelle=tmp_path / "s", db=_sqlite_db(ziel), storage=ziel_speicher
    )
    assert vergleich.gleich
    assert vergleich.tabellen == [("akteure_organisation", 2, 2, True)]
    with sqlite3.connect(ziel) as db:
        db.execute("UPDATE akteure_organisation SET name = 'C' WHERE id = 2")
    db.close()
    vergleich = sicherung_vergleichen(
        quelle=tmp_path / "s", db=_sqlite_db(ziel), storage=ziel_speicher
    )
    assert vergleich.tabellen == [("akteure_organisation", 2, 2, False)]
    assert not vergleich.gleich
