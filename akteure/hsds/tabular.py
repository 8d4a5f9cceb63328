"""The tabular HSDS package: one CSV file per HSDS table and datapackage.json, zipped.

The rows are the API's own objects, flattened: what the package holds is what /services shows,
contacts without consent left out alike. The table layout (file names, columns, order) is
HSDS's compiled/tabular.json, kept here as TABLES so the portal does not depend on the schema
folder at run time; tests/akteure/test_hsds.py checks the two agree.
"""

import csv
import io
import json
import zipfile

from django.conf import settings
from django.utils import timezone

from . import profil, selectors

# (table, file, columns, required columns): HSDS 3.0 compiled/tabular.json, array fields dropped.
TABLES = [
    ("organization", "organizations.csv",
     "id name alternate_name description email website tax_status tax_id year_incorporated "
     "legal_status logo uri parent_organization_id", "id name description"),
    ("program", "programs.csv", "id organization_id name alternate_name description",
     "id organization_id name description"),
    ("service", "services.csv",
     "id organization_id program_id name alternate_name description url email status "
     "interpretation_services application_process fees_description wait_time fees accreditations "
     "eligibility_description minimum_age maximum_age assured_date assurer_email licenses alert "
     "last_modified", "id organization_id name status"),
    ("attribute", "attributes.csv", "id link_id taxonomy_term_id link_type link_entity value",
     "id link_id taxonomy_term_id link_entity"),
    ("service_at_location", "service_at_location.csv", "id service_id location_id description",
     "id service_id location_id"),
    ("location", "locations.csv",
     "id location_type url organization_id name alternate_name description transportation "
     "latitude longitude external_identifier external_identifier_type", "id location_type"),
    ("phone", "phones.csv",
     "id location_id service_id organization_id contact_id service_at_location_id number "
     "extension type description", "id number"),
    ("contact", "contacts.csv",
     "id organization_id service_id service_at_location_id location_id name title department "
     "email", "id"),
    ("address", "addresses.csv",
     "id location_id attention address_1 address_2 city region state_province postal_code "
     "country address_type",
     "id address_1 city state_province postal_code country address_type"),
    ("schedule", "schedules.csv",
     "id service_id location_id service_at_location_id valid_from valid_to dtstart timezone "
     "until count wkst freq interval byday byweekno bymonthday byyearday description opens_at "
     "closes_at schedule_link attending_type notes", "id"),
    ("funding", "funding.csv", "id organization_id service_id source", "id"),
    ("service_area", "service_areas.csv",
     "id service_id name description extent extent_type uri", "id"),
    ("required_document", "required_documents.csv", "id service_id document uri", "id"),
    ("language", "languages.csv", "id service_id location_id phone_id name code note", "id"),
    ("accessibility", "accessibility.csv", "id location_id description details url", "id"),
    ("taxonomy_term", "taxonomy_terms.csv",
     "id code name description parent_id taxonomy language taxonomy_id term_uri",
     "id name description"),
    ("metadata", "metadata.csv",
     "id resource_id resource_type last_action_date last_action_type field_name previous_value "
     "replacement_value updated_by",
     "id resource_id resource_type last_action_date last_action_type field_name previous_value "
     "replacement_value updated_by"),
    ("meta_table_description", "meta_table_descriptions.csv", "id name language character_set",
     "id"),
    ("cost_option", "cost_options.csv",
     "id service_id valid_from valid_to option currency amount amount_description",
     "id service_id"),
    ("organization_identifier", "organization_identifiers.csv",
     "id organization_id identifier_scheme identifier_type identifier",
     "id organization_id identifier_type identifier"),
    ("taxonomy", "taxonomies.csv", "id name description uri version", "id name description"),
]  # fmt: skip
TYPES = {
    "minimum_age": "number", "maximum_age": "number", "latitude": "number", "longitude": "number",
    "extension": "number", "year_incorporated": "number", "timezone": "number", "count": "number",
    "interval": "number", "amount": "number", "assured_date": "date", "valid_from": "date",
    "valid_to": "date", "dtstart": "date", "until": "date", "last_action_date": "date",
    "last_modified": "datetime", "opens_at": "time", "closes_at": "time",
}  # fmt: skip
FORMATS = {"email": "email", "assurer_email": "email", "url": "uri", "website": "uri",
           "uri": "uri", "term_uri": "uri", "schedule_link": "uri"}  # fmt: skip


def _rows(base_url: str) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name, *_ in TABLES}
    orgs: dict[str, dict] = {}
    pks, terms = list(selectors.published().values_list("pk", flat=True)), {}
    offers = (
        angebot
        for start in range(0, len(pks), 1000)
        for angebot in selectors.load(pks[start : start + 1000], full=True, terms=terms)
    )
    for angebot in offers:
        service = profil.service_full(angebot, base_url)
        rows["service"].append(service)
        for key in ("schedules", "service_areas", "languages", "cost_options"):
            rows[key[:-1]] += service[key]  # "schedules" -> table "schedule"
        rows["attribute"] += service["attributes"]
        for contact in service["contacts"]:
            rows["contact"].append(contact)
            rows["phone"] += contact["phones"]
        rows["service_at_location"] += service["service_at_locations"]
        org_id = str(angebot.organisation.uuid)
        if org_id not in orgs:
            orgs[org_id] = profil.organization_full(angebot.organisation, base_url, [])
    for org in orgs.values():
        rows["organization"].append(org)
        rows["phone"] += org["phones"]
        for loc in org["locations"]:
            rows["location"].append(loc)
            rows["address"] += loc["addresses"]
    rows["taxonomy"] = [profil.taxonomy(t[0]) for t in profil.TAXONOMIEN]
    rows["taxonomy_term"] = [profil.term_object(t) for t in selectors.taxonomy_terms()]
    return rows


def _csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return out.getvalue()


def _field(name: str, required: set[str]) -> dict:
    field = {"name": name, "type": TYPES.get(name, "string")}
    if name in FORMATS or name == "id" or name.endswith("_id"):
        field["format"] = FORMATS.get(name, "uuid")
    field["constraints"] = {"required": name in required, "unique": name == "id"}
    return field


def descriptor(base_url: str) -> dict:
    return {
        "name": "hsds-netzwerkportal",
        "title": "Angebote des Präventionsnetzwerks (HSDS 3.0)",
        "profile": "tabular-data-package",
        "created": profil.timestamp(timezone.now()),
        "homepage": base_url + "/api/hsds/",
        "licenses": [{"name": settings.HSDS_LIZENZ, "path": settings.HSDS_LIZENZ_URL}],
        "resources": [
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [_field(c, set(required.split())) for c in columns.split()],
                    "primaryKey": ["id"],
                },
            }
            for name, path, columns, required in TABLES
        ],
    }  # fmt: skip


def build_zip(base_url: str) -> bytes:
    rows = _rows(base_url)
    buffer = io.BytesIO()
    # Level 1: a fifth larger than the default, a third of the time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(descriptor(base_url), ensure_ascii=False, indent=2)
        )
        for name, path, columns, _required in TABLES:
            archive.writestr(path, _csv(columns.split(), rows[name]))
    return buffer.getvalue()
