"""The open data feed (HSDS 3.0): every response validated against Open Referral's schemas."""

import json
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from akteure.models import Angebot, Angebotszeit, Einwilligung, Organisation
from netzwerk.models import Lebensphase, Sozialraum, Sprache

from ..factories import AngebotFactory, OrganisationFactory, PersonFactory
from .hsds_schema import assert_valid, get_json, package


@pytest.fixture(autouse=True)
def _no_limit(settings):
    settings.HSDS_ANFRAGEN_PRO_MINUTE = 10**6


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


def test_an_offer_whose_contact_has_not_consented_shows_no_contact_anywhere(db, client, registry):
    without = _offer_with_contact(False, title="Ohne Zustimmung")
    with_consent = _offer_with_contact(True, title="Mit Zustimmung")
    detail = get_json(client, f"/api/hsds/services/{without.uuid}")
    assert_valid(registry, detail, "service.json")
    assert detail["contacts"] == []
    assert "Ohnezustimmung" not in json.dumps(detail) and "erika@" not in json.dumps(detail)
    assert detail["organization"]["email"] == "info@kita.example"  # the organisation's own: fine
    shown = get_json(client, f"/api/hsds/services/{with_consent.uuid}")["contacts"]
    assert [c["name"] for c in shown] == ["Erika Ja"]
    assert shown[0]["phones"][0]["number"] == "02405 999"
    listing = json.dumps(get_json(client, "/api/hsds/services", full="true"))
    assert "Ohnezustimmung" not in listing and "Erika Ja" in listing
    tables = package(client)
    assert [c["name"] for c in tables["contacts.csv"]] == ["Erika Ja"]
    assert "Ohnezustimmung" not in json.dumps(tables)
    # A withdrawn consent takes the contact out again, and modified_after sees the change.
    before = timezone.now() - timedelta(seconds=1)
    Einwilligung.objects.filter(person=with_consent.contact).update(withdrawn_at=timezone.now())
    consent = Einwilligung.objects.get(person=with_consent.contact)
    consent.save()  # a history record, as the consent pages write one
    assert get_json(client, f"/api/hsds/services/{with_consent.uuid}")["contacts"] == []
    changed = get_json(client, "/api/hsds/services", modified_after=before.isoformat())
    assert str(with_consent.uuid) in [s["id"] for s in changed["contents"]]
    assert package(client)["contacts.csv"] == []


def test_only_published_offers_and_their_organisations_appear(db, client, settings):
    settings.ANGEBOT_STALE_AFTER_DAYS = 100
    settings.WEGWEISER_AUSBLENDEN_TAGE = 200
    now = timezone.now()
    shown = AngebotFactory(title="Aktuell")
    stale = AngebotFactory(title="Veraltet", confirmed_at=now - timedelta(days=150))
    hidden = AngebotFactory(title="Ausgeblendet", confirmed_at=now - timedelta(days=250))
    internal = AngebotFactory(title="Intern", is_public=False)
    ids = [s["id"] for s in get_json(client, "/api/hsds/services")["contents"]]
    assert sorted(ids) == sorted([str(shown.uuid), str(stale.uuid)])
    assert get_json(client, f"/api/hsds/services/{stale.uuid}")["assured_date"] == (
        timezone.localdate(stale.confirmed_at).isoformat()
    )
    assert client.get("/api/hsds/services/keine-uuid").json()["status"] == 404
    for angebot in (hidden, internal):
        response = client.get(f"/api/hsds/services/{angebot.uuid}")
        assert response.status_code == 404 and response.json()["status"] == 404
        assert client.get(f"/api/hsds/organizations/{angebot.organisation.uuid}").status_code == 404
    orgs = [o["id"] for o in get_json(client, "/api/hsds/organizations")["contents"]]
    assert sorted(orgs) == sorted([str(shown.organisation.uuid), str(stale.organisation.uuid)])
    # Every published service links to a page that shows it: its website, else the guide's page.
    for angebot in (shown, stale):
        url = get_json(client, f"/api/hsds/services/{angebot.uuid}")["url"]
        assert url.endswith(f"/wegweiser/{angebot.uuid}/")
        assert client.get(urlsplit(url).path).status_code == 200
    mit_website = AngebotFactory(website="https://familienzentrum.example/kurs")
    assert get_json(client, f"/api/hsds/services/{mit_website.uuid}")["url"] == mit_website.website


def test_paging_walks_every_service_once(db, client):
    org = OrganisationFactory()
    offers = [AngebotFactory(organisation=org, title=f"Angebot {i:02}") for i in range(7)]
    first = get_json(client, "/api/hsds/services", per_page=3)
    assert (first["total_items"], first["total_pages"], first["size"]) == (7, 3, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get_json(client, "/api/hsds/services", per_page=3, page=3)
    assert (last["page_number"], last["size"], last["last_page"]) == (3, 1, True)
    seen = [s["id"] for p in (1, 2, 3) for s in
            get_json(client, "/api/hsds/services", per_page=3, page=p)["contents"]]  # fmt: skip
    assert seen == [str(a.uuid) for a in offers]
    beyond = get_json(client, "/api/hsds/services", per_page=3, page=9)
    assert beyond["contents"] == [] and beyond["last_page"]
    empty = get_json(client, "/api/hsds/services", organization_id=str(OrganisationFactory().uuid))
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
        return [s["id"] for s in get_json(client, "/api/hsds/services", **params)["contents"]]

    assert ids(taxonomy_term_id=str(phase.uuid)) == [str(kita.uuid)]
    assert ids(search="Kita") == [str(kita.uuid)]
    assert ids(taxonomy_id=taxonomy_id("lebensphasen")) == [str(kita.uuid)]
    assert ids(organization_id=str(other.organisation.uuid)) == [str(other.uuid)]
    assert ids(modified_after=(timezone.now() + timedelta(hours=1)).isoformat()) == []
    service = get_json(client, f"/api/hsds/services/{kita.uuid}")
    assert (service["minimum_age"], service["maximum_age"]) == (3, 6)
    assert service["languages"][0]["code"] == "tr"
    term = get_json(client, f"/api/hsds/taxonomy_terms/{phase.uuid}")
    assert term["taxonomy_id"] == taxonomy_id("lebensphasen")


def test_an_offer_without_a_district_of_its_own_is_in_its_organisations(db, client):
    from akteure.hsds.profil import taxonomy_id

    nord = Sozialraum.objects.create(name="Nord", slug="nord")
    sued = Sozialraum.objects.create(name="Süd", slug="sued")
    geerbt = AngebotFactory(title="Geerbt", organisation=OrganisationFactory(sozialraum=nord))
    eigen = AngebotFactory(
        title="Eigener", sozialraum=sued, organisation=OrganisationFactory(sozialraum=nord)
    )
    AngebotFactory(title="Ohne")  # no district at all

    def ids(**params):
        return {s["id"] for s in get_json(client, "/api/hsds/services", **params)["contents"]}

    assert ids(taxonomy_term_id=str(nord.uuid)) == {str(geerbt.uuid)}
    assert ids(taxonomy_term_id=str(sued.uuid)) == {str(eigen.uuid)}
    assert ids(taxonomy_id=taxonomy_id("sozialraeume")) == {str(geerbt.uuid), str(eigen.uuid)}
    service = get_json(client, f"/api/hsds/services/{geerbt.uuid}")
    assert [a["name"] for a in service["service_areas"]] == ["Nord"]
    assert str(nord.uuid) in {a["taxonomy_term_id"] for a in service["attributes"]}


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


def test_ids_are_stable_across_requests(db, client):
    angebot = _offer_with_contact(True)
    Angebotszeit.objects.create(angebot=angebot, wochentag=2, beginn="09:00", ende="10:00")
    first = get_json(client, f"/api/hsds/services/{angebot.uuid}")
    Organisation.objects.filter(pk=angebot.organisation_id).update(name="Umbenannt")
    second = get_json(client, f"/api/hsds/services/{angebot.uuid}")
    for key in ("schedules", "contacts", "service_at_locations", "cost_options"):
        assert [o["id"] for o in first[key]] == [o["id"] for o in second[key]]
    sal = second["service_at_locations"][0]["id"]
    assert sal == str(uuid.uuid5(angebot.uuid, "service_at_location"))  # plain uuid5, documented
    assert get_json(client, f"/api/hsds/service_at_locations/{sal}")["service"]["id"] == str(
        angebot.uuid
    )
