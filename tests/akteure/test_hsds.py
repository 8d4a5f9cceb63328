"""The open data feed (HSDS 3.0): every response validated against Open Referral's schemas."""

import csv
import io
import json
import os
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from akteure.hsds import demo as hsds_demo
from akteure.models import Angebot, Angebotszeit, Einwilligung, Organisation, Person
from netzwerk.models import Lebensphase, Sprache

from ..factories import AngebotFactory, OrganisationFactory, PersonFactory

# The schemas beside the project (../shared/hsds-3.0), or where HSDS_SCHEMA_DIR points.
SCHEMA_DIR = Path(
    os.environ.get("HSDS_SCHEMA_DIR") or settings.BASE_DIR.parent / "shared" / "hsds-3.0"
)
BASE = "https://hsds.test/schema/"
PAGE_KEYS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"]  # fmt: skip


@pytest.fixture(scope="session")
def registry() -> Registry:
    # No skip when the folder is missing: a validation test that does not run proves nothing.
    if not (SCHEMA_DIR / "service.json").is_file():
        pytest.fail(f"HSDS-Schemas fehlen: {SCHEMA_DIR} (oder HSDS_SCHEMA_DIR setzen)")
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        resource = Resource.from_contents(
            json.loads(path.read_text()), default_specification=DRAFT202012
        )
        # compiled/tabular.json refers to "phone.json" from inside compiled/: both places.
        resources += [(BASE + path.name, resource), (BASE + "compiled/" + path.name, resource)]
    for path in sorted((SCHEMA_DIR / "compiled").glob("*.json")):
        resource = Resource.from_contents(
            json.loads(path.read_text()), default_specification=DRAFT202012
        )
        resources.append((BASE + "compiled/" + path.name, resource))
    return Registry().with_resources(resources)


def _validator(registry, schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def assert_valid(registry, data, ref: str) -> None:
    errors = list(_validator(registry, {"$ref": BASE + ref}).iter_errors(data))
    assert not errors, f"{ref}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def assert_valid_page(registry, data, item_ref: str) -> None:
    schema = {
        "allOf": [{"$ref": BASE + "openapi.json#/components/schemas/Page"}],
        "required": PAGE_KEYS,
        "properties": {"contents": {"type": "array", "items": {"$ref": BASE + item_ref}}},
    }
    errors = list(_validator(registry, schema).iter_errors(data))
    assert not errors, f"Seite mit {item_ref}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


@pytest.fixture(autouse=True)
def _no_limit(settings):
    settings.HSDS_ANFRAGEN_PRO_MINUTE = 10**6


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # the demo is for development only
    call_command("demo_data", quiet=True)
    hsds_demo.build({})


def _get(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def _all_pages(client, url: str, **params) -> list[dict]:
    pages, page = [], 1
    while True:
        data = _get(client, url, page=page, per_page=40, **params)
        pages.append(data)
        if data["last_page"]:
            return pages
        page += 1


def test_every_object_and_list_the_demo_produces_validates_against_hsds(demo, client, registry):
    assert Angebotszeit.objects.exists()  # the demo shows schedules
    root = _get(client, "/api/hsds/")
    assert root["version"] == "3.0" and root["profile"].startswith("http")
    lists = [
        ("/api/hsds/services", {}, "compiled/service_list.json"),
        ("/api/hsds/services", {"full": "true"}, "service.json"),
        ("/api/hsds/services", {"minimal": "true"}, "compiled/service_list.json"),
        ("/api/hsds/organizations", {}, "compiled/organization_list.json"),
        ("/api/hsds/organizations", {"full": "true"}, "organization.json"),
        ("/api/hsds/organizations", {"full_service": "true"}, "organization.json"),
        ("/api/hsds/service_at_locations", {}, "compiled/service_at_location_list.json"),
        ("/api/hsds/service_at_locations", {"full": "true"}, "service_at_location.json"),
        ("/api/hsds/taxonomies", {}, "taxonomy.json"),
        ("/api/hsds/taxonomy_terms", {}, "taxonomy_term.json"),
    ]
    ids: dict[str, set] = {}
    for url, params, ref in lists:
        pages = _all_pages(client, url, **params)
        for page in pages:
            assert_valid_page(registry, page, ref)
        ids.setdefault(url, set()).update(o["id"] for p in pages for o in p["contents"])
    published = Angebot.objects.public().count()
    assert 0 < len(ids["/api/hsds/services"]) <= published
    assert ids["/api/hsds/service_at_locations"]
    for url, ref in [
        ("/api/hsds/services/", "service.json"),
        ("/api/hsds/organizations/", "organization.json"),
        ("/api/hsds/service_at_locations/", "service_at_location.json"),
        ("/api/hsds/taxonomies/", "taxonomy.json"),
        ("/api/hsds/taxonomy_terms/", "taxonomy_term.json"),
    ]:
        for object_id in ids[url.rstrip("/")]:
            assert_valid(registry, _get(client, url + object_id), ref)
    full = _all_pages(client, "/api/hsds/services", full="true")
    services = [s for p in full for s in p["contents"]]
    assert any(s["schedules"] for s in services)
    assert any(s["languages"] for s in services)
    assert any(s["contacts"] for s in services)
    assert any(not s["contacts"] for s in services)
    assert all(s["cost_options"] and s["assured_date"] for s in services)


def _offer_with_contact(consent: bool, **kwargs) -> Angebot:
    org = OrganisationFactory(
        street="Lindenstraße 4", postcode="52146", city="Würselen",
        email="info@kita.example", phone="02405 1234",
    )  # fmt: skip
    person = PersonFactory(
        organisation=org, email="erika@kita.example", phone="02405 999", first_name="Erika",
        last_name="Ja" if consent else "Ohnezustimmung",
    )  # fmt: skip
    if consent:
        Einwilligung.objects.create(person=person, purpose="verzeichnis", method="formular")
    else:  # consent to circulars is no consent to the directory
        Einwilligung.objects.create(person=person, purpose="newsletter", method="formular")
    return AngebotFactory(organisation=org, contact=person, **kwargs)


def _package(client) -> dict[str, list[dict]]:
    response = client.get("/api/hsds/datapackage.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    tables = {"datapackage.json": json.loads(archive.read("datapackage.json"))}
    for name in archive.namelist():
        if name.endswith(".csv"):
            tables[name] = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
    return tables


def test_an_offer_whose_contact_has_not_consented_shows_no_contact_anywhere(db, client, registry):
    without = _offer_with_contact(False, title="Ohne Zustimmung")
    with_consent = _offer_with_contact(True, title="Mit Zustimmung")
    detail = _get(client, f"/api/hsds/services/{without.uuid}")
    assert_valid(registry, detail, "service.json")
    assert detail["contacts"] == []
    assert "Ohnezustimmung" not in json.dumps(detail) and "erika@" not in json.dumps(detail)
    assert detail["organization"]["email"] == "info@kita.example"  # the organisation's own: fine
    shown = _get(client, f"/api/hsds/services/{with_consent.uuid}")["contacts"]
    assert [c["name"] for c in shown] == ["Erika Ja"]
    assert shown[0]["phones"][0]["number"] == "02405 999"
    listing = json.dumps(_get(client, "/api/hsds/services", full="true"))
    assert "Ohnezustimmung" not in listing and "Erika Ja" in listing
    tables = _package(client)
    assert [c["name"] for c in tables["contacts.csv"]] == ["Erika Ja"]
    assert "Ohnezustimmung" not in json.dumps(tables)
    # A withdrawn consent takes the contact out again, and modified_after sees the change.
    before = timezone.now() - timedelta(seconds=1)
    Einwilligung.objects.filter(person=with_consent.contact).update(withdrawn_at=timezone.now())
    consent = Einwilligung.objects.get(person=with_consent.contact)
    consent.save()  # a history record, as the consent pages write one
    assert _get(client, f"/api/hsds/services/{with_consent.uuid}")["contacts"] == []
    changed = _get(client, "/api/hsds/services", modified_after=before.isoformat())
    assert str(with_consent.uuid) in [s["id"] for s in changed["contents"]]
    assert _package(client)["contacts.csv"] == []


def test_only_published_offers_and_their_organisations_appear(db, client, settings):
    settings.ANGEBOT_STALE_AFTER_DAYS = 100
    settings.WEGWEISER_AUSBLENDEN_TAGE = 200
    now = timezone.now()
    shown = AngebotFactory(title="Aktuell")
    stale = AngebotFactory(title="Veraltet", confirmed_at=now - timedelta(days=150))
    hidden = AngebotFactory(title="Ausgeblendet", confirmed_at=now - timedelta(days=250))
    internal = AngebotFactory(title="Intern", is_public=False)
    ids = [s["id"] for s in _get(client, "/api/hsds/services")["contents"]]
    assert sorted(ids) == sorted([str(shown.uuid), str(stale.uuid)])
    assert _get(client, f"/api/hsds/services/{stale.uuid}")["assured_date"] == (
        timezone.localdate(stale.confirmed_at).isoformat()
    )
    assert client.get("/api/hsds/services/keine-uuid").json()["status"] == 404
    for angebot in (hidden, internal):
        response = client.get(f"/api/hsds/services/{angebot.uuid}")
        assert response.status_code == 404 and response.json()["status"] == 404
        assert client.get(f"/api/hsds/organizations/{angebot.organisation.uuid}").status_code == 404
    orgs = [o["id"] for o in _get(client, "/api/hsds/organizations")["contents"]]
    assert sorted(orgs) == sorted([str(shown.organisation.uuid), str(stale.organisation.uuid)])


def test_paging_walks_every_service_once(db, client):
    org = OrganisationFactory()
    offers = [AngebotFactory(organisation=org, title=f"Angebot {i:02}") for i in range(7)]
    first = _get(client, "/api/hsds/services", per_page=3)
    assert (first["total_items"], first["total_pages"], first["size"]) == (7, 3, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = _get(client, "/api/hsds/services", per_page=3, page=3)
    assert (last["page_number"], last["size"], last["last_page"]) == (3, 1, True)
    seen = [s["id"] for p in (1, 2, 3) for s in
            _get(client, "/api/hsds/services", per_page=3, page=p)["contents"]]  # fmt: skip
    assert seen == [str(a.uuid) for a in offers]
    beyond = _get(client, "/api/hsds/services", per_page=3, page=9)
    assert beyond["contents"] == [] and beyond["last_page"]
    empty = _get(client, "/api/hsds/services", organization_id=str(OrganisationFactory().uuid))
    assert empty["empty"] and empty["total_items"] == 0
    lines = client.get("/api/hsds/services", {"format": "ndjson"})
    assert len(b"".join(lines.streaming_content).splitlines()) == 7


def test_filters_select_by_term_taxonomy_organisation_and_date(db, client):
    from akteure.hsds.profil import taxonomy_id

    phase = Lebensphase.objects.create(name="3-6", slug="drei-sechs", alter_von=36, alter_bis=72)
    kita = AngebotFactory(title="Kita", lebensphasen=[phase])
    other = AngebotFactory(title="Anderes")
    kita.sprachen.set([Sprache.objects.create(name="Türkisch", slug="tuerkisch", code="tr")])

    def ids(**params):
        return [s["id"] for s in _get(client, "/api/hsds/services", **params)["contents"]]

    assert ids(taxonomy_term_id=str(phase.uuid)) == [str(kita.uuid)]
    assert ids(search="Kita") == [str(kita.uuid)]
    assert ids(taxonomy_id=taxonomy_id("lebensphasen")) == [str(kita.uuid)]
    assert ids(organization_id=str(other.organisation.uuid)) == [str(other.uuid)]
    assert ids(modified_after=(timezone.now() + timedelta(hours=1)).isoformat()) == []
    service = _get(client, f"/api/hsds/services/{kita.uuid}")
    assert (service["minimum_age"], service["maximum_age"]) == (3, 6)
    assert service["languages"][0]["code"] == "tr"
    term = _get(client, f"/api/hsds/taxonomy_terms/{phase.uuid}")
    assert term["taxonomy_id"] == taxonomy_id("lebensphasen")


@pytest.mark.parametrize(
    "query",
    ["seite=2", "page=0", "per_page=abc", "full=vielleicht", "taxonomy_term_id=kein-uuid",
     "modified_after=gestern", "taxonomy_id=11111111-1111-1111-1111-111111111111",
     "format=xml"],
)  # fmt: skip
def test_unknown_parameters_and_values_are_refused_with_json(db, client, query):
    response = client.get(f"/api/hsds/services?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_matching_etag_answers_304_until_the_data_changes(db, client):
    angebot = AngebotFactory()
    first = client.get("/api/hsds/services")
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    again = client.get("/api/hsds/services", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    since = client.get("/api/hsds/services", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get("/api/hsds/services?per_page=5")["ETag"] != etag  # the query is part of it
    angebot.title = "Neu"
    angebot.save()
    changed = client.get("/api/hsds/services", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_anonymous_clients_get_429_after_the_limit(db, client, settings):
    settings.HSDS_ANFRAGEN_PRO_MINUTE = 3
    assert [client.get("/api/hsds/").status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/hsds/taxonomies")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Zu viele Anfragen" in response.json()["detail"]


def test_a_page_of_services_needs_the_same_queries_for_few_and_many(db, client):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    org = OrganisationFactory(street="Weg 1", city="Stadt")
    AngebotFactory(organisation=org)
    few = [queries(f"/api/hsds/services{q}") for q in ("", "?full=true")]
    for i in range(12):
        angebot = AngebotFactory(organisation=OrganisationFactory(street="Weg 2", city="Stadt"))
        Angebotszeit.objects.create(angebot=angebot, wochentag=i % 7, beginn="09:00", ende="10:00")
        angebot.contact = PersonFactory()
        angebot.save()
    assert [queries(f"/api/hsds/services{q}") for q in ("", "?full=true")] == few


def test_the_package_follows_hsds_tabular_layout(demo, client):
    tables = _package(client)
    spec = json.loads((SCHEMA_DIR / "compiled" / "tabular.json").read_text())["properties"]
    resources = {r["name"]: r for r in tables["datapackage.json"]["resources"]}
    assert set(resources) == set(spec)
    for name, table in spec.items():
        item = table["items"]
        columns = [k for k, v in item["properties"].items() if v.get("type") != "array"]
        assert resources[name]["path"] == item["path"]
        assert [f["name"] for f in resources[name]["schema"]["fields"]] == columns
    services = tables["services.csv"]
    assert len(services) == _get(client, "/api/hsds/services")["total_items"]
    org_ids = {o["id"] for o in tables["organizations.csv"]}
    assert {s["organization_id"] for s in services} == org_ids
    consenting = set(Person.objects.with_public_consent().values_list("email", flat=True))
    assert {c["email"] for c in tables["contacts.csv"]} <= consenting
    assert tables["schedules.csv"] and tables["languages.csv"] and tables["attributes.csv"]


def test_ids_are_stable_across_requests(db, client):
    angebot = _offer_with_contact(True)
    Angebotszeit.objects.create(angebot=angebot, wochentag=2, beginn="09:00", ende="10:00")
    first = _get(client, f"/api/hsds/services/{angebot.uuid}")
    Organisation.objects.filter(pk=angebot.organisation_id).update(name="Umbenannt")
    second = _get(client, f"/api/hsds/services/{angebot.uuid}")
    for key in ("schedules", "contacts", "service_at_locations", "cost_options"):
        assert [o["id"] for o in first[key]] == [o["id"] for o in second[key]]
    sal = second["service_at_locations"][0]["id"]
    assert sal == str(uuid.uuid5(angebot.uuid, "service_at_location"))  # plain uuid5, documented
    assert _get(client, f"/api/hsds/service_at_locations/{sal}")["service"]["id"] == str(
        angebot.uuid
    )
