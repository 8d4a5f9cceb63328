"""Import of organisations, persons and offers from CSV or XLSX, as coordinators have them in Excel.

Read the table, map its columns to fields, check every row (a German message per problem), then
write all rows in one transaction or none. Duplicates (by name, e-mail, or title within the
organisation) are found in the file and in the directory and skipped, never created twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Zielgruppe
from netzwerk.text import norm_name as _norm

from .models import Angebot, Import, Organisation, Organisationstyp, Person
from .stand import stand_erneuern

PHONE = re.compile(r"^\+?[0-9][0-9 ()/\-]{4,28}[0-9]$")
POSTCODE = re.compile(r"^[0-9]{5}$")


@dataclass(frozen=True)
class Feld:
    name: str
    label: str
    required: bool = False
    max_length: int = 200
    synonyms: tuple[str, ...] = ()


FELDER: dict[str, list[Feld]] = {
    Import.Art.ORGANISATIONEN: [
        Feld("name", "Name", True, synonyms=("organisation", "einrichtung", "traeger")),
        Feld("typ", "Typ", True, synonyms=("organisationstyp", "art", "bereich")),
        Feld("sozialraum", "Sozialraum", synonyms=("stadtteil", "quartier")),
        Feld("street", "Straße", synonyms=("strasse", "adresse", "anschrift")),
        Feld("postcode", "PLZ", max_length=5, synonyms=("postleitzahl",)),
        Feld("city", "Ort", max_length=100, synonyms=("stadt",)),
        Feld("website", "Website", synonyms=("internet", "homepage", "url")),
        Feld("email", "E-Mail", max_length=254, synonyms=("mail", "e-mail-adresse")),
        Feld("phone", "Telefon", max_length=40, synonyms=("tel", "telefonnummer")),
        Feld("description", "Beschreibung", max_length=5000, synonyms=("kurzbeschreibung",)),
        Feld("breite", "Breitengrad", max_length=20, synonyms=("lat", "latitude", "breite")),
        Feld("laenge", "Längengrad", max_length=20, synonyms=("lon", "lng", "longitude", "laenge")),
    ],
    Import.Art.PERSONEN: [
        Feld("first_name", "Vorname", True, 100),
        Feld("last_name", "Nachname", True, 100, synonyms=("name", "familienname")),
        Feld("organisation", "Organisation", True, synonyms=("einrichtung", "traeger")),
        Feld("function", "Funktion", synonyms=("position", "rolle")),
        Feld("email", "E-Mail", max_length=254, synonyms=("mail", "e-mail-adresse")),
        Feld("phone", "Telefon", max_length=40, synonyms=("tel", "telefonnummer")),
    ],
    Import.Art.ANGEBOTE: [
        Feld("title", "Titel", True, synonyms=("angebot", "name", "bezeichnung")),
        Feld("organisation", "Organisation", True, synonyms=("anbieter", "einrichtung")),
        Feld("description", "Beschreibung", max_length=5000),
        Feld("lebensphasen", "Lebensphasen", max_length=1000, synonyms=("lebensphase", "alter")),
        Feld("handlungsfelder", "Handlungsfelder", max_length=1000, synonyms=("handlungsfeld",)),
        Feld("zielgruppen", "Zielgruppen", max_length=1000, synonyms=("zielgruppe",)),
        Feld("sozialraum", "Sozialraum", synonyms=("stadtteil", "quartier")),
        Feld("languages", "Sprachen", synonyms=("sprache",)),
        Feld("cost", "Kosten", synonyms=("preis", "gebuehr")),
        Feld("website", "Website", synonyms=("internet", "homepage", "url")),
    ],
}
KOSTEN = {
    "kostenlos": Angebot.Kosten.KOSTENLOS,
    "gratis": Angebot.Kosten.KOSTENLOS,
    "frei": Angebot.Kosten.KOSTENLOS,
    "0": Angebot.Kosten.KOSTENLOS,
    "ermaessigt": Angebot.Kosten.ERMAESSIGT,
    "ermaeßigt": Angebot.Kosten.ERMAESSIGT,
    "beitrag": Angebot.Kosten.ERMAESSIGT,
    "kostenpflichtig": Angebot.Kosten.KOSTENPFLICHTIG,
}


def guess_mapping(art: str, headers: list[str]) -> dict[str, int]:
    """Which column holds which field, guessed from the header names."""
    mapping: dict[str, int] = {}
    normalized = [_norm(h) for h in headers]
    for feld in FELDER[art]:
        candidates = {_norm(feld.name), _norm(feld.label), *(_norm(s) for s in feld.synonyms)}
        for index, header in enumerate(normalized):
            if header in candidates and index not in mapping.values():
                mapping[feld.name] = index
                break
    return mapping


# --- Checking ---------------------------------------------------------------------------------
@dataclass
class Pruefung:
    rows: list[dict] = field(default_factory=list)  # cleaned rows that will be written
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _Lookup:
    """Names of vocabularies and organisations, loaded once per check (not once per row)."""

    def __init__(self, art: str):
        self.typen = {_norm(t.name): t for t in Organisationstyp.objects.filter(active=True)}
        self.sozialraeume = {_norm(s.name): s for s in Sozialraum.objects.filter(active=True)}
        self.zuordner = None  # the districts' boundaries, loaded on the first coordinates
        self.organisationen = (
            {_norm(o.name): o for o in Organisation.objects.only("pk", "name")}
            if art != Import.Art.ORGANISATIONEN
            else {}
        )
        if art == Import.Art.ANGEBOTE:
            self.lebensphasen = {_norm(p.name): p for p in Lebensphase.objects.filter(active=True)}
            self.handlungsfelder = {
                _norm(h.name): h for h in Handlungsfeld.objects.filter(active=True)
            }
            self.zielgruppen = {_norm(z.name): z for z in Zielgruppe.objects.filter(active=True)}


def _one(lookup: dict, value: str, what: str, errors: list[str], where: str):
    if not value:
        return None
    found = lookup.get(_norm(value))
    if found is None:
        allowed = ", ".join(sorted(o.name for o in lookup.values())[:12]) or "keine"
        errors.append(f"{where}: {what} „{value}“ ist unbekannt. Möglich: {allowed}.")
    return found


def _many(lookup: dict, value: str, what: str, errors: list[str], where: str) -> list:
    parts = [p for p in re.split(r"[;,|\n]", value) if p.strip()]
    return [o for o in (_one(lookup, p.strip(), what, errors, where) for p in parts) if o]


def _check_row(art: str, raw: dict[str, str], lookup: _Lookup, where: str, errors: list[str]):
    clean: dict = {}
    for feld in FELDER[art]:
        value = raw.get(feld.name, "").strip()
        if feld.required and not value:
            errors.append(f"{where}: „{feld.label}“ fehlt.")
        elif len(value) > feld.max_length:
            errors.append(f"{where}: „{feld.label}“ ist zu lang (höchstens {feld.max_length}).")
        clean[feld.name] = value
    if email := clean.get("email"):
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"{where}: „{email}“ ist keine gültige E-Mail-Adresse.")
    if website := clean.get("website"):
        if "://" not in website:
            website = clean["website"] = f"https://{website}"
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors.append(f"{where}: „{website}“ ist keine gültige Internetadresse.")
    if phone := clean.get("phone"):
        if not PHONE.match(phone):
            errors.append(f"{where}: „{phone}“ ist keine Telefonnummer (nur Ziffern, + / - ( )).")
    if "postcode" in clean and clean["postcode"]:
        if clean["postcode"].isdigit() and len(clean["postcode"]) == 4:
            clean["postcode"] = "0" + clean["postcode"]  # Excel drops the leading zero
        if not POSTCODE.match(clean["postcode"]):
            errors.append(f"{where}: „{clean['postcode']}“ ist keine fünfstellige PLZ.")
    if "typ" in clean:
        clean["typ"] = _one(lookup.typen, clean["typ"], "Typ", errors, where)
    if "sozialraum" in clean:
        clean["sozialraum"] = _one(
            lookup.sozialraeume, clean["sozialraum"], "Sozialraum", errors, where
        )
    if art == Import.Art.ORGANISATIONEN:
        _check_coordinates(clean, lookup, where, errors)
    if "organisation" in clean:
        clean["organisation"] = _one(
            lookup.organisationen, clean["organisation"], "Organisation", errors, where
        )
    if art == Import.Art.ANGEBOTE:
        clean["lebensphasen"] = _many(
            lookup.lebensphasen, clean["lebensphasen"], "Lebensphase", errors, where
        )
        clean["handlungsfelder"] = _many(
            lookup.handlungsfelder, clean["handlungsfelder"], "Handlungsfeld", errors, where
        )
        clean["zielgruppen"] = _many(
            lookup.zielgruppen, clean["zielgruppen"], "Zielgruppe", errors, where
        )
        cost = _norm(clean["cost"]) if clean["cost"] else "kostenlos"
        clean["cost"] = KOSTEN.get(cost) or next(
            (c for c in Angebot.Kosten if _norm(c.label) == cost), None
        )
        if clean["cost"] is None:
            errors.append(
                f"{where}: Kosten „{raw.get('cost')}“: bitte kostenlos, ermäßigt "
                f"oder kostenpflichtig."
            )
    return clean


def _check_coordinates(clean: dict, lookup: _Lookup, where: str, errors: list[str]) -> None:
    """Breiten-/Längengrad with a German comma or a dot; with them and no Sozialraum given,
    the Sozialraum whose boundary contains the point (akteure.geo)."""
    from .geo import koordinate_lesen, zuordner  # geo reads this module's name matching

    falsch = False
    for name in ("breite", "laenge"):
        try:
            clean[name] = koordinate_lesen(clean.get(name, ""), name)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            clean[name], falsch = None, True
    if falsch:
        return
    if (clean["breite"] is None) != (clean["laenge"] is None):
        errors.append(f"{where}: bitte Breiten- und Längengrad angeben (oder keinen von beiden).")
    elif clean["breite"] is not None and clean.get("sozialraum") is None:
        if lookup.zuordner is None:
            lookup.zuordner = zuordner()
        pk = lookup.zuordner.finde(clean["breite"], clean["laenge"])
        clean["sozialraum"] = next((s for s in lookup.sozialraeume.values() if s.pk == pk), None)


def _duplicate_key(art: str, clean: dict) -> tuple | None:
    if art == Import.Art.ORGANISATIONEN:
        return ("name", _norm(clean["name"]))
    if art == Import.Art.PERSONEN:
        if clean["email"]:
            return ("email", clean["email"].lower())
        org = clean["organisation"].pk if clean["organisation"] else None
        return ("name", _norm(clean["first_name"] + clean["last_name"]), org)
    org = clean["organisation"].pk if clean["organisation"] else None
    return ("title", _norm(clean["title"]), org)


def _existing_keys(art: str) -> set[tuple]:
    if art == Import.Art.ORGANISATIONEN:
        return {("name", _norm(n)) for n in Organisation.objects.values_list("name", flat=True)}
    if art == Import.Art.PERSONEN:
        keys = set()
        for first, last, email, org in Person.objects.values_list(
            "first_name", "last_name", "email", "organisation_id"
        ):
            if email:
                keys.add(("email", email.lower()))
            keys.add(("name", _norm(first + last), org))
        return keys
    return {
        ("title", _norm(t), org) for t, org in Angebot.objects.values_list("title", "organisation")
    }


def check(art: str, rows: list[list[str]], mapping: dict[str, int]) -> Pruefung:
    """Check every row; nothing is written. Row numbers count the header as row 1, as Excel does."""
    result = Pruefung(total=len(rows))
    lookup = _Lookup(art)
    missing = [f.label for f in FELDER[art] if f.required and f.name not in mapping]
    if missing:
        result.errors.append(f"Bitte ordnen Sie eine Spalte zu für: {', '.join(missing)}.")
        return result
    seen = _existing_keys(art)
    for number, row in enumerate(rows, start=2):
        where = f"Zeile {number}"
        raw = {name: row[index] for name, index in mapping.items() if index < len(row)}
        errors_before = len(result.errors)
        clean = _check_row(art, raw, lookup, where, result.errors)
        if len(result.errors) > errors_before:
            continue
        key = _duplicate_key(art, clean)
        if key in seen:
            label = (
                clean.get("name")
                or clean.get("title")
                or clean.get("email")
                or (f"{clean.get('first_name')} {clean.get('last_name')}")
            )
            result.duplicates.append(f"{where}: „{label}“ gibt es schon – wird übersprungen.")
            continue
        seen.add(key)
        result.rows.append(clean)
    return result


# --- Writing ----------------------------------------------------------------------------------
class _Slugs:
    def __init__(self, model):
        self.taken = set(model.objects.values_list("slug", flat=True))

    def make(self, text: str, fallback: str) -> str:
        base = slugify(text)[:200] or fallback
        slug, n = base, 1
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug)
        return slug


def execute(
    imp: Import,
    rows: list[list[str]],
    *,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,
) -> Pruefung:
    """Check again (the directory may have changed since the preview) and write every row, or,
    when any row is wrong, nothing at all."""
    result = check(imp.art, rows, imp.mapping)
    if not result.ok:
        return result
    user = imp.created_by
    reason = f"Import {imp.filename}"
    with transaction.atomic():
        for start in range(0, len(result.rows), batch):
            chunk = result.rows[start : start + batch]
            _write(imp.art, chunk, user, reason)
            if progress:
                progress(start + len(chunk))
        stand_erneuern()  # bulk creates send no signals
    return result


def _write(art: str, chunk: list[dict], user, reason: str) -> None:
    if art == Import.Art.ORGANISATIONEN:
        slugs = _Slugs(Organisation)
        objs = [Organisation(slug=slugs.make(c["name"], "organisation"), **c) for c in chunk]
        bulk_create_with_history(
            objs, Organisation, default_user=user, default_change_reason=reason
        )
    elif art == Import.Art.PERSONEN:
        objs = [Person(**c) for c in chunk]
        bulk_create_with_history(objs, Person, default_user=user, default_change_reason=reason)
    else:
        slugs = _Slugs(Angebot)
        m2m = {
            "lebensphasen": "lebensphase_id",
            "handlungsfelder": "handlungsfeld_id",
            "zielgruppen": "zielgruppe_id",
        }
        objs = [
            Angebot(
                slug=slugs.make(c["title"], "angebot"),
                **{k: v for k, v in c.items() if k not in m2m},
            )
            for c in chunk
        ]
        created = bulk_create_with_history(
            objs, Angebot, default_user=user, default_change_reason=reason
        )
        for name, target in m2m.items():
            through = getattr(Angebot, name).through
            through.objects.bulk_create(
                through(angebot_id=obj.pk, **{target: item.pk})
                for obj, clean in zip(created, chunk, strict=True)
                for item in clean[name]
            )
