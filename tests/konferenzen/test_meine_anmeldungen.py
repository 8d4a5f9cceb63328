"""Meine Anmeldungen: one's own registrations and one's delegates', the waiting list's order,
cancelling, changing the working group (never out of a seat into a full group, also when two
people try at once), and registering several delegates when only some fit."""

import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from konferenzen import services
from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung
from netzwerk.models import Mail

from ..factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/konferenzen/meine-anmeldungen/"


def _event(title="Präventionskonferenz", capacity=None, beginnt_in=timedelta(days=14)):
    start = timezone.now() + beginnt_in
    return Veranstaltung.objects.create(
        art="praeventionskonferenz", title=title, start=start, end=start + timedelta(hours=6),
        capacity=capacity, visibility="public",
    )  # fmt: skip


def _gruppe(event, name, capacity=None, runde=1) -> Arbeitsgruppe:
    return Arbeitsgruppe.objects.create(
        veranstaltung=event, name=name, capacity=capacity, runde=runde
    )


def _register(event, name, **extra) -> Anmeldung:
    email = extra.pop("email", name.lower().replace(" ", ".") + "@test.example")
    return services.anmeldung_create(veranstaltung=event, name=name, email=email, **extra)[0]


def _aendern(client, anmeldung, **data):
    return client.post(reverse("konferenzen:meine-anmeldung-aendern", args=[anmeldung.pk]), data)


def _gruppen_von(anmeldung) -> list[str]:
    return sorted(anmeldung.arbeitsgruppen.values_list("name", flat=True))


def test_the_url_name_is_konferenzen_meine_anmeldungen():
    assert reverse("konferenzen:meine-anmeldungen") == URL


# --- The list ------------------------------------------------------------------------------------


def test_it_lists_own_registrations_and_the_delegates_registered_for_the_organisation(
    client_as, welt
):
    partner = welt.users["partner"]
    konferenz, treffen, anderes = _event(), _event("Netzwerktreffen"), _event("Fremdes Treffen")
    _register(konferenz, "Petra Partner", email=partner.email, user=partner)
    # By address only (an invitation link answered without logging in).
    _register(treffen, "Petra Partner", email=partner.email.upper())
    services.anmeldungen_create(
        veranstaltung=konferenz,
        personen=[{"name": "Dora Delegiert", "email": "dora@test.example"}],
        organisation=welt.organisation,
        registered_by=partner,
    )
    # A colleague of the same Kita who registered themselves, and a stranger: not the partner's.
    colleague = UserFactory(email="kollegin@test.example")
    PersonFactory(organisation=welt.organisation, user=colleague)
    _register(konferenz, "Karla Kollegin", email=colleague.email, user=colleague,
              organisation=welt.organisation)  # fmt: skip
    _register(anderes, "Fremde Person")
    page = client_as("partner").get(URL).content.decode()
    assert "Präventionskonferenz" in page and "Netzwerktreffen" in page
    assert "Dora Delegiert" in page and "von Ihnen angemeldet" in page
    assert "Karla Kollegin" not in page and "Fremde Person" not in page
    assert "Fremdes Treffen" not in page
    assert reverse("konferenzen:veranstaltung-ics", args=[konferenz.pk]) in page


def test_a_coordinators_imports_are_not_their_delegates(client_as, welt):
    event = _event()
    services.anmeldungen_create(
        veranstaltung=event,
        personen=[{"name": "Ida Import", "email": "ida@test.example"}],
        registered_by=welt.users["koordination"],
    )
    page = client_as("koordination").get(URL).content.decode()
    assert "Ida Import" not in page and "zu keiner Veranstaltung angemeldet" in page


def test_it_shows_the_place_in_the_order_the_waiting_list_moves_up(client_as, welt):
    partner = welt.users["partner"]
    event = _event(capacity=1)
    erste = _register(event, "Erste Person")
    zweite = _register(event, "Zweite Person")
    _register(event, "Dritte Person")
    mine = _register(event, "Petra Partner", email=partner.email, user=partner)
    assert mine.status == "warteliste"
    client = client_as("partner")
    assert "Platz 3 in der Reihenfolge der Warteliste" in client.get(URL).content.decode()
    # Whoever is first in that order moves up, and everyone behind moves one place on.
    assert services.anmeldung_cancel(anmeldung=erste) == [zweite]
    assert "Platz 2 in der Reihenfolge der Warteliste" in client.get(URL).content.decode()


def test_cancelled_registrations_say_abgesagt_everywhere(client_as, welt):
    partner = welt.users["partner"]
    event = _event()
    services.anmeldung_cancel(
        anmeldung=_register(event, "Petra Partner", email=partner.email, user=partner)
    )
    assert Anmeldung.Status.STORNIERT.label == "abgesagt"
    page = re.sub(r"<[^>]*>", " ", client_as("partner").get(URL).content.decode())
    assert "abgesagt" in page and "storniert" not in page
    listing = client_as("koordination").get(
        reverse("konferenzen:anmeldung-list", args=[event.pk]) + "?status=storniert"
    )
    text = re.sub(r"<[^>]*>", " ", listing.content.decode())  # what the page says, not its links
    assert "Petra Partner" in text and "abgesagt" in text and "storniert" not in text


def test_the_list_needs_the_same_queries_for_2_or_12_registrations(client_as, welt):
    partner = welt.users["partner"]

    def add(n: int) -> None:
        for i in range(n):
            event = _event(f"Treffen {i}", capacity=1)
            _gruppe(event, "Gruppe A", capacity=3)
            _gruppe(event, "Gruppe B", runde=2)
            _register(event, f"Vorher {i}")
            _register(event, "Petra Partner", email=partner.email, user=partner)
            services.anmeldungen_create(
                veranstaltung=event,
                personen=[{"name": f"Dora {i}", "email": f"dora{i}@test.example"}],
                organisation=welt.organisation,
                registered_by=partner,
            )

    client = client_as("partner")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(5)
    assert queries() == few


def test_the_registrations_tables_stack_their_columns_on_a_phone(client_as, welt):
    partner = welt.users["partner"]
    event = _event()
    _register(event, "Petra Partner", email=partner.email, user=partner)
    page = client_as("partner").get(URL).content.decode()
    assert 'class="table align-middle table-stack"' in page
    assert 'data-label="Status"' in page and 'data-label="Arbeitsgruppe"' in page
    listing = client_as("koordination").get(reverse("konferenzen:anmeldung-list", args=[event.pk]))
    assert "table-stack" in listing.content.decode()
    assert 'data-label="Organisation"' in listing.content.decode()
    css = (Path(django_settings.BASE_DIR) / "static/css/portal.css").read_text()
    rule = css[css.index("@media (max-width: 575.98px)") :]
    assert ".table-stack td[data-label]::before" in rule and "attr(data-label)" in rule


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_in_the_list_moves_the_waiting_list_up(client_as, welt):
    partner = welt.users["partner"]
    event = _event(capacity=1)
    mine = _register(event, "Petra Partner", email=partner.email, user=partner)
    wartend = _register(event, "Wanda Warteliste")
    client = client_as("partner")
    response = _aendern(client, mine, aktion="absagen")
    assert response.status_code == 302 and response.url == f"{URL}#anmeldung-{mine.pk}"
    mine.refresh_from_db()
    wartend.refresh_from_db()
    assert mine.status == "storniert" and wartend.status == "bestaetigt"
    page = client.get(URL).content.decode()
    assert "Die Anmeldung von Petra Partner für „Präventionskonferenz“ ist abgesagt." in page
    assert Mail.objects.filter(template="anmeldung_storniert", to=[partner.email]).exists()


def test_a_partner_cancels_a_delegate_they_registered(client_as, welt):
    event = _event()
    [(dora, _created)] = services.anmeldungen_create(
        veranstaltung=event,
        personen=[{"name": "Dora Delegiert", "email": "dora@test.example"}],
        organisation=welt.organisation,
        registered_by=welt.users["partner"],
    )
    assert _aendern(client_as("partner"), dora, aktion="absagen").status_code == 302
    dora.refresh_from_db()
    assert dora.status == "storniert"
    # Dora learns who cancelled for her, not a thank-you for a cancellation she did not make.
    mail = Mail.objects.get(template="anmeldung_storniert", to=["dora@test.example"])
    assert welt.users["partner"].display_name in mail.body_text
    assert "Danke, dass Sie Bescheid gegeben haben" not in mail.body_text


def test_nobody_else_changes_or_cancels_a_registration(client_as, welt):
    partner = welt.users["partner"]
    event = _event()
    mine = _register(event, "Petra Partner", email=partner.email, user=partner)
    for role in ("moderation", "gremium", "koordination", "wartend"):
        assert _aendern(client_as(role), mine, aktion="absagen").status_code == 404
    assert _aendern(client_as("anonym"), mine, aktion="absagen").status_code == 302
    mine.refresh_from_db()
    assert mine.status == "bestaetigt"


def test_after_the_start_the_list_offers_nothing_to_change_and_refuses_in_german(client_as, welt):
    partner = welt.users["partner"]
    event = _event()
    mine = _register(event, "Petra Partner", email=partner.email, user=partner)
    _gruppe(event, "Gruppe A")
    Veranstaltung.objects.filter(pk=event.pk).update(start=timezone.now() - timedelta(hours=1))
    client = client_as("partner")
    page = client.get(URL).content.decode()
    assert 'value="absagen"' not in page and 'name="gruppe"' not in page
    page = client.post(
        reverse("konferenzen:meine-anmeldung-aendern", args=[mine.pk]),
        {"aktion": "absagen"},
        follow=True,
    ).content.decode()
    assert "Die Veranstaltung hat begonnen" in page
    mine.refresh_from_db()
    assert mine.status == "bestaetigt"


# --- Changing the working group: the service -----------------------------------------------------


@pytest.fixture
def gruppen():
    """An event with two working groups in one slot: A with room, B with one seat left."""
    event = _event()
    a = _gruppe(event, "Lotsen", capacity=5)
    b = _gruppe(event, "Zugänge", capacity=2)
    _register(event, "Bernd Zugang", arbeitsgruppen=[b])
    return event, a, b


def test_a_registration_moves_into_a_group_with_room(gruppen):
    event, a, b = gruppen
    anna = _register(event, "Anna Lotse", arbeitsgruppen=[a])
    result = services.arbeitsgruppe_wechseln(anmeldung=anna, runde=1, neue_gruppe=b, by=None)
    assert result.status == "bestaetigt" and _gruppen_von(anna) == ["Zugänge"]
    mail = Mail.objects.filter(template="anmeldung_arbeitsgruppe").get()
    assert mail.to == ["anna.lotse@test.example"]
    assert "bisher „Lotsen“, jetzt „Zugänge“" in mail.body_text


def test_into_a_full_group_it_keeps_the_current_place_and_says_so(gruppen):
    event, a, b = gruppen
    _register(event, "Berta Zugang", arbeitsgruppen=[b])  # B is full now
    anna = _register(event, "Anna Lotse", arbeitsgruppen=[a])
    with pytest.raises(ValidationError) as error:
        services.arbeitsgruppe_wechseln(anmeldung=anna, runde=1, neue_gruppe=b, by=None)
    assert error.value.code == "voll"
    assert error.value.messages == [
        "In „Zugänge“ ist kein Platz mehr frei. Der Platz in „Lotsen“ bleibt."
    ]
    assert _gruppen_von(anna) == ["Lotsen"]
    assert not Mail.objects.filter(template="anmeldung_arbeitsgruppe").exists()


def test_the_seat_freed_in_the_old_group_goes_to_its_waiting_list(gruppen):
    event, a, b = gruppen
    berta = _register(event, "Berta Zugang", arbeitsgruppen=[b])
    wanda = _register(event, "Wanda Wartet", arbeitsgruppen=[b])
    assert wanda.status == "warteliste"
    services.arbeitsgruppe_wechseln(anmeldung=berta, runde=1, neue_gruppe=a, by=None)
    wanda.refresh_from_db()
    assert wanda.status == "bestaetigt"
    assert Mail.objects.filter(template="anmeldung_nachgerueckt", to=[wanda.email]).exists()


def test_on_the_waiting_list_the_wish_changes_and_a_group_with_room_confirms(gruppen):
    event, a, b = gruppen
    _register(event, "Berta Zugang", arbeitsgruppen=[b])
    wanda = _register(event, "Wanda Wartet", arbeitsgruppen=[b])
    assert wanda.status == "warteliste"
    result = services.arbeitsgruppe_wechseln(anmeldung=wanda, runde=1, neue_gruppe=a, by=None)
    assert result.status == "bestaetigt" and _gruppen_von(wanda) == ["Lotsen"]


def test_groups_of_another_event_or_slot_and_cancelled_registrations_are_refused(gruppen):
    event, a, b = gruppen
    other = _gruppe(_event("Anderes"), "Fremd")
    spaet = _gruppe(event, "Nachmittag", runde=2)
    anna = _register(event, "Anna Lotse", arbeitsgruppen=[a])
    for gruppe, runde, text in (
        (other, 1, "gehört nicht zu dieser Veranstaltung"),
        (spaet, 1, "gehört zu einem anderen Zeitfenster"),
    ):
        with pytest.raises(ValidationError, match=text):
            services.arbeitsgruppe_wechseln(
                anmeldung=anna, runde=runde, neue_gruppe=gruppe, by=None
            )
    services.anmeldung_cancel(anmeldung=anna)
    with pytest.raises(ValidationError, match="abgesagt"):
        services.arbeitsgruppe_wechseln(anmeldung=anna, runde=1, neue_gruppe=b, by=None)
    assert _gruppen_von(anna) == ["Lotsen"]


def test_leaving_a_slots_group_and_the_mail_names_who_changed_it(gruppen, welt):
    event, a, b = gruppen
    [(dora, _created)] = services.anmeldungen_create(
        veranstaltung=event,
        personen=[{"name": "Dora Delegiert", "email": "dora@test.example", "arbeitsgruppen": [a]}],
        organisation=welt.organisation,
        registered_by=welt.users["partner"],
    )
    services.arbeitsgruppe_wechseln(
        anmeldung=dora, runde=1, neue_gruppe=None, by=welt.users["partner"]
    )
    assert _gruppen_von(dora) == []
    mail = Mail.objects.get(template="anmeldung_arbeitsgruppe")
    assert welt.users["partner"].display_name in mail.body_text
    assert "jetzt keine Arbeitsgruppe" in mail.body_text


# --- Changing the working group: the page --------------------------------------------------------


def test_the_page_changes_the_group_or_keeps_the_place_with_a_german_message(
    client_as, welt, gruppen
):
    event, a, b = gruppen
    partner = welt.users["partner"]
    mine = _register(event, "Petra Partner", email=partner.email, user=partner,
                     arbeitsgruppen=[a])  # fmt: skip
    client = client_as("partner")
    page = client.get(URL).content.decode()
    assert "Lotsen (gewählt)" in page and "Zugänge (1 von 2 Plätzen frei)" in page
    response = _aendern(client, mine, aktion="gruppe", runde="1", gruppe=str(b.pk))
    assert response.status_code == 302
    assert _gruppen_von(mine) == ["Zugänge"]
    assert "Petra Partner ist jetzt in „Zugänge“." in client.get(URL).content.decode()
    # Back is possible (Lotsen has room); into a full group it is not.
    _register(event, "Lotte Lotse", arbeitsgruppen=[a])
    Arbeitsgruppe.objects.filter(pk=a.pk).update(capacity=1)
    page = client.post(
        reverse("konferenzen:meine-anmeldung-aendern", args=[mine.pk]),
        {"aktion": "gruppe", "runde": "1", "gruppe": str(a.pk)},
        follow=True,
    ).content.decode()
    assert "In „Lotsen“ ist kein Platz mehr frei. Der Platz in „Zugänge“ bleibt." in page
    assert _gruppen_von(mine) == ["Zugänge"]


def test_bad_input_gets_a_german_message_and_changes_nothing(client_as, welt, gruppen):
    event, a, b = gruppen
    partner = welt.users["partner"]
    mine = _register(event, "Petra Partner", email=partner.email, user=partner,
                     arbeitsgruppen=[a])  # fmt: skip
    other = _gruppe(_event("Anderes"), "Fremd")
    client = client_as("partner")
    for data in (
        {"aktion": "gruppe", "runde": "1", "gruppe": str(other.pk)},
        {"aktion": "gruppe", "runde": "x", "gruppe": str(b.pk)},
        {"aktion": "gruppe", "runde": "9", "gruppe": ""},
        {"aktion": "gruppe", "runde": "1", "gruppe": "abc"},
    ):
        page = client.post(
            reverse("konferenzen:meine-anmeldung-aendern", args=[mine.pk]), data, follow=True
        )
        assert page.status_code == 200
        assert "Bitte wählen Sie eine Arbeitsgruppe dieser Veranstaltung." in page.content.decode()
    assert (
        "Unbekannte Aktion"
        in client.post(
            reverse("konferenzen:meine-anmeldung-aendern", args=[mine.pk]), {}, follow=True
        ).content.decode()
    )
    assert _gruppen_von(mine) == ["Lotsen"]


# --- Several delegates in one form, when only some fit ------------------------------------------


def _delegierte_data(personen, **extra) -> dict:
    data = {
        "weitere-TOTAL_FORMS": "3",
        "weitere-INITIAL_FORMS": "0",
        "weitere-MIN_NUM_FORMS": "0",
        "weitere-MAX_NUM_FORMS": "20",
        **extra,
    }
    for i, (name, email) in enumerate(personen):
        data[f"weitere-{i}-name"] = name
        data[f"weitere-{i}-email"] = email
    return data


DREI = [("Anna A", "anna@test.example"), ("Bernd B", "bernd@test.example"),
        ("Clara C", "clara@test.example")]  # fmt: skip


def test_when_only_some_fit_the_form_says_how_many_and_registers_nobody_yet(client_as, welt):
    event = _event(capacity=3)
    _register(event, "Frühe Person")
    url = reverse("konferenzen:delegierte", args=[event.pk])
    response = client_as("partner").post(url, _delegierte_data(DREI))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nur noch für 2 Personen ist ein Platz frei." in page
    assert "Einen Platz bekämen: Anna A, Bernd B." in page
    assert "Auf die Warteliste kämen: Clara C (die Veranstaltung ist ausgebucht)." in page
    assert "Alle anmelden, 1 Person auf die Warteliste" in page
    assert "Nur die 2 Personen mit Platz anmelden" in page
    assert 'value="clara@test.example"' in page  # nothing typed is lost
    assert event.anmeldungen.count() == 1


def test_choosing_the_waiting_list_registers_everyone(client_as, welt):
    event = _event(capacity=3)
    _register(event, "Frühe Person")
    url = reverse("konferenzen:delegierte", args=[event.pk])
    response = client_as("partner").post(url, _delegierte_data(DREI, entscheidung="warteliste"))
    assert response.status_code == 302
    status = dict(event.anmeldungen.values_list("name", "status"))
    assert status == {"Frühe Person": "bestaetigt", "Anna A": "bestaetigt",
                      "Bernd B": "bestaetigt", "Clara C": "warteliste"}  # fmt: skip
    delegierte = event.anmeldungen.exclude(name="Frühe Person")
    assert set(delegierte.values_list("registered_by", "organisation")) == {
        (welt.users["partner"].pk, welt.organisation.pk)
    }


def test_choosing_only_those_with_a_seat_leaves_the_others_out(client_as, welt):
    event = _event(capacity=3)
    _register(event, "Frühe Person")
    url = reverse("konferenzen:delegierte", args=[event.pk])
    client = client_as("partner")
    response = client.post(url, _delegierte_data(DREI, entscheidung="nur_mit_platz"))
    assert response.status_code == 302
    assert set(event.anmeldungen.values_list("name", flat=True)) == {
        "Frühe Person", "Anna A", "Bernd B",
    }  # fmt: skip
    page = client.get(response.url).content.decode()
    assert "Ohne freien Platz nicht angemeldet: Clara C." in page


def test_a_full_working_group_is_named_as_the_reason(client_as, welt):
    event = _event()
    voll = _gruppe(event, "Lotsen", capacity=1)
    _register(event, "Frühe Person", arbeitsgruppen=[voll])
    data = _delegierte_data(DREI[:2], **{"weitere-1-runde_1": str(voll.pk)})
    page = (
        client_as("partner")
        .post(reverse("konferenzen:delegierte", args=[event.pk]), data)
        .content.decode()
    )
    assert "Nur noch für 1 Person ist ein Platz frei." in page
    assert "Bernd B („Lotsen“ ist voll)" in page


def test_when_everyone_fits_there_is_no_question(client_as, welt):
    event = _event(capacity=10)
    response = client_as("partner").post(
        reverse("konferenzen:delegierte", args=[event.pk]), _delegierte_data(DREI)
    )
    assert response.status_code == 302
    assert event.anmeldungen.filter(status="bestaetigt").count() == 3


# --- Two changes at once into the last seat (PostgreSQL) ----------------------------------------

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL."
)


def _race_into_last_seat(monkeypatch) -> tuple[Arbeitsgruppe, list[Anmeldung], list]:
    """Two with a seat in "Lotsen" move into "Zugänge", which has one seat left, at the same
    moment. Counting is slowed down so that, without the lock, both count before either
    writes."""
    event = _event()
    lotsen = _gruppe(event, "Lotsen", capacity=10)
    zugaenge = _gruppe(event, "Zugänge", capacity=2)
    _register(event, "Zora Zugang", arbeitsgruppen=[zugaenge])
    zwei = [_register(event, f"Person {i}", arbeitsgruppen=[lotsen]) for i in range(2)]
    original = services._gruppe_frei

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.2)
        return result

    monkeypatch.setattr(services, "_gruppe_frei", slow)
    barrier = threading.Barrier(2)
    outcomes = []

    def wechseln(anmeldung):
        barrier.wait()
        try:
            services.arbeitsgruppe_wechseln(
                anmeldung=anmeldung, runde=1, neue_gruppe=zugaenge, by=None
            )
            outcomes.append("gewechselt")
        except ValidationError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - shown by the test
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=wechseln, args=(a,)) for a in zwei]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return zugaenge, zwei, outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_changes_into_the_last_seat_one_wins_the_other_keeps_their_place(
    monkeypatch,
):
    zugaenge, zwei, outcomes = _race_into_last_seat(monkeypatch)
    assert sorted(outcomes) == ["gewechselt", "voll"]
    assert Anmeldung.objects.filter(arbeitsgruppen=zugaenge, status="bestaetigt").count() == 2
    groups = sorted(tuple(_gruppen_von(a)) for a in zwei)
    assert groups == [("Lotsen",), ("Zugänge",)]  # the loser is still in their old group


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_same_race_overbooks(monkeypatch, settings):
    """The lock switched off (KONFERENZEN_SPERRE = False): both count one free seat and both
    move in. Shows that the test above fails when the lock is removed."""
    settings.KONFERENZEN_SPERRE = False
    zugaenge, _zwei, outcomes = _race_into_last_seat(monkeypatch)
    assert outcomes == ["gewechselt", "gewechselt"]
    overbooked = Anmeldung.objects.filter(arbeitsgruppen=zugaenge, status="bestaetigt").count()
    assert overbooked == 3 > zugaenge.capacity


def test_the_service_refuses_a_change_by_someone_else(welt):
    from django.core.exceptions import PermissionDenied

    start = timezone.now() + timedelta(days=9)
    event = Veranstaltung.objects.create(
        art="workshop", title="Werkstatt", start=start, end=start + timedelta(hours=2),
        visibility="members",
    )  # fmt: skip
    gruppe = Arbeitsgruppe.objects.create(veranstaltung=event, name="A", capacity=5)
    fremd, _neu = services.anmeldung_create(
        veranstaltung=event, name="Fremde", email="fremde@test.example"
    )
    with pytest.raises(PermissionDenied):
        services.arbeitsgruppe_wechseln(
            anmeldung=fremd, runde=1, neue_gruppe=gruppe, by=welt.users["partner"]
        )
    services.arbeitsgruppe_wechseln(
        anmeldung=fremd, runde=1, neue_gruppe=gruppe, by=welt.users["koordination"]
    )
    assert list(fremd.arbeitsgruppen.all()) == [gruppe]
