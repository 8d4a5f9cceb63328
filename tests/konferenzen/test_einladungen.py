"""Invitations: circles, the sending run with its progress, the personal link (accept with
colleagues, decline, forged, expired, reused), reminders, and the reminder before the start."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from akteure.models import Einwilligung, Organisationstyp
from konferenzen import einladungen, services
from konferenzen.einladungen import Empfaenger
from konferenzen.models import Anmeldung, Arbeitsgruppe, Einladung, Veranstaltung, Versand
from netzwerk.models import Lebensphase, Mail, Sozialraum

from ..factories import AngebotFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _event(capacity=30, visibility="invited", art="workshop", **extra) -> Veranstaltung:
    start = timezone.now() + timedelta(days=14)
    return Veranstaltung.objects.create(
        art=art, title="Auftaktwerkstatt", start=start, end=start + timedelta(hours=4),
        capacity=capacity, visibility=visibility, place="Jugendzentrum", **extra,
    )  # fmt: skip


def _invite(event, *addresses, run=True) -> list[Einladung]:
    versand, _schon = einladungen.einladungen_create(
        veranstaltung=event,
        recipients=[Empfaenger(email=a, name=f"Name {a.split('@')[0]}") for a in addresses],
        label="Liste",
        user=None,
    )
    if run and versand is not None:
        einladungen.versand_run(versand_id=versand.pk)
    return list(event.einladungen.filter(email__in=addresses).order_by("email"))


def _link(einladung) -> str:
    return reverse("konferenzen:einladung", args=[einladung.token])


def _zusagen(client, einladung, **data):
    payload = {
        "antwort": "zusagen", "name": "Frieda Gast", "organisation_name": "Familienzentrum",
        "weitere-TOTAL_FORMS": "3", "weitere-INITIAL_FORMS": "0",
        "weitere-MIN_NUM_FORMS": "0", "weitere-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    payload.update(data)
    return client.post(_link(einladung), payload)


# --- Circles ---------------------------------------------------------------------------------


def test_contacts_are_invited_only_with_consent_and_the_criteria_combine(welt):
    kita = Organisationstyp.objects.create(name="Kita", slug="kita")
    schule = Organisationstyp.objects.create(name="Schule", slug="schule")
    nord = Sozialraum.objects.create(name="Nord", slug="nord")
    sued = Sozialraum.objects.create(name="Süd", slug="sued")
    people = {}
    for key, typ, raum in [
        ("kita-nord", kita, nord), ("kita-sued", kita, sued), ("schule-nord", schule, nord),
        ("kita-nord-ohne", kita, nord),
    ]:  # fmt: skip
        organisation = OrganisationFactory(name=key, slug=key, typ=typ, sozialraum=raum)
        people[key] = PersonFactory(organisation=organisation, email=f"{key}@test.example")
        if not key.endswith("ohne"):
            Einwilligung.objects.create(
                person=people[key], purpose=Einwilligung.Zweck.NEWSLETTER, method="formular"
            )
    recipients, ohne = einladungen.recipients_kontakte(typen=[kita], sozialraeume=[nord])
    assert [r.email for r in recipients] == ["kita-nord@test.example"]
    assert ohne == 1
    recipients, _ohne = einladungen.recipients_kontakte(typen=[kita, schule])
    assert {r.email for r in recipients} == {
        "kita-nord@test.example", "kita-sued@test.example", "schule-nord@test.example",
    }  # fmt: skip


def test_contacts_by_lebensphase_come_from_their_organisations_offers(welt):
    kind = Lebensphase.objects.create(name="Kita-Alter", slug="kita-alter")
    jugend = Lebensphase.objects.create(name="Jugend", slug="jugend")
    organisation = OrganisationFactory(name="Jugendtreff", slug="jugendtreff")
    AngebotFactory(organisation=organisation, title="Treff", slug="treff").lebensphasen.set(
        [jugend]
    )
    person = PersonFactory(organisation=organisation, email="treff@test.example")
    Einwilligung.objects.create(person=person, purpose="newsletter", method="formular")
    assert [r.email for r in einladungen.recipients_kontakte(lebensphasen=[jugend])[0]] == [
        "treff@test.example"
    ]
    assert einladungen.recipients_kontakte(lebensphasen=[kind])[0] == []


def test_forum_members_and_the_committee_are_invited_by_their_accounts(welt):
    members = einladungen.recipients_forum(welt.forum_members)
    assert [r.email for r in members] == ["moderation@test.example"]
    assert members[0].user_id == welt.users["moderation"].pk
    assert [r.email for r in einladungen.recipients_gremium()] == ["gremium@test.example"]


def test_a_pasted_list_keeps_the_good_lines_and_names_the_bad_ones():
    text = (
        "Anna Amsel <anna@test.example>\n"
        "Bert Buch; bert@test.example; Schule am Park\n"
        "\n"
        "kein-at-zeichen\n"
        "carla@test.example\n"
        "Doppelt <ANNA@test.example>\n"
        "Falsch; x@@test\n"
    )
    recipients, errors = einladungen.recipients_text(text)
    assert [(r.name, r.email, r.organisation_name) for r in recipients] == [
        ("Anna Amsel", "anna@test.example", ""),
        ("Bert Buch", "bert@test.example", "Schule am Park"),
        ("", "carla@test.example", ""),
    ]
    assert errors == [
        "Zeile 4: keine oder mehrere E-Mail-Adressen",
        "Zeile 7: „x@@test“ ist keine gültige E-Mail-Adresse",
    ]


def test_an_uploaded_csv_from_german_excel_and_an_xlsx_are_read():
    csv_bytes = "Name;E-Mail;Organisation\r\nJörg Öz;joerg@test.example;Bürgerhaus\r\n".encode(
        "cp1252"
    )
    recipients, errors = einladungen.recipients_file(SimpleUploadedFile("l.csv", csv_bytes))
    assert errors == [] and recipients == [
        Empfaenger(email="joerg@test.example", name="Jörg Öz", organisation_name="Bürgerhaus")
    ]
    workbook = Workbook()
    workbook.active.append(["Name", "E-Mail"])
    workbook.active.append(["Ina Iltis", "ina@test.example"])
    workbook.active.append(["Ohne Adresse", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    recipients, errors = einladungen.recipients_file(
        SimpleUploadedFile("l.xlsx", buffer.getvalue())
    )
    assert [r.email for r in recipients] == ["ina@test.example"]
    assert errors == ["Zeile 3: keine oder mehrere E-Mail-Adressen"]


def test_a_broken_workbook_gets_a_german_message():
    with pytest.raises(Exception, match="als Tabelle"):
        einladungen.recipients_file(SimpleUploadedFile("l.xlsx", b"PK\x03\x04kaputt"))


# --- Sending ---------------------------------------------------------------------------------


def test_a_run_puts_one_mail_per_invitation_into_the_outbox_once(
    django_capture_on_commit_callbacks,
):
    event = _event()
    with django_capture_on_commit_callbacks() as callbacks:
        versand, schon = einladungen.einladungen_create(
            veranstaltung=event,
            recipients=[Empfaenger(email=f"p{i}@test.example") for i in range(5)],
            label="Liste",
            user=None,
        )
    assert versand.total == 5 and schon == 0 and len(callbacks) == 1  # the task, after commit
    assert einladungen.versand_run(versand_id=versand.pk) == 5
    assert einladungen.versand_run(versand_id=versand.pk) == 0  # run again: nobody twice
    versand.refresh_from_db()
    assert versand.queued == 5 and versand.finished_at is not None
    mails = Mail.objects.filter(template="einladung")
    assert mails.count() == 5
    einladung = event.einladungen.get(email="p3@test.example")
    assert einladung.mail.to == ["p3@test.example"] and einladung.sent_at is not None
    assert _link(einladung) in einladung.mail.body_text
    progress = einladungen.versand_progress(versand)
    assert (progress["queued"], progress["delivered"], progress["finished"]) == (5, 0, False)
    Mail.objects.filter(pk__in=[m.pk for m in mails[:2]]).update(status=Mail.Status.SENT)
    assert einladungen.versand_progress(versand)["delivered"] == 2
    mails.update(status=Mail.Status.SENT)
    assert einladungen.versand_progress(versand)["finished"] is True


def test_a_second_run_skips_those_already_invited():
    event = _event()
    _invite(event, "a@test.example", "b@test.example")
    versand, schon = einladungen.einladungen_create(
        veranstaltung=event,
        recipients=[Empfaenger(email="B@test.example"), Empfaenger(email="c@test.example")],
        label="Liste",
        user=None,
    )
    assert schon == 1 and versand.total == 1
    assert event.einladungen.count() == 2  # the worker writes the new one
    einladungen.versand_run(versand_id=versand.pk)
    assert event.einladungen.count() == 3


def test_an_address_invited_meanwhile_by_another_run_is_written_and_sent_once():
    event = _event()
    first, _ = einladungen.einladungen_create(
        veranstaltung=event, recipients=[Empfaenger(email="a@test.example")], label="1", user=None
    )
    second, _ = einladungen.einladungen_create(
        veranstaltung=event, recipients=[Empfaenger(email="a@test.example")], label="2", user=None
    )
    einladungen.versand_run(versand_id=first.pk)
    einladungen.versand_run(versand_id=second.pk)
    einladungen.versand_run(versand_id=second.pk)
    assert event.einladungen.count() == 1
    assert Mail.objects.filter(template="einladung").count() == 1
    second.refresh_from_db()
    assert (second.total, second.recipients) == (0, [])


def test_the_coordinator_previews_then_sends_and_watches_the_progress(
    client_as, welt, django_capture_on_commit_callbacks
):
    event = _event()
    client = client_as("koordination")
    url = reverse("konferenzen:einladung-list", args=[event.pk])
    liste = "Anna <anna@test.example>\nfalsch\nbert@test.example"
    page = client.post(url, {"quelle": "liste", "liste": liste, "aktion": "vorschau"})
    text = page.content.decode()
    assert "2 Personen werden eingeladen." in text and "Zeile 2" in text
    assert not Einladung.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly in tests
        response = client.post(url, {"quelle": "liste", "liste": liste, "aktion": "senden"})
    assert response.status_code == 302
    versand = Versand.objects.get()
    assert versand.total == 2 and versand.created_by == welt.users["koordination"]
    url = reverse("konferenzen:versand-progress", args=[versand.pk])
    fragment = client.get(url).content.decode()
    assert "2 von 2 zugestellt – fertig" in fragment
    assert "hx-trigger" not in fragment  # done: the page stops asking
    Mail.objects.filter(template="einladung").update(status=Mail.Status.QUEUED)
    fragment = client.get(url).content.decode()
    assert (
        "0 von 2 zugestellt (noch 2 im Postausgang)" in fragment
        and 'hx-trigger="every 1s"' in fragment
    )
    assert client_as("partner").get(url).status_code == 404


def test_the_form_says_what_is_missing(client_as):
    event = _event()
    url = reverse("konferenzen:einladung-list", args=[event.pk])
    page = client_as("koordination").post(url, {"quelle": "kontakte", "aktion": "vorschau"})
    assert "mindestens einen Organisationstyp" in page.content.decode()
    page = client_as("koordination").post(url, {"quelle": "forum", "aktion": "vorschau"})
    assert "Bitte wählen Sie ein Forum." in page.content.decode()


@pytest.mark.parametrize("role", ["partner", "gremium", "wartend"])
def test_only_managers_invite(client_as, role):
    event = _event()
    url = reverse("konferenzen:einladung-list", args=[event.pk])
    assert client_as(role).get(url).status_code == 404
    assert client_as(role).post(url, {"quelle": "gremium", "aktion": "senden"}).status_code == 404
    assert not Einladung.objects.exists()


def test_the_forum_moderator_manages_the_forum_session(client_as, welt):
    event = _event(forum=welt.forum_members, art="forumssitzung")
    other = _event(forum=welt.forum_other)
    client = client_as("moderation")
    assert client.get(reverse("konferenzen:einladung-list", args=[event.pk])).status_code == 200
    assert client.get(reverse("konferenzen:einladung-list", args=[other.pk])).status_code == 404


# --- The personal link -----------------------------------------------------------------------


def test_an_invited_person_registers_without_an_account_for_a_working_group(client):
    event = _event()
    gruppe = Arbeitsgruppe.objects.create(veranstaltung=event, name="Elternarbeit", capacity=5)
    (einladung,) = _invite(event, "frieda@test.example")
    page = client.get(_link(einladung)).content.decode()
    assert "Auftaktwerkstatt" in page and "Elternarbeit" in page
    response = _zusagen(client, einladung, runde_1=gruppe.pk, on_list="on")
    anmeldung = Anmeldung.objects.get()
    assert response.url == reverse("konferenzen:anmeldung-manage", args=[anmeldung.token])
    assert (anmeldung.email, anmeldung.name, anmeldung.status) == (
        "frieda@test.example", "Frieda Gast", "bestaetigt",
    )  # fmt: skip
    assert list(anmeldung.arbeitsgruppen.all()) == [gruppe] and anmeldung.on_list
    einladung.refresh_from_db()
    assert einladung.status == "angenommen" and einladung.anmeldung == anmeldung
    confirmation = Mail.objects.get(template="anmeldung_bestaetigt")
    assert confirmation.to == ["frieda@test.example"]
    assert confirmation.attachments[0]["filename"] == "veranstaltung.ics"


def test_a_reused_link_shows_the_registration_and_registers_nobody_twice(client):
    event = _event()
    (einladung,) = _invite(event, "frieda@test.example")
    _zusagen(client, einladung)
    again = _zusagen(client, einladung)
    anmeldung = Anmeldung.objects.get()
    assert again.url == reverse("konferenzen:anmeldung-manage", args=[anmeldung.token])
    assert "Sie haben zugesagt" in client.get(_link(einladung)).content.decode()
    assert Anmeldung.objects.count() == 1


def test_a_double_submit_at_the_service_registers_once():
    event = _event()
    (einladung,) = _invite(event, "frieda@test.example")
    first = einladungen.einladung_accept(einladung=einladung, name="Frieda")
    second = einladungen.einladung_accept(einladung=einladung, name="Frieda")
    assert first[0] == second[0] and (first[1], second[1]) == (True, False)
    assert Anmeldung.objects.count() == 1


def test_a_forged_or_cut_link_gets_a_clear_german_page(client):
    event = _event()
    (einladung,) = _invite(event, "frieda@test.example")
    for token in ["erfunden", einladung.token[:-3], einladung.token + "x"]:
        response = client.get(reverse("konferenzen:einladung", args=[token]))
        assert response.status_code == 404
        assert "Dieser Einladungslink ist ungültig" in response.content.decode()
    assert client.post(reverse("konferenzen:einladung", args=["erfunden"])).status_code == 404
    assert not Anmeldung.objects.exists()


def test_an_expired_link_says_the_deadline_has_passed_and_registers_nobody(client):
    event = _event(registration_closes=timezone.now() + timedelta(days=1))
    (einladung,) = _invite(event, "frieda@test.example")
    Veranstaltung.objects.filter(pk=event.pk).update(
        registration_closes=timezone.now() - timedelta(minutes=1)
    )
    assert "Die Anmeldefrist ist abgelaufen" in client.get(_link(einladung)).content.decode()
    response = _zusagen(client, einladung)
    assert response.status_code == 302 and not Anmeldung.objects.exists()
    einladung.refresh_from_db()
    assert einladung.status == "offen"


def test_declining_is_recorded_and_an_accepted_registration_is_cancelled(client):
    event = _event(capacity=1)
    first, second = _invite(event, "a@test.example", "b@test.example")
    _zusagen(client, first)
    _zusagen(client, second)
    assert Anmeldung.objects.get(email="b@test.example").status == "warteliste"
    client.post(_link(first), {"antwort": "absagen"})
    first.refresh_from_db()
    assert first.status == "abgelehnt"
    assert Anmeldung.objects.get(email="a@test.example").status == "storniert"
    # The waiting list moved up, and the person got a mail.
    assert Anmeldung.objects.get(email="b@test.example").status == "bestaetigt"
    assert Mail.objects.filter(template="anmeldung_nachgerueckt", to=["b@test.example"]).exists()


def test_cancelling_through_the_registration_link_marks_the_invitation_declined(client):
    event = _event()
    (einladung,) = _invite(event, "frieda@test.example")
    _zusagen(client, einladung)
    anmeldung = Anmeldung.objects.get()
    client.post(reverse("konferenzen:anmeldung-manage", args=[anmeldung.token]), {"absagen": "1"})
    einladung.refresh_from_db()
    assert einladung.status == "abgelehnt"


def test_colleagues_are_registered_in_the_same_go_each_with_their_own_mail(client):
    event = _event(capacity=2)
    (einladung,) = _invite(event, "leitung@test.example")
    response = _zusagen(
        client, einladung,
        **{"weitere-0-name": "Kai Kollege", "weitere-0-email": "kai@test.example",
           "weitere-1-name": "Lea Kollegin", "weitere-1-email": "lea@test.example"},
    )  # fmt: skip
    assert response.status_code == 302
    statuses = dict(Anmeldung.objects.values_list("email", "status"))
    assert statuses == {
        "leitung@test.example": "bestaetigt", "kai@test.example": "bestaetigt",
        "lea@test.example": "warteliste",
    }  # fmt: skip
    assert Mail.objects.filter(template="anmeldung_warteliste", to=["lea@test.example"]).exists()


def test_colleagues_of_an_invited_account_appear_under_its_meine_anmeldungen(client, welt):
    event = _event()
    (einladung,) = _invite(event, welt.users["partner"].email)
    Einladung.objects.filter(pk=einladung.pk).update(
        user=welt.users["partner"], organisation=welt.organisation
    )
    einladung.refresh_from_db()
    _zusagen(client, einladung, **{"weitere-0-name": "Kai", "weitere-0-email": "kai@test.example"})
    kai = Anmeldung.objects.get(email="kai@test.example")
    assert kai.registered_by == welt.users["partner"]
    client.force_login(welt.users["partner"])
    assert "Kai" in client.get(reverse("konferenzen:meine-anmeldungen")).content.decode()


def test_a_colleague_row_with_only_a_name_gets_a_message_and_nothing_is_lost(client):
    event = _event()
    (einladung,) = _invite(event, "leitung@test.example")
    response = _zusagen(client, einladung, **{"weitere-0-name": "Kai Kollege"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bitte Name und E-Mail-Adresse angeben" in page and "Kai Kollege" in page
    assert "Frieda Gast" in page  # the main form keeps its input
    assert not Anmeldung.objects.exists()


def test_an_invited_only_event_is_visible_to_the_invited_account_only(client_as, welt):
    event = _event()
    url = event.get_absolute_url()
    assert client_as("partner").get(url).status_code == 404
    _invite(event, "partner@test.example")
    assert client_as("partner").get(url).status_code == 200
    assert client_as("gremium").get(url).status_code == 404
    assert client_as("anonym").get(url).status_code == 404


def test_the_calendar_file_opens_with_the_invitation_token(client):
    event = _event()
    (einladung,) = _invite(event, "frieda@test.example")
    url = reverse("konferenzen:veranstaltung-ics", args=[event.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"einladung": "falsch"}).status_code == 404
    assert client.get(url, {"einladung": einladung.token}).status_code == 200


# --- Reminders -------------------------------------------------------------------------------


def test_reminders_go_to_those_without_an_answer_once_a_day(client):
    event = _event()
    a, b, c = _invite(event, "a@test.example", "b@test.example", "c@test.example")
    _zusagen(client, a)
    client.post(_link(b), {"antwort": "absagen"})
    versand = einladungen.erinnerungen_create(veranstaltung=event, user=None)
    einladungen.versand_run(versand_id=versand.pk)
    reminders = Mail.objects.filter(template="einladung_erinnerung")
    assert [m.to for m in reminders] == [["c@test.example"]]
    assert _link(c) in reminders.get().body_text
    assert einladungen.erinnerungen_create(veranstaltung=event, user=None) is None
    later = timezone.now() + timedelta(days=1)
    again = einladungen.erinnerungen_create(veranstaltung=event, user=None, now=later)
    assert again.total == 1


def test_the_reminder_button_needs_an_open_registration(client_as):
    event = _event(registration_closes=timezone.now() + timedelta(days=1))
    _invite(event, "a@test.example")
    Veranstaltung.objects.filter(pk=event.pk).update(
        registration_closes=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("konferenzen:einladung-remind", args=[event.pk])
    response = client_as("koordination").post(url, follow=True)
    assert "eine Erinnerung hilft nicht" in response.content.decode()
    assert not Versand.objects.filter(art="erinnerung").exists()


def test_the_reminder_before_the_start_goes_to_the_confirmed_once():
    now = timezone.now()
    soon = _event(capacity=1)
    Veranstaltung.objects.filter(pk=soon.pk).update(
        start=now + timedelta(hours=5), end=now + timedelta(hours=8)
    )
    later = _event()
    for i in range(2):
        services.anmeldung_create(veranstaltung=soon, name=f"P{i}", email=f"p{i}@test.example")
    services.anmeldung_create(veranstaltung=later, name="L", email="l@test.example")
    assert services.reminders_send(now=now) == 1
    assert services.reminders_send(now=now) == 0
    mail = Mail.objects.get(template="veranstaltung_erinnerung")
    assert mail.to == ["p0@test.example"]  # p1 waits; the later event is not due
    assert "sagen Sie bitte ab" in mail.body_text


# --- Colleagues as a partner, management ------------------------------------------------------


def test_a_partner_registers_colleagues_of_their_organisation(client_as, welt):
    event = _event(visibility="members")
    url = reverse("konferenzen:delegierte", args=[event.pk])
    client = client_as("partner")
    data = {
        "weitere-TOTAL_FORMS": "3", "weitere-INITIAL_FORMS": "0",
        "weitere-MIN_NUM_FORMS": "0", "weitere-MAX_NUM_FORMS": "20",
        "weitere-0-name": "Kai Kollege", "weitere-0-email": "kai@test.example",
        "weitere-1-name": "Kai Doppelt", "weitere-1-email": "KAI@test.example",
    }  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "Jede Person braucht ihre eigene E-Mail-Adresse." in page
    del data["weitere-1-name"], data["weitere-1-email"]
    assert client.post(url, data).status_code == 302
    anmeldung = Anmeldung.objects.get()
    assert anmeldung.organisation == welt.organisation
    assert anmeldung.registered_by == welt.users["partner"] and anmeldung.user is None
    assert "Kai Kollege" in client.get(url).content.decode()
    # Someone without an organisation has nobody to register.
    assert client_as("gremium").get(url).status_code == 404


def test_the_manager_moves_up_and_cancels_and_exports(client_as):
    event = _event(capacity=1)
    for i in range(2):
        services.anmeldung_create(veranstaltung=event, name=f"P{i}", email=f"p{i}@test.example")
    first, waiting = Anmeldung.objects.order_by("pk")
    client = client_as("koordination")
    url = reverse("konferenzen:anmeldung-action", args=[event.pk, waiting.pk])
    page = client.post(url, {"aktion": "nachruecken"}, follow=True).content.decode()
    assert "Kein Platz frei" in page
    url = reverse("konferenzen:anmeldung-action", args=[event.pk, first.pk])
    page = client.post(url, {"aktion": "absagen"}, follow=True).content.decode()
    assert "Von der Warteliste nachgerückt: P1." in page
    csv = client.get(reverse("konferenzen:anmeldung-list", args=[event.pk]), {"export": "csv"})
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Name;E-Mail;Organisation") and rows[1].startswith("P1;")
    assert len(rows) == 2  # the cancelled registration is not in the default (active) list


def test_registrations_from_paper_are_entered_through_the_same_service(client_as):
    event = _event(capacity=1)
    url = reverse("konferenzen:anmeldung-import", args=[event.pk])
    liste = "Ida Iltis <ida@test.example>\nohne-adresse\nWanda; wanda@test.example; Verein"
    page = client_as("koordination").post(url, {"liste": liste}, follow=True).content.decode()
    assert "Zeile 2: keine oder mehrere E-Mail-Adressen" in page
    assert "2 angemeldet, davon 1 auf der Warteliste; 0 waren schon angemeldet." in page
    assert dict(Anmeldung.objects.values_list("email", "status")) == {
        "ida@test.example": "bestaetigt", "wanda@test.example": "warteliste",
    }  # fmt: skip
    page = client_as("koordination").post(url, {"liste": liste}, follow=True).content.decode()
    assert "0 angemeldet, davon 0 auf der Warteliste; 2 waren schon angemeldet." in page
    assert client_as("partner").post(url, {"liste": liste}).status_code == 404


def test_the_event_list_shows_an_invited_only_event_to_the_invited(client_as):
    event = _event()
    url = reverse("konferenzen:veranstaltung-list")
    assert event.title not in client_as("gremium").get(url).content.decode()
    _invite(event, "gremium@test.example")
    assert event.title in client_as("gremium").get(url).content.decode()
    assert event.title not in client_as("partner").get(url).content.decode()


# --- Found in review -------------------------------------------------------------------------


def test_a_moderator_invites_only_their_forum_and_own_lists(client_as, welt):
    event = _event(forum=welt.forum_members, art="forumssitzung")
    url = reverse("konferenzen:einladung-list", args=[event.pk])
    client = client_as("moderation")
    for data in (
        {"quelle": "gremium"},
        {"quelle": "kontakte", "typen": [welt.organisation.typ_id]},
        {"quelle": "forum", "forum": welt.forum_public.pk},
    ):
        page = client.post(url, {**data, "aktion": "senden"})
        assert page.status_code == 200 and "Auswahl" in page.content.decode()
    assert not Einladung.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"quelle": "forum", "forum": welt.forum_members.pk, "aktion": "senden"})
    assert list(Einladung.objects.values_list("email", flat=True)) == ["moderation@test.example"]


def test_an_uploaded_file_is_previewed_and_sent_without_uploading_it_again(client_as):
    event = _event()
    url = reverse("konferenzen:einladung-list", args=[event.pk])
    client = client_as("koordination")
    upload = SimpleUploadedFile("l.csv", b"Ina Iltis;ina@test.example;Schule\n")
    page = client.post(url, {"quelle": "liste", "datei": upload, "aktion": "vorschau"})
    text = page.content.decode()
    assert "1 Person wird eingeladen." in text and "Ina Iltis; ina@test.example; Schule" in text
    # The browser sends the form again without the file; the list now stands in the text field.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"quelle": "liste", "liste": page.context["form"]["liste"].value(),
                          "aktion": "senden"})  # fmt: skip

    assert Einladung.objects.get().organisation_name == "Schule"


def test_unreadable_or_oversized_lists_get_a_message_not_an_error():
    huge = b"Name;E-Mail\n" + b"x" * 200_000 + b";a@test.example\n"
    with pytest.raises(Exception, match="als Tabelle"):
        einladungen.recipients_file(SimpleUploadedFile("l.csv", huge))
    recipients, errors = einladungen.recipients_text(f"{'N' * 201}; a@test.example")
    assert recipients == [] and "länger als 200 Zeichen" in errors[0]
    recipients, errors = einladungen.recipients_text(f"{'a' * 250}@test.example")
    assert recipients == [] and "länger als 254 Zeichen" in errors[0]


def test_nothing_is_cancelled_once_the_event_has_begun():
    event = _event(capacity=1)
    services.anmeldung_create(veranstaltung=event, name="A", email="a@test.example")
    services.anmeldung_create(veranstaltung=event, name="B", email="b@test.example")
    first = Anmeldung.objects.get(email="a@test.example")
    with pytest.raises(Exception, match="hat begonnen"):
        services.anmeldung_cancel(anmeldung=first, now=event.start + timedelta(minutes=5))
    assert Anmeldung.objects.get(email="b@test.example").status == "warteliste"
    assert first.__class__.objects.get(pk=first.pk).status == "bestaetigt"


def test_a_later_reminder_leaves_the_earlier_runs_progress_alone(client):
    event = _event()
    _invite(event, "a@test.example")
    first = einladungen.erinnerungen_create(veranstaltung=event, user=None)
    einladungen.versand_run(versand_id=first.pk)
    Mail.objects.filter(template="einladung_erinnerung").update(status=Mail.Status.SENT)
    later = timezone.now() + timedelta(days=1)
    second = einladungen.erinnerungen_create(veranstaltung=event, user=None, now=later)
    einladungen.versand_run(versand_id=second.pk)
    first.refresh_from_db()
    assert einladungen.versand_progress(first)["delivered"] == 1
    assert einladungen.versand_progress(first)["finished"] is True
    assert einladungen.versand_progress(second)["delivered"] == 0


def test_registering_on_the_event_page_answers_the_invitation(client_as):
    event = _event(visibility="members")
    (einladung,) = _invite(event, "partner@test.example")
    client_as("partner").post(event.get_absolute_url(), {})
    einladung.refresh_from_db()
    assert einladung.status == "angenommen" and einladung.anmeldung is not None
    assert einladungen.erinnerungen_create(veranstaltung=event, user=None) is None


def test_registering_colleagues_does_not_tell_who_else_is_registered(client_as):
    event = _event(visibility="members")
    services.anmeldung_create(veranstaltung=event, name="Geheime Person", email="g@test.example")
    data = {
        "weitere-TOTAL_FORMS": "1", "weitere-INITIAL_FORMS": "0",
        "weitere-MIN_NUM_FORMS": "0", "weitere-MAX_NUM_FORMS": "20",
        "weitere-0-name": "Rate mal", "weitere-0-email": "g@test.example",
    }  # fmt: skip
    url = reverse("konferenzen:delegierte", args=[event.pk])
    page = client_as("partner").post(url, data, follow=True).content.decode()
    assert "Eine Adresse war schon angemeldet." in page and "Geheime Person" not in page


def test_a_cancellation_by_the_organisers_does_not_thank_the_person(client_as):
    event = _event()
    services.anmeldung_create(veranstaltung=event, name="Ida", email="ida@test.example")
    anmeldung = Anmeldung.objects.get()
    url = reverse("konferenzen:anmeldung-action", args=[event.pk, anmeldung.pk])
    client_as("koordination").post(url, {"aktion": "absagen"})
    mail = Mail.objects.get(template="anmeldung_storniert")
    assert "Organisationsteam hat Ihre Anmeldung" in mail.body_text
    assert "Danke, dass Sie Bescheid gegeben haben" not in mail.body_text
