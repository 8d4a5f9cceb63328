import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from akteure.models import Angebot, Import, Organisation, Person
from netzwerk.models import Handlungsfeld, Lebensphase

pytestmark = pytest.mark.django_db

ORGS_CSV = (
    "Name;Typ;PLZ;Website;E-Mail\n"
    "Kita Regenbogen;Kita-Typ;52146;kita.example;kita@regenbogen.example\n"
    "TuS 1920;Kita-Typ;521;https://tus.example;tus@\n"
    "Kita Wolke;Kita-Typ;52146;;\n"
)


def _upload(client, art: str, name: str, content: bytes):
    return client.post(
        reverse("akteure:import-list"),
        {"art": art, "datei": SimpleUploadedFile(name, content)},
    )


def _check(client, imp, mapping=None):
    from akteure.importer import FELDER

    data = {"aktion": "pruefen"}
    for feld in FELDER[imp.art]:
        index = (mapping or imp.mapping).get(feld.name)
        data[feld.name] = "" if index is None else str(index)
    return client.post(imp.get_absolute_url(), data)


@pytest.fixture
def koordination(client_as, welt):
    from tests.factories import OrganisationstypFactory

    OrganisationstypFactory(name="Kita-Typ", slug="kita-typ")
    return client_as("koordination")


def test_columns_are_mapped_by_their_german_names(koordination):
    _upload(koordination, "organisationen", "orgs.csv", ORGS_CSV.encode())
    imp = Import.objects.get()
    assert imp.mapping == {"name": 0, "typ": 1, "postcode": 2, "website": 3, "email": 4}
    assert imp.rows_total == 3


def test_one_bad_row_means_nothing_is_written_and_every_error_is_named(koordination):
    _upload(koordination, "organisationen", "orgs.csv", ORGS_CSV.encode())
    imp = Import.objects.get()
    page = _check(koordination, imp).content.decode()
    assert "Zeile 3: „521“ ist keine fünfstellige PLZ." in page
    assert "Zeile 3: „tus@“ ist keine gültige E-Mail-Adresse." in page
    assert "Kita Wolke" in page and "gibt es schon" in page  # duplicate by name
    koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    assert not Organisation.objects.filter(name="Kita Regenbogen").exists()
    imp.refresh_from_db()
    assert imp.status == Import.Status.HOCHGELADEN  # never reached "checked"


def test_a_clean_file_is_imported_with_duplicates_skipped(koordination, welt):
    csv = ORGS_CSV.replace("521;https://tus.example;tus@", "52146;https://tus.example;tus@x.de")
    _upload(koordination, "organisationen", "orgs.csv", csv.encode())
    imp = Import.objects.get()
    assert "2 Zeilen können importiert werden" in _check(koordination, imp).content.decode()
    koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    imp.refresh_from_db()
    assert imp.status == Import.Status.FERTIG and (imp.created, imp.skipped) == (2, 1)
    regenbogen = Organisation.objects.get(name="Kita Regenbogen")
    assert regenbogen.website == "https://kita.example"
    assert regenbogen.history.get().history_user == welt.users["koordination"]
    assert Organisation.objects.filter(name="Kita Wolke").count() == 1


def test_offers_from_xlsx_with_phases_and_fields(koordination, welt):
    from openpyxl import Workbook

    Lebensphase.objects.create(name="0-3 Jahre", slug="0-3")
    Lebensphase.objects.create(name="3-6 Jahre", slug="3-6")
    Handlungsfeld.objects.create(name="Gesundheit", slug="gesundheit")
    book = Workbook()
    sheet = book.active
    sheet.append(["Titel", "Organisation", "Lebensphasen", "Handlungsfeld", "Kosten"])
    sheet.append(["Babymassage", "Kita Wolke", "0-3 Jahre; 3-6 Jahre", "Gesundheit", "kostenlos"])
    sheet.append(["Sprachspiele", "Kita Wolke", "3-6 Jahre", "Gesundheit", ""])  # exists already
    buffer = io.BytesIO()
    book.save(buffer)
    _upload(koordination, "angebote", "angebote.xlsx", buffer.getvalue())
    imp = Import.objects.get()
    _check(koordination, imp)
    koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    angebot = Angebot.objects.get(title="Babymassage")
    assert sorted(p.name for p in angebot.lebensphasen.all()) == ["0-3 Jahre", "3-6 Jahre"]
    assert angebot.organisation == welt.organisation
    assert Angebot.objects.filter(title="Sprachspiele").count() == 1


def test_unknown_vocabulary_is_named_with_what_is_allowed(koordination, welt):
    csv = "Titel;Organisation;Lebensphasen\nKurs;Kita Wolke;Rente\nKurs 2;Gibtsnicht;\n"
    _upload(koordination, "angebote", "a.csv", csv.encode())
    page = _check(koordination, Import.objects.get()).content.decode()
    assert "Zeile 2: Lebensphase „Rente“ ist unbekannt." in page
    assert "Zeile 3: Organisation „Gibtsnicht“ ist unbekannt." in page


def test_a_deactivated_term_is_not_taken_by_an_import(koordination, welt):
    from netzwerk.models import Lebensphase

    Lebensphase.objects.create(name="Rente", slug="rente", active=False)
    csv = "Titel;Organisation;Lebensphasen\nKurs;Kita Wolke;Rente\n"
    _upload(koordination, "angebote", "a.csv", csv.encode())
    page = _check(koordination, Import.objects.get()).content.decode()
    assert "Zeile 2: Lebensphase „Rente“ ist unbekannt." in page


def test_persons_are_deduplicated_by_e_mail(koordination, welt):
    csv = (
        "Vorname,Nachname,Organisation,E-Mail\n"
        "Ada,Lovelace,Kita Wolke,ada@test.example\n"
        "Ada,L.,Kita Wolke,ADA@test.example\n"
    )
    _upload(koordination, "personen", "p.csv", csv.encode("cp1252"))
    imp = Import.objects.get()
    _check(koordination, imp)
    koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    assert Person.objects.filter(email__iexact="ada@test.example").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leer.csv", b"", "leer"),
        ("nur-kopf.csv", b"Name;Typ\n", "nur die Kopfzeile"),
        ("alt.xls", b"\xd0\xcf\x11\xe0\x00\x00binary", "kann das Portal nicht lesen"),
        ("kaputt.xlsx", b"PK\x03\x04kaputt", "beschädigt"),
    ],
)
def test_unreadable_files_get_a_german_message_and_no_500(koordination, name, content, message):
    response = _upload(koordination, "organisationen", name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Import.objects.exists()


def test_a_required_field_without_column_is_named(koordination):
    _upload(koordination, "organisationen", "o.csv", b"Name;Irgendwas\nA;B\n")
    imp = Import.objects.get()
    page = _check(koordination, imp).content.decode()
    assert "Bitte ordnen Sie eine Spalte zu für: Typ." in page


def test_large_imports_run_in_a_task_and_show_progress(
    koordination, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 5
    rows = "".join(f"Verein {i};Kita-Typ\n" for i in range(40))
    _upload(koordination, "organisationen", "viele.csv", f"Name;Typ\n{rows}".encode())
    imp = Import.objects.get()
    _check(koordination, imp)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    imp.refresh_from_db()
    assert imp.status == Import.Status.LAEUFT
    fragment = koordination.get(reverse("akteure:import-progress", kwargs={"pk": imp.pk}))
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert len(callbacks) == 1
    callbacks[0]()  # the worker (eager in tests) runs the import
    imp.refresh_from_db()
    assert imp.status == Import.Status.FERTIG and imp.created == 40
    fragment = koordination.get(reverse("akteure:import-progress", kwargs={"pk": imp.pk}))
    assert "Import abgeschlossen" in fragment.content.decode()
    assert "every 1s" not in fragment.content.decode()


def test_starting_twice_imports_once(koordination):
    _upload(koordination, "organisationen", "o.csv", b"Name;Typ\nEinmalig;Kita-Typ\n")
    imp = Import.objects.get()
    _check(koordination, imp)
    koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    koordination.post(imp.get_absolute_url(), {"aktion": "start"})
    assert Organisation.objects.filter(name="Einmalig").count() == 1
