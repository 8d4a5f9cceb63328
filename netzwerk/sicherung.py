"""Backup and restore of the whole portal: the database and every file of the default storage,
with a manifest that says what a correct restore must contain.

A backup is a folder:
    manifest.json        written last: a folder without it is an unfinished backup
    datenbank.dump       pg_dump --format=custom (PostgreSQL) or datenbank.sqlite3 (SQLite)
    dateien/<name>       every file of `default_storage`, under its storage name

The manifest holds per table the row count and a checksum, per file its size and sha256, and the
sha256 of the dump. `sicherung_vergleichen` recomputes the same figures from the configured
database and storage, so a restore is proven equal, not assumed.

Consistency: on PostgreSQL the table figures are computed in the very snapshot pg_dump reads (a
REPEATABLE READ transaction exports it, pg_dump joins it with --snapshot), so they describe exactly
the dumped rows while the portal keeps writing. Files are copied AFTER the dump: rows reference
uploads, never the other way round, so every file a dumped row names already exists when the copy
starts. An upload that arrives during the backup is copied too although no dumped row names it;
such an extra file is harmless. A file deleted between dump and copy cannot be saved any more; it is
reported as missing (a warning, the backup goes on).

The storage is walked through Django's storage API only (listdir, open, save, delete), so the same
code backs up a FileSystemStorage folder and an S3 bucket (django-storages).
"""

import hashlib
import json
import os
import posixpath
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP_POSTGRES = "datenbank.dump"
DUMP_SQLITE = "datenbank.sqlite3"
DATEIEN = "dateien"
FORMAT = 1
CHUNK = 1 << 20

# Django's OPTIONS that are libpq connection parameters, and the environment variables pg_dump and
# pg_restore read them from: the password never appears on a command line (ps would show it).
LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}

# The text form of a row depends on session settings (a timestamptz prints in the session's time
# zone): fixed here, so backup and restore compute the same checksum for the same row.
SESSION_SQL = (
    "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
    "SET extra_float_digits = 1; SET bytea_output = 'hex'"
)
TABLES_SQL = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname
"""
# md5 of each row's text, the md5s sorted (bytewise, "C"), and the md5 of their concatenation: the
# same multiset of rows gives the same checksum whatever the primary key, its collation or the
# physical order; one changed, missing or extra row changes it. Hashing rows first keeps the
# aggregated string at 32 bytes a row, far below PostgreSQL's 1 GB limit for a text value.
CHECKSUM_SQL = """
    SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''))
    FROM (SELECT md5(sicherung_zeile::text) AS h FROM {} AS sicherung_zeile) AS hashes
"""


class SicherungFehler(Exception):
    """A backup or restore that cannot go on; the message is for the person running it."""


@dataclass
class Vergleich:
    """The figures of a backup next to those of the configured database and storage."""

    tabellen: list[tuple[str, int | None, int | None, bool]]  # name, rows backup, rows now, equal
    dateien_sicherung: tuple[int, int, str]  # count, bytes, checksum over all files
    dateien_jetzt: tuple[int, int, str]
    abweichende_dateien: list[tuple[str, str]] = field(default_factory=list)  # name, why

    @property
    def tabellen_gleich(self) -> bool:
        return all(gleich for *_, gleich in self.tabellen)

    @property
    def dateien_gleich(self) -> bool:
        return not self.abweichende_dateien and self.dateien_sicherung == self.dateien_jetzt

    @property
    def gleich(self) -> bool:
        return self.tabellen_gleich and self.dateien_gleich


# --- Database: connection -------------------------------------------------------------------------
def _engine(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise SicherungFehler(f"Datenbank-Typ {engine} wird nicht unterstützt (PostgreSQL, SQLite).")


def _libpq_params(db: dict) -> dict[str, str]:
    params = {
        "dbname": db.get("NAME"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }
    options = db.get("OPTIONS") or {}
    params.update({key: options[key] for key in LIBPQ_ENV if key in options})
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.update({LIBPQ_ENV[key]: value for key, value in _libpq_params(db).items()})
    return env


def _pg_connect(db: dict):
    import psycopg

    connection = psycopg.connect(**_libpq_params(db), autocommit=True)
    connection.execute(SESSION_SQL)
    return connection


def _run(command: list[str], db: dict) -> None:
    try:
        result = subprocess.run(command, env=_pg_env(db), capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise SicherungFehler(
            f"{command[0]} fehlt: bitte die PostgreSQL-Client-Programme installieren "
            "(Debian: postgresql-client) und in den PATH legen."
        ) from exc
    if result.returncode != 0:
        raise SicherungFehler(f"{command[0]} ist gescheitert:\n{result.stderr.strip()}")


# --- Database: figures ----------------------------------------------------------------------------
def _pg_tabellen(connection) -> dict[str, dict]:
    from psycopg import sql

    stand = {}
    for (name,) in connection.execute(TABLES_SQL).fetchall():
        query = sql.SQL(CHECKSUM_SQL).format(sql.Identifier("public", name))
        zeilen, pruefsumme = connection.execute(query).fetchone()
        stand[name] = {"zeilen": zeilen, "pruefsumme": pruefsumme}
    return stand


def _sqlite_tabellen(path: str) -> dict[str, dict]:
    """The same checksum as CHECKSUM_SQL, computed in Python over each row's repr."""
    with _sqlite_open(path) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        stand = {}
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            hashes = sorted(
                hashlib.md5(repr(row).encode()).hexdigest()
                for row in connection.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            )
            pruefsumme = hashlib.md5("".join(hashes).encode()).hexdigest()
            stand[name] = {"zeilen": len(hashes), "pruefsumme": pruefsumme}
    return stand


class _sqlite_open:
    """sqlite3's own context manager commits but does not close; this one closes."""

    def __init__(self, path: str):
        self.connection = sqlite3.connect(path)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def datenbank_stand(*, db: dict) -> dict[str, dict]:
    """Row count and checksum of every table of the database `db` (a DATABASES entry)."""
    if _engine(db) == "sqlite":
        return _sqlite_tabellen(db["NAME"])
    with _pg_connect(db) as connection:
        return _pg_tabellen(connection)


def _pg_sichern(db: dict, ziel: Path) -> dict:
    """pg_dump and the table figures from one snapshot: the manifest describes the dump exactly."""
    with _pg_connect(db) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        (snapshot,) = connection.execute("SELECT pg_export_snapshot()").fetchone()
        # The snapshot stays importable while this transaction is open, i.e. until the figures
        # below are computed.
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={ziel / DUMP_POSTGRES}",
            ],
            db,
        )
        tabellen = _pg_tabellen(connection)
        (version,) = connection.execute("SHOW server_version").fetchone()
        connection.execute("COMMIT")
    return {"typ": "postgresql", "datei": DUMP_POSTGRES, "server": version, "tabellen": tabellen}


def _sqlite_sichern(db: dict, ziel: Path) -> dict:
    """The backup API copies a consistent state; the figures come from the copy itself."""
    with _sqlite_open(db["NAME"]) as quelle, _sqlite_open(str(ziel / DUMP_SQLITE)) as kopie:
        quelle.backup(kopie)
    tabellen = _sqlite_tabellen(str(ziel / DUMP_SQLITE))
    return {"typ": "sqlite", "datei": DUMP_SQLITE, "tabellen": tabellen}


def _hat_tabellen(db: dict) -> bool:
    if _engine(db) == "sqlite":
        return Path(db["NAME"]).exists() and bool(_sqlite_tabellen(db["NAME"]))
    with _pg_connect(db) as connection:
        return bool(connection.execute(TABLES_SQL).fetchall())


def _leeren(db: dict, storage: Storage) -> None:
    # SQLite needs nothing: the backup API overwrites the whole target file.
    if _engine(db) == "postgresql":
        with _pg_connect(db) as connection:
            connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    for name in list(speicher_dateien(storage)):
        storage.delete(name)


def _einspielen(db: dict, quelle: Path, manifest: dict) -> None:
    datei = quelle / manifest["datenbank"]["datei"]
    if manifest["datenbank"]["typ"] != _engine(db):
        raise SicherungFehler(
            f"Die Sicherung stammt aus {manifest['datenbank']['typ']}, eingestellt ist "
            f"{_engine(db)}: eine Sicherung lässt sich nur in denselben Datenbank-Typ "
            "zurückspielen."
        )
    if _sha256_datei(datei)[1] != manifest["datenbank"]["sha256"]:
        raise SicherungFehler(f"{datei} ist beschädigt: die Prüfsumme passt nicht zum Manifest.")
    if _engine(db) == "sqlite":
        with _sqlite_open(str(datei)) as sicherung, _sqlite_open(db["NAME"]) as ziel:
            sicherung.backup(ziel)
        return
    # One transaction: a restore that fails half-way leaves the database empty, not half-full.
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={db['NAME']}",
            str(datei),
        ],
        db,
    )


# --- Files ----------------------------------------------------------------------------------------
def speicher_dateien(storage: Storage, pfad: str = "") -> Iterator[str]:
    """Every file name in `storage`, depth first, through listdir only (works for S3 as well)."""
    try:
        ordner, dateien = storage.listdir(pfad)
    except FileNotFoundError:  # FileSystemStorage before the first upload
        return
    for name in sorted(dateien):
        yield posixpath.join(pfad, name)
    for name in sorted(ordner):
        yield from speicher_dateien(storage, posixpath.join(pfad, name))


def _kopieren(quelle, ziel=None) -> tuple[int, str]:
    """Size and sha256 of a stream, written to `ziel` on the way if given."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: quelle.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
        if ziel is not None:
            ziel.write(chunk)
    return size, digest.hexdigest()


def _sha256_datei(path: Path) -> tuple[int, str]:
    with path.open("rb") as handle:
        return _kopieren(handle)


def _sicherer_pfad(basis: Path, name: str) -> Path:
    teile = name.split("/")
    if name.startswith("/") or any(teil in ("", ".", "..") for teil in teile):
        raise SicherungFehler(f"Unzulässiger Dateiname in der Sicherung: {name!r}")
    return basis.joinpath(*teile)


def _dateien_sichern(storage: Storage, ziel: Path, warnen: Callable[[str], None]) -> dict:
    dateien = {}
    for name in speicher_dateien(storage):
        pfad = _sicherer_pfad(ziel / DATEIEN, name)
        pfad.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as quelle, pfad.open("wb") as kopie:
                size, sha256 = _kopieren(quelle, kopie)
        except FileNotFoundError:
            pfad.unlink(missing_ok=True)
            warnen(f"Datei während der Sicherung gelöscht, nicht gesichert: {name}")
            continue
        dateien[name] = {"bytes": size, "sha256": sha256}
    return dateien


def speicher_stand(*, storage: Storage) -> dict[str, dict]:
    """Size and sha256 of every file in `storage`."""
    stand = {}
    for name in speicher_dateien(storage):
        with storage.open(name, "rb") as handle:
            size, sha256 = _kopieren(handle)
        stand[name] = {"bytes": size, "sha256": sha256}
    return stand


def _dateien_einspielen(storage: Storage, quelle: Path, dateien: dict) -> None:
    for name in dateien:
        with _sicherer_pfad(quelle / DATEIEN, name).open("rb") as handle:
            gespeichert = storage.save(name, File(handle, name=posixpath.basename(name)))
        if gespeichert != name:
            raise SicherungFehler(f"Die Ablage hat {name} als {gespeichert} gespeichert.")


def _summe(dateien: dict) -> tuple[int, int, str]:
    """Count, bytes and one checksum over all names and contents."""
    zeilen = "".join(f"{name}\t{info['sha256']}\n" for name, info in sorted(dateien.items()))
    gesamt = sum(info["bytes"] for info in dateien.values())
    return len(dateien), gesamt, hashlib.sha256(zeilen.encode()).hexdigest()


# --- The three operations -------------------------------------------------------------------------
def manifest_lesen(quelle: Path) -> dict:
    try:
        manifest = json.loads((quelle / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SicherungFehler(
            f"In {quelle} liegt kein {MANIFEST}: keine (oder eine unfertige) Sicherung."
        ) from exc
    if manifest.get("format") != FORMAT:
        raise SicherungFehler(f"Unbekanntes Sicherungsformat {manifest.get('format')!r}.")
    return manifest


def sicherung_erstellen(
    *, ziel: Path, db: dict, storage: Storage, warnen: Callable[[str], None] = print
) -> dict:
    """Back the database `db` and every file of `storage` up into the empty folder `ziel`; return
    the manifest. Files after the dump, so every file a dumped row references is in the backup."""
    if ziel.exists() and any(ziel.iterdir()):
        raise SicherungFehler(f"{ziel} ist nicht leer: eine Sicherung braucht ein leeres Ziel.")
    ziel.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    datenbank = (_pg_sichern if _engine(db) == "postgresql" else _sqlite_sichern)(db, ziel)
    datenbank["bytes"], datenbank["sha256"] = _sha256_datei(ziel / datenbank["datei"])
    dauer_datenbank = time.monotonic() - start
    dateien = _dateien_sichern(storage, ziel, warnen)
    manifest = {
        "format": FORMAT,
        "erstellt": timezone.now().isoformat(),
        "datenbank": datenbank,
        "speicher": f"{type(storage).__module__}.{type(storage).__qualname__}",
        "dateien": dateien,
        "dauer_sekunden": {
            "datenbank": round(dauer_datenbank, 3),
            "dateien": round(time.monotonic() - start - dauer_datenbank, 3),
        },
    }
    # Last, and atomically: a backup folder with a manifest is a complete backup.
    (ziel / f"{MANIFEST}.tmp").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    os.replace(ziel / f"{MANIFEST}.tmp", ziel / MANIFEST)
    return manifest


def sicherung_wiederherstellen(
    *, quelle: Path, db: dict, storage: Storage, leeren: bool = False
) -> dict[str, float]:
    """Restore a backup into the database `db` and `storage`, which must be empty unless `leeren`
    says to empty them first (a restore never mixes old and restored rows). Returns durations."""
    manifest = manifest_lesen(quelle)
    vorhandene = next(speicher_dateien(storage), None)
    if not leeren:
        if _hat_tabellen(db):
            raise SicherungFehler(
                f"Die Datenbank {db['NAME']} enthält bereits Tabellen des Portals. "
                "Wiederherstellen nur in eine leere Datenbank, oder mit --leeren "
                "(löscht alle Tabellen vorher)."
            )
        if vorhandene is not None:
            raise SicherungFehler(
                f"Die Dateiablage ist nicht leer (z. B. {vorhandene}). "
                "Wiederherstellen nur in eine leere Ablage, oder mit --leeren "
                "(löscht alle Dateien vorher)."
            )
    start = time.monotonic()
    if leeren:
        _leeren(db, storage)
    _einspielen(db, quelle, manifest)
    dauer_datenbank = time.monotonic() - start
    _dateien_einspielen(storage, quelle, manifest["dateien"])
    return {
        "datenbank": round(dauer_datenbank, 3),
        "dateien": round(time.monotonic() - start - dauer_datenbank, 3),
    }


def sicherung_vergleichen(*, quelle: Path, db: dict, storage: Storage) -> Vergleich:
    """Recompute row counts and checksums of every table and file and set them beside the
    manifest's; a table or file on only one side counts as a difference."""
    manifest = manifest_lesen(quelle)
    gesichert = manifest["datenbank"]["tabellen"]
    jetzt = datenbank_stand(db=db)
    tabellen = []
    for name in sorted(gesichert.keys() | jetzt.keys()):
        alt, neu = gesichert.get(name), jetzt.get(name)
        tabellen.append(
            (name, alt and alt["zeilen"], neu and neu["zeilen"], alt is not None and alt == neu)
        )
    dateien_alt, dateien_neu = manifest["dateien"], speicher_stand(storage=storage)
    abweichend = []
    for name in sorted(dateien_alt.keys() | dateien_neu.keys()):
        if name not in dateien_neu:
            abweichend.append((name, "fehlt"))
        elif name not in dateien_alt:
            abweichend.append((name, "nicht in der Sicherung"))
        elif dateien_alt[name] != dateien_neu[name]:
            abweichend.append((name, "Inhalt verschieden"))
    return Vergleich(tabellen, _summe(dateien_alt), _summe(dateien_neu), abweichend)


def vergleich_text(vergleich: Vergleich) -> str:
    """The comparison as a plain table for the terminal."""
    breite = max([len("Tabelle")] + [len(name) for name, *_ in vergleich.tabellen])

    def zahl(wert: int | None) -> str:
        return "-" if wert is None else str(wert)

    def janein(wert: bool) -> str:
        return "ja" if wert else "nein"

    kopf = f"{'Tabelle':<{breite}}  Zeilen Sicherung  Zeilen wiederhergestellt  gleich"
    zeilen = [kopf, "-" * len(kopf)]
    for name, alt, neu, gleich in vergleich.tabellen:
        zeilen.append(f"{name:<{breite}}  {zahl(alt):>16}  {zahl(neu):>24}  {janein(gleich)}")
    (anzahl_alt, bytes_alt, summe_alt), (anzahl_neu, bytes_neu, summe_neu) = (
        vergleich.dateien_sicherung,
        vergleich.dateien_jetzt,
    )
    zeilen += [
        "",
        f"Dateien Sicherung:         {anzahl_alt} ({bytes_alt} Bytes, sha256 {summe_alt[:16]})",
        f"Dateien wiederhergestellt: {anzahl_neu} ({bytes_neu} Bytes, sha256 {summe_neu[:16]})",
        f"Dateien gleich: {janein(vergleich.dateien_gleich)}",
    ]
    zeilen += [f"  {name}: {grund}" for name, grund in vergleich.abweichende_dateien]
    zeilen_summe = sum(alt or 0 for _, alt, _, _ in vergleich.tabellen)
    ungleich = [name for name, *_, gleich in vergleich.tabellen if not gleich]
    if vergleich.gleich:
        zeilen.append(
            f"Alles gleich: {len(vergleich.tabellen)} Tabellen, {zeilen_summe} Zeilen, "
            f"{anzahl_alt} Dateien, {bytes_alt} Bytes."
        )
    else:
        zeilen.append(
            f"UNTERSCHIEDE: {len(ungleich)} Tabellen ({', '.join(ungleich) or 'keine'}), "
            f"{len(vergleich.abweichende_dateien)} Dateien."
        )
    return "\n".join(zeilen)
