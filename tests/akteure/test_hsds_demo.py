"""The open data feed over the whole demo town: every object and list it produces validated
against Open Referral's HSDS 3.0 schemas, and the tabular package. The demo is built once for
the module, in a transaction rolled back at its end; each test runs in a savepoint inside it."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from akteure.models import Angebot, Angebotszeit, Person

from .hsds_schema import SCHEMA_DIR, all_pages, assert_valid, assert_valid_page, get_json, package

# Detail responses validated per kind (services, organisations, ...), spread over the ids.
DETAILS_JE_ART = 12


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # the demo is for development only
            call_command("demo_data", quiet=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_limit(settings):
    settings.HSDS_ANFRAGEN_PRO_MINUTE = 10**6


def test_every_object_and_list_the_demo_produces_validates_against_hsds(demo, db, client, registry):
    assert Angebotszeit.objects.exists()  # the demo shows schedules
    root = get_json(client, "/api/hsds/")
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
        pages = all_pages(client, url, **params)
        for page in pages:
            assert_valid_page(registry, page, ref)
        ids.setdefault(url, set()).update(o["id"] for p in pages for o in p["contents"])
    published = Angebot.objects.public().count()
    assert 0 < len(ids["/api/hsds/services"]) <= published
    assert ids["/api/hsds/service_at_locations"]
    # Every object validated above in its full form (the lists with full=true); the detail
    # responses are the same serialisation: a sample of each kind is validated, and must equal
    # the object in the full list.
    voll = {
        "/api/hsds/services": all_pages(client, "/api/hsds/services", full="true"),
        "/api/hsds/organizations": all_pages(client, "/api/hsds/organizations", full="true"),
        "/api/hsds/service_at_locations": all_pages(
            client, "/api/hsds/service_at_locations", full="true"
        ),
        "/api/hsds/taxonomies": all_pages(client, "/api/hsds/taxonomies"),
        "/api/hsds/taxonomy_terms": all_pages(client, "/api/hsds/taxonomy_terms"),
    }
    for url, ref in [
        ("/api/hsds/services", "service.json"),
        ("/api/hsds/organizations", "organization.json"),
        ("/api/hsds/service_at_locations", "service_at_location.json"),
        ("/api/hsds/taxonomies", "taxonomy.json"),
        ("/api/hsds/taxonomy_terms", "taxonomy_term.json"),
    ]:
        objekte = {o["id"]: o for p in voll[url] for o in p["contents"]}
        assert set(objekte) == ids[url]
        for object_id in sorted(objekte)[:: max(1, len(objekte) // DETAILS_JE_ART)]:
            detail = get_json(client, f"{url}/{object_id}")
            assert_valid(registry, detail, ref)
            assert detail == objekte[object_id]
    full = voll["/api/hsds/services"]
    services = [s for p in full for s in p["contents"]]
    assert any(s["schedules"] for s in services)
    assert any(s["languages"] for s in services)
    assert any(s["contacts"] for s in services)
    assert any(not s["contacts"] for s in services)
    assert all(s["cost_options"] and s["assured_date"] for s in services)


def test_the_package_follows_hsds_tabular_layout(demo, db, client):
    tables = package(client)
    spec = json.loads((SCHEMA_DIR / "compiled" / "tabular.json").read_text())["properties"]
    resources = {r["name"]: r for r in tables["datapackage.json"]["resources"]}
    assert set(resources) == set(spec)
    for name, table in spec.items():
        item = table["items"]
        columns = [k for k, v in item["properties"].items() if v.get("type") != "array"]
        assert resources[name]["path"] == item["path"]
        assert [f["name"] for f in resources[name]["schema"]["fields"]] == columns
    services = tables["services.csv"]
    assert len(services) == get_json(client, "/api/hsds/services")["total_items"]
    org_ids = {o["id"] for o in tables["organizations.csv"]}
    assert {s["organization_id"] for s in services} == org_ids
    consenting = set(Person.objects.with_public_consent().values_list("email", flat=True))
    assert {c["email"] for c in tables["contacts.csv"]} <= consenting
    assert tables["schedules.csv"] and tables["languages.csv"] and tables["attributes.csv"]
