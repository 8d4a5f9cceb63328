"""The German profile of HSDS 3.0: how the registry's rows become Open Referral objects.

Pure functions over rows the selectors have loaded; no queries here. Every id is either a stored
UUID (Angebot, Organisation, vocabulary term) or derived from one with uuid5, so an object keeps
its id from one export to the next and a consumer can update instead of duplicating.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from akteure.models import Angebot, Angebotszeit, Organisation

HSDS_VERSION = "3.0"
# Fixed namespace of this profile: the taxonomies and the feature terms are derived from it.
NAMESPACE = uuid.UUID("5d2f0f3e-8b2a-4c1e-9a51-7f3c2b6e4d10")
WOCHENTAGE = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

# The registry's vocabularies as HSDS taxonomies: key, name, description, link_type of the
# attribute that ties a service to one of its terms, the Angebot field holding the terms.
TAXONOMIEN = [
    ("lebensphasen", "Lebensphasen",
     "Lebensphasen der Präventionskette, von der Schwangerschaft bis zum Berufseinstieg; "
     "jede mit Altersspanne in Monaten.", "eligibility", "lebensphasen"),
    ("handlungsfelder", "Handlungsfelder",
     "Themen der Angebote (Sprache und Bildung, Gesundheit, ...).", "service_type",
     "handlungsfelder"),
    ("zielgruppen", "Zielgruppen", "An wen sich ein Angebot richtet.", "audience", "zielgruppen"),
    ("sozialraeume", "Sozialräume", "Stadtteile und Sozialräume, in denen ein Angebot stattfindet.",
     "service_area", "sozialraum"),
    ("merkmale", "Merkmale", "Weitere Merkmale eines Angebots (barrierefreier Zugang).",
     "accessibility", None),
]  # fmt: skip
MERKMAL_BARRIEREFREI = ("barrierefrei", "barrierefreier Zugang", "Stufenlos erreichbar, mit "
                        "Rollstuhl nutzbar.")  # fmt: skip


def taxonomy_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{key}"))


def derived_id(parent: uuid.UUID, kind: str) -> str:
    """The id of an object that exists only through its parent (the location of an
    organisation, the schedule of an offer...): stable as long as the parent and kind are."""
    # uuid.uuid5, without building two UUID objects per id: the package derives ~90,000.
    digest = bytearray(hashlib.sha1(parent.bytes + kind.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def barrierefrei_term_id() -> str:
    return str(uuid.uuid5(NAMESPACE, f"term:{MERKMAL_BARRIEREFREI[0]}"))


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HSDS asks for last_modified."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _clean(obj: dict) -> dict:
    """Leave out what has no value: HSDS fields are optional unless required, and an empty
    string where an e-mail or URL belongs would not be one."""
    return {k: v for k, v in obj.items() if v not in (None, "")}


# --- Taxonomies ---------------------------------------------------------------------------------
@cache
def taxonomy(key: str) -> dict:
    for k, name, description, _link, _field in TAXONOMIEN:
        if k == key:
            return {
                "id": taxonomy_id(k),
                "name": name,
                "description": description,
                "version": HSDS_VERSION,
            }
    raise KeyError(key)


@cache
def _label_of(choices, value, language: str) -> str:
    return str(choices(value).label)


def _label(choices, value) -> str:
    """A choice's label, translated once per language rather than once per row."""
    return _label_of(choices, value, get_language())


@cache
def _zone():
    return timezone.get_default_timezone()


@cache
def _pattern(name: str) -> str:
    return reverse(name, kwargs={"slug": "--slug--"})


def _path(name: str, slug: str) -> str:
    return _pattern(name).replace("--slug--", slug)


NULL_UUID = "00000000-0000-0000-0000-000000000000"


@cache
def _guide_pattern() -> str:
    return reverse("wegweiser:angebot-detail", kwargs={"uuid": NULL_UUID})


def guide_path(angebot: Angebot) -> str:
    """The offer's page in the family guide, which shows exactly what the feed publishes."""
    return _guide_pattern().replace(NULL_UUID, str(angebot.uuid))


def term_description(key: str, term) -> str:
    if key == "lebensphasen":
        von, bis = term.alter_von, term.alter_bis
        if von is None and bis is not None:
            return f"vor der Geburt (bis {bis} Monate)"
        if von is not None and bis is not None:
            return f"Alter {von} bis unter {bis} Monate"
        if von is not None:
            return f"Alter ab {von} Monaten"
    return term.name


def taxonomy_term(key: str, term) -> dict:
    tax = taxonomy(key)
    return {
        "id": str(term.uuid),
        "code": term.slug,
        "name": term.name,
        "description": term_description(key, term),
        "taxonomy": tax["name"],
        "taxonomy_id": tax["id"],
        "taxonomy_detail": tax,
        "language": "de",
    }


def barrierefrei_term() -> dict:
    tax = taxonomy("merkmale")
    slug, name, description = MERKMAL_BARRIEREFREI
    return {
        "id": barrierefrei_term_id(),
        "code": slug,
        "name": name,
        "description": description,
        "taxonomy": tax["name"],
        "taxonomy_id": tax["id"],
        "taxonomy_detail": tax,
        "language": "de",
    }


# --- Organisations and their location -------------------------------------------------------
def organization_base(org: Organisation, base_url: str) -> dict:
    """The one-to-one fields (compiled/organization_list.json); description is required."""
    return {"description": org.description} | _clean(
        {
            "id": str(org.uuid),
            "name": org.name,
            "email": org.email,
            "website": org.website,
            "uri": base_url + _path("akteure:organisation-detail", org.slug),
            "logo": base_url + org.logo.url if org.logo else None,
        }
    )


def location(org: Organisation) -> dict | None:
    """The organisation's address as its one physical location; None without address or
    coordinates (a consumer cannot put it on a map or a letter)."""
    has_point = org.breite is not None and org.laenge is not None
    has_address = bool(org.street and org.city)
    if not (has_point or has_address):
        return None
    loc_id = derived_id(org.uuid, "location")
    obj = _clean(
        {
            "id": loc_id,
            "location_type": "physical",
            "organization_id": str(org.uuid),
            "name": org.name,
            "latitude": float(org.breite) if has_point else None,
            "longitude": float(org.laenge) if has_point else None,
        }
    )
    obj["addresses"] = []
    if has_address:
        obj["addresses"].append(
            {
                "id": derived_id(org.uuid, "address"),
                "location_id": loc_id,
                "address_1": org.street,
                "city": org.city,
                "region": org.sozialraum.name if org.sozialraum else "",
                "state_province": settings.HSDS_BUNDESLAND,
                "postal_code": org.postcode,
                "country": "DE",
                "address_type": "physical",
            }
        )
    return obj


def organization_phones(org: Organisation) -> list[dict]:
    if not org.phone:
        return []
    return [
        {
            "id": derived_id(org.uuid, "phone"),
            "organization_id": str(org.uuid),
            "number": org.phone,
            "type": "voice",
        }
    ]


def organization_full(org: Organisation, base_url: str, services: list[dict]) -> dict:
    loc = location(org)
    return organization_base(org, base_url) | {
        "phones": organization_phones(org),
        "locations": [loc] if loc else [],
        "contacts": [],
        "funding": [],
        "programs": [],
        "organization_identifiers": [],
        "attributes": [],
        "metadata": [],
        "services": services,
    }


# --- Services --------------------------------------------------------------------------------
def ages(phasen) -> tuple[float | None, float | None]:
    """Years from the life phases' months: the lowest start, the highest (exclusive) end. An
    open end on either side makes that bound open, so it is left out."""
    von = [p.alter_von for p in phasen]
    bis = [p.alter_bis for p in phasen]
    low = None if not von or None in von else round(min(von) / 12, 2)
    high = None if not bis or None in bis else round(max(bis) / 12, 2)
    return low, high


def _eligibility(angebot: Angebot) -> str:
    parts = []
    if phasen := [p.name for p in angebot.hsds_lebensphasen]:
        parts.append("Lebensphasen: " + ", ".join(phasen))
    if gruppen := [z.name for z in angebot.hsds_zielgruppen]:
        parts.append("Zielgruppen: " + ", ".join(gruppen))
    return "; ".join(parts)


def service_base(angebot: Angebot, base_url: str) -> dict:
    """The one-to-one fields of a service (compiled/service_list.json)."""
    low, high = ages(angebot.hsds_lebensphasen)
    obj = _clean(
        {
            "id": str(angebot.uuid),
            "organization_id": str(angebot.organisation.uuid),
            "name": angebot.title,
            "description": angebot.description,
            "url": angebot.website or base_url + guide_path(angebot),
            "email": angebot.organisation.email,
            "status": "active",
            "fees_description": _label(Angebot.Kosten, angebot.cost),
            "eligibility_description": _eligibility(angebot),
            "minimum_age": low,
            "maximum_age": high,
            "assured_date": timezone.localdate(angebot.confirmed_at, _zone()).isoformat(),
            "last_modified": timestamp(angebot.last_modified),
        }
    )
    if angebot.leichte_sprache:
        obj["alternate_name"] = angebot.title
        obj["application_process"] = angebot.leichte_sprache
    obj["organization"] = organization_base(angebot.organisation, base_url)
    return obj


def _schedule(angebot: Angebot, zeit: Angebotszeit) -> dict:
    return {
        "id": derived_id(angebot.uuid, f"schedule:{zeit.pk}"),
        "service_id": str(angebot.uuid),
        "freq": "WEEKLY",
        "interval": 1,
        "wkst": "MO",
        "byday": WOCHENTAGE[zeit.wochentag],
        "opens_at": zeit.beginn.strftime("%H:%M"),
        "closes_at": zeit.ende.strftime("%H:%M"),
        "description": f"{_label(Angebotszeit.Wochentag, zeit.wochentag)} "
        f"{zeit.beginn:%H:%M}–{zeit.ende:%H:%M} Uhr",
        "notes": "Ortszeit Europe/Berlin",
    }


def _languages(angebot: Angebot) -> list[dict]:
    return [
        _clean(
            {
                "id": derived_id(angebot.uuid, f"language:{s.uuid}"),
                "service_id": str(angebot.uuid),
                "name": s.name,
                "code": s.code,
            }
        )
        for s in angebot.hsds_sprachen
    ]


def _cost_option(angebot: Angebot) -> dict:
    obj = {
        "id": derived_id(angebot.uuid, "cost_option"),
        "service_id": str(angebot.uuid),
        "option": angebot.cost,
        "currency": "EUR",
        "amount_description": _label(Angebot.Kosten, angebot.cost),
    }
    if angebot.cost == Angebot.Kosten.KOSTENLOS:
        obj["amount"] = 0
    return obj


def _contacts(angebot: Angebot) -> list[dict]:
    """The contact person only with an active consent to the public directory."""
    person = angebot.contact
    if person is None or not angebot.contact_consent or person.anonymized_at:
        return []
    contact_id = derived_id(angebot.uuid, "contact")
    obj = _clean(
        {
            "id": contact_id,
            "service_id": str(angebot.uuid),
            "organization_id": str(angebot.organisation.uuid),
            "name": f"{person.first_name} {person.last_name}",
            "title": person.function,
            "email": person.email,
        }
    )
    obj["phones"] = (
        [{"id": derived_id(angebot.uuid, "contact-phone"), "contact_id": contact_id,
          "number": person.phone, "type": "voice"}]
        if person.phone else []
    )  # fmt: skip
    return [obj]


def _attribute(angebot: Angebot, key: str, term: dict, link_type: str) -> dict:
    return {
        "id": derived_id(angebot.uuid, f"attribute:{term['id']}"),
        "link_id": str(angebot.uuid),
        "link_type": link_type,
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _term_of(key: str, term) -> dict:
    """The term's HSDS object, built once per loaded term (selectors share one instance per
    term between all offers of a request)."""
    if not hasattr(term, "_hsds_term"):
        term._hsds_term = taxonomy_term(key, term)
    return term._hsds_term


def raum_von(angebot: Angebot):
    """The offer's Sozialraum, else its organisation's: the same rule as the guide's filter and
    the printed guide's chapters."""
    return angebot.sozialraum or angebot.organisation.sozialraum


def _attributes(angebot: Angebot) -> list[dict]:
    out = []
    for key, _name, _d, link_type, field in TAXONOMIEN:
        if field is None:
            continue
        if field == "sozialraum":
            terms = [raum] if (raum := raum_von(angebot)) else []
        else:
            terms = getattr(angebot, f"hsds_{field}")
        out += [_attribute(angebot, key, _term_of(key, t), link_type) for t in terms]
    if angebot.barrierefrei:
        out.append(_attribute(angebot, "merkmale", barrierefrei_term(), "accessibility"))
    return out


def _service_areas(angebot: Angebot) -> list[dict]:
    raum = raum_von(angebot)
    if raum is None:
        return []
    obj = {
        "id": derived_id(angebot.uuid, "service_area"),
        "service_id": str(angebot.uuid),
        "name": raum.name,
        "description": f"Sozialraum {raum.name}",
    }
    if raum.grenze:
        obj |= {"extent": json.dumps(raum.grenze, separators=(",", ":")), "extent_type": "geojson"}
    return [obj]


def service_at_location(angebot: Angebot, base_url: str, *, with_service: bool) -> dict | None:
    loc = location(angebot.organisation)
    if loc is None:
        return None
    obj = {
        "id": derived_id(angebot.uuid, "service_at_location"),
        "service_id": str(angebot.uuid),
        "location_id": loc["id"],
        "location": loc,
        "description": f"{angebot.title} bei {angebot.organisation.name}",
    }
    if with_service:
        obj["service"] = service_base(angebot, base_url)
    return obj


def service_full(angebot: Angebot, base_url: str) -> dict:
    sal = service_at_location(angebot, base_url, with_service=False)
    return service_base(angebot, base_url) | {
        "phones": [],
        "schedules": [_schedule(angebot, z) for z in angebot.hsds_zeiten],
        "service_areas": _service_areas(angebot),
        "service_at_locations": [sal] if sal else [],
        "languages": _languages(angebot),
        "cost_options": [_cost_option(angebot)],
        "contacts": _contacts(angebot),
        "attributes": _attributes(angebot),
        "funding": [],
        "required_documents": [],
        "metadata": [],
    }


def service_at_location_full(angebot: Angebot, base_url: str) -> dict | None:
    """The link with its location and the fully nested service (openapi: getServiceAtLocation
    WithNestedDataById)."""
    obj = service_at_location(angebot, base_url, with_service=False)
    if obj is None:
        return None
    service = service_full(angebot, base_url)
    return obj | {
        "service": service,
        "schedules": service["schedules"],
        "contacts": service["contacts"],
        "phones": [],
        "attributes": [],
        "metadata": [],
    }


def term_object(term) -> dict:
    """A selectors.Term as HSDS taxonomy_term."""
    if term.key == "merkmale":
        return barrierefrei_term()
    return taxonomy_term(term.key, term.term)


# The profile: what each HSDS field holds here (served at /api/hsds/profil/, and in the README).
PROFIL = {
    "name": "HSDS 3.0, deutsches Profil des Netzwerkportals",
    "hsds_version": HSDS_VERSION,
    "veroeffentlicht": (
        "Angebote mit „öffentlich sichtbar“, die der Wegweiser zeigt: länger als "
        "ANGEBOT_STALE_AFTER_DAYS unbestätigte bleiben (assured_date zeigt es), länger als "
        "WEGWEISER_AUSBLENDEN_TAGE (sonst das Doppelte) unbestätigte fehlen. Organisationen mit "
        "mindestens einem veröffentlichten Angebot. Ansprechpersonen nur mit aktiver Einwilligung "
        "„Nennung im öffentlichen Verzeichnis“; E-Mail und Telefon der Organisation immer."
    ),
    "felder": {
        "service.id / organization.id / taxonomy_term.id": "gespeicherte UUID (ändert sich nie)",
        "abgeleitete ids": "uuid5(UUID des Elternobjekts, Art), z. B. location, schedule:<pk>",
        "service.minimum_age / maximum_age": "Jahre: kleinstes alter_von / größtes alter_bis "
        "(ausschließlich) der Lebensphasen in Monaten ÷ 12; offene Grenze: Feld fehlt",
        "service.assured_date": "Datum „zuletzt bestätigt“ (confirmed_at)",
        "service.last_modified": "jüngste Änderung von Angebot, Organisation, Ansprechperson "
        "oder deren Einwilligung",
        "service.fees_description / cost_options": "Kosten: kostenlos (amount 0), ermaessigt, "
        "kostenpflichtig; Währung EUR",
        "service.application_process": "Kurztext in Leichter Sprache (wenn vorhanden)",
        "service.languages": "Sprachen des Angebots, code nach ISO 639-1 (Leichte Sprache ohne)",
        "service.schedules": "Angebotszeiten: freq WEEKLY, byday MO…SU, opens_at/closes_at "
        "HH:MM in Ortszeit Europe/Berlin",
        "service.service_areas": "Sozialraum, extent als GeoJSON (EPSG:4326), wenn erfasst",
        "service.attributes": "Begriffe der Taxonomien; link_type eligibility (Lebensphasen), "
        "service_type (Handlungsfelder), audience (Zielgruppen), service_area (Sozialräume), "
        "accessibility (barrierefrei)",
        "location": "Anschrift und Koordinaten (WGS 84) der Organisation; ein Ort je Organisation",
        "address.state_province": "HSDS_BUNDESLAND",
    },
    "taxonomien": [
        {"id": taxonomy_id(t[0]), "name": t[1], "beschreibung": t[2]} for t in TAXONOMIEN
    ],
}
