"""Query budgets of the event pages (issue 18): the event list and an event's registrations need
the same queries for few or many events and registrations, below a fixed budget; their cached
fragments are keyed by a fingerprint of their rows, so any change shows at once, also one made
by an update() that sends no signal."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from konferenzen import services
from konferenzen.models import Anmeldung, Arbeitsgruppe, Einladung, Veranstaltung
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# With nothing cached; the frame of a signed-in person's page takes 7 of them.
BUDGET = {
    ("liste", "partner"): 9,
    ("liste", "anonym"): 2,
    ("anmeldungen", "koordination"): 13,
    ("meine", "partner"): 10,
}


def _queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def konferenz(db):
    start = timezone.now() + timedelta(days=20)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Kreiskonferenz", start=start,
        end=start + timedelta(hours=5), place="Rathaus", capacity=500, visibility="public",
    )  # fmt: skip
    for name in ("Demokratie", "Kinderarmut"):
        Arbeitsgruppe.objects.create(veranstaltung=event, name=name)
    return event


def _grow(konferenz, n: int, email: str) -> None:
    """n more events (some for invited people, with an invitation for `email`), each with
    registrations, and n more registrations for the conference, in working groups."""
    now = timezone.now()
    organisation = OrganisationFactory()
    gruppen = list(konferenz.arbeitsgruppen.all())
    start = Veranstaltung.objects.count()
    for i in range(start, start + n):
        at = now + timedelta(days=i % 30 + 1)
        event = Veranstaltung.objects.create(
            art="workshop", title=f"Workshop {i}", start=at, end=at + timedelta(hours=2),
            visibility="invited" if i % 3 == 0 else "public", capacity=1,
        )  # fmt: skip
        if i % 3 == 0:
            Einladung.objects.create(veranstaltung=event, email=email, name="Eingeladen")
        for k, status in enumerate(("bestaetigt", "warteliste")):
            Anmeldung.objects.create(
                veranstaltung=event, name=f"P{k}", email=f"p{i}-{k}@x.example", status=status
            )
        anmeldung = Anmeldung.objects.create(
            veranstaltung=konferenz, name=f"Teilnehmerin {i}", email=f"t{i}@x.example",
            organisation=organisation if i % 2 else None, organisation_name="Initiative",
        )  # fmt: skip
        anmeldung.arbeitsgruppen.add(gruppen[i % 2])


@pytest.mark.parametrize("page,role", list(BUDGET))
def test_an_event_page_needs_the_same_queries_for_few_or_many_rows(
    client_as, welt, konferenz, page, role
):
    client = client_as(role)
    email = welt.users["partner"].email
    url = {
        "liste": reverse("konferenzen:veranstaltung-list"),
        "anmeldungen": reverse("konferenzen:anmeldung-list", args=[konferenz.pk]),
        "meine": reverse("konferenzen:meine-anmeldungen"),
    }[page]
    _grow(konferenz, 2, email)
    if page == "meine":
        for event in Veranstaltung.objects.all()[:2]:
            Anmeldung.objects.create(veranstaltung=event, name="Ich", email=email)
    few = _queries(client, url)
    _grow(konferenz, 25, email)
    if page == "meine":
        for event in Veranstaltung.objects.all()[2:20]:
            Anmeldung.objects.create(veranstaltung=event, name="Ich", email=email)
    many = _queries(client, url)
    assert many == few, f"{page}: {few} Abfragen bei wenigen Zeilen, {many} bei vielen"
    assert many <= BUDGET[page, role]


def test_the_registrations_show_a_cancellation_made_by_an_update(client_as, welt, konferenz):
    """anmeldung_cancel writes with update(): no signal, the fingerprint changes all the same."""
    client = client_as("koordination")
    url = reverse("konferenzen:anmeldung-list", args=[konferenz.pk])
    anmeldung, _created = services.anmeldung_create(
        veranstaltung=konferenz, name="Ida Storch", email="ida@x.example"
    )
    assert "Ida Storch" in client.get(url).content.decode()
    services.anmeldung_cancel(anmeldung=anmeldung, by_organisers=True)
    assert "Ida Storch" not in client.get(url).content.decode()
    assert "Ida Storch" in client.get(url, {"status": "storniert"}).content.decode()


def test_the_registrations_show_a_renamed_organisation_and_a_new_working_group(
    client_as, welt, konferenz
):
    client = client_as("koordination")
    url = reverse("konferenzen:anmeldung-list", args=[konferenz.pk])
    organisation = OrganisationFactory(name="Kita Sonne")
    anmeldung = Anmeldung.objects.create(
        veranstaltung=konferenz, name="Ida", email="ida@x.example", organisation=organisation
    )
    assert "Kita Sonne" in client.get(url).content.decode()
    organisation.name = "Kita Mond"
    organisation.save()
    anmeldung.arbeitsgruppen.add(konferenz.arbeitsgruppen.get(name="Kinderarmut"))
    page = client.get(url).content.decode()
    assert "Kita Mond" in page and "Kinderarmut</td>" in page


def test_the_buttons_of_a_cached_list_send_the_token_of_whoever_reads_it(
    client_as, welt, konferenz
):
    """The rows hold no CSRF token: a list cached for one organiser works for the next."""
    from django.test import Client

    Anmeldung.objects.create(
        veranstaltung=konferenz, name="Ida", email="ida@x.example", status="warteliste"
    )
    url = reverse("konferenzen:anmeldung-list", args=[konferenz.pk])
    client_as("koordination").get(url)  # cached now
    other = Client(enforce_csrf_checks=True)
    other.force_login(welt.users["koordination"])
    page = other.get(url).content.decode()
    token = other.cookies["csrftoken"].value
    assert 'form="anmeldung-aktion"' in page and 'id="anmeldung-aktion"' in page
    anmeldung = Anmeldung.objects.get(email="ida@x.example")
    response = other.post(
        reverse("konferenzen:anmeldung-action", args=[konferenz.pk, anmeldung.pk]),
        {"aktion": "nachruecken", "status": "aktiv", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    anmeldung.refresh_from_db()
    assert anmeldung.status == Anmeldung.Status.BESTAETIGT


def test_the_event_list_shows_taken_seats_after_a_registration(client_as, welt, konferenz):
    client = client_as("partner")
    url = reverse("konferenzen:veranstaltung-list")
    assert "0 von 500 Plätzen belegt" in client.get(url).content.decode()
    services.anmeldung_create(veranstaltung=konferenz, name="Ida", email="ida@x.example")
    assert "1 von 500 Plätzen belegt" in client.get(url).content.decode()


def test_an_invited_event_is_not_served_from_the_cache_to_someone_not_invited(
    client_as, welt, konferenz
):
    start = timezone.now() + timedelta(days=5)
    geheim = Veranstaltung.objects.create(
        art="workshop", title="Geschlossener Workshop", start=start, end=start,
        visibility="invited",
    )  # fmt: skip
    Einladung.objects.create(veranstaltung=geheim, email=welt.users["partner"].email)
    url = reverse("konferenzen:veranstaltung-list")
    assert "Geschlossener Workshop" in client_as("partner").get(url).content.decode()
    assert "Geschlossener Workshop" not in client_as("gremium").get(url).content.decode()
    assert "Geschlossener Workshop" not in client_as("anonym").get(url).content.decode()
