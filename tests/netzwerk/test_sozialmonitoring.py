"""Sozialmonitoring (issue 19): indicators and the import of their values per Sozialraum and year.
Every bad row is named with its row number and nothing is stored; small groups are suppressed."""

import io
from decimal import Decimal

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from netzwerk.models import Indikator, IndikatorImport, IndikatorWert, Lebensphase
from netzwerk.sozialmonitoring import importer, services
from netzwerk.tabellen import ImportFehler
from tests.factories import SozialraumFactory

pytestmark = pytest.mark.django_db
JAHR = timezone.localdate().year - 1


@pytest.fixture
def raeume(db):
    return {
        "nord": SozialraumFactory(name="Nord", schluessel="SR02"),
        "broich": SozialraumFactory(name="Broich", schluessel="051540012"),
    }


@pytest.fixture
def quote(db):
    return services.indikator_create(
        name="SGB-II-Quote unter 15", einheit="%", quelle="Statistikstelle", beschreibung="",
        art=Indikator.Art.BEDARF, lebensphase=None, richtung=Indikator.Richtung.MEHR_BEDARF,
        zaehlt_personen=False,
    )  # fmt: skip


def _kinder_0_3(*, zaehlt_personen: bool = True) -> Indikator:
    return services.indikator_create(
        name="Kinder 0-3", einheit="Kinder", quelle="Statistik", beschreibung="",
        art=Indikator.Art.BEVOELKERUNG,
        lebensphase=Lebensphase.objects.create(name="0-3", slug="0-3"),
        richtung=Indikator.Richtung.MEHR_BEDARF, zaehlt_personen=zaehlt_personen,
    )  # fmt: skip


def _pruefen(indikator, text: str, name="werte.csv"):
    return importer.pruefen(indikator=indikator, data=text.encode(), dateiname=name, user=None)


def test_districts_are_found_by_name_or_key_and_german_numbers_are_read(raeume, quote):
    vorgang = _pruefen(
        quote, f"Sozialraum;Jahr;Anteil in %\nnord;{JAHR};1.234,5\n051540012;{JAHR};12,5 %\n"
    )
    assert vorgang.fehler == []
    assert importer.uebernehmen(vorgang=vorgang) == 2
    assert dict(IndikatorWert.objects.values_list("sozialraum__name", "wert")) == {
        "Nord": Decimal("1234.50"),
        "Broich": Decimal("12.50"),
    }


@pytest.mark.parametrize(
    ("zeile", "meldung"),
    [
        (f"Südstadt;{JAHR};12", "Zeile 3: Sozialraum „Südstadt“ ist unbekannt"),
        (f";{JAHR};12", "Zeile 3: Sozialraum fehlt"),
        (f"Broich;{JAHR};k. A.", "Zeile 3: Wert „k. A.“ ist keine Zahl"),
        (f"Broich;{JAHR};", "Zeile 3: Wert fehlt"),
        ("Broich;1989;12", "Zeile 3: Jahr 1989 liegt nicht zwischen 1990 und"),
        (f"Broich;{JAHR + 2};12", f"Zeile 3: Jahr {JAHR + 2} liegt nicht zwischen"),
        ("Broich;24;12", "Zeile 3: Jahr „24“ ist keine Jahreszahl"),
        (f"Nord;{JAHR};13", f"Zeile 3: Nord {JAHR} steht schon in Zeile 2"),
        (f"Broich;{JAHR};12;drei", "Zeile 3: Anzahl „drei“ ist keine Zahl von Personen"),
        (f"Broich;{JAHR};1000000000000", "Zeile 3: Wert „1000000000000“ ist zu groß"),
        (f"Broich;{JAHR};12.345", "Zeile 3: Wert „12.345“ ist mehrdeutig"),
        (f"Broich;{JAHR};999999999999,995", "Zeile 3: Wert „999999999999,995“ ist zu groß"),
    ],
)
def test_each_bad_row_is_named_with_its_number_and_nothing_is_stored(raeume, quote, zeile, meldung):
    vorgang = _pruefen(quote, f"Sozialraum;Jahr;Wert;Anzahl\nNord;{JAHR};12;40\n{zeile}\n")
    assert len(vorgang.fehler) == 1 and vorgang.fehler[0].startswith(meldung), vorgang.fehler
    with pytest.raises(importer.NichtUebernommen, match="Fehler"):
        importer.uebernehmen(vorgang=vorgang)
    assert not IndikatorWert.objects.exists()  # the good row 2 neither


@pytest.mark.parametrize(
    ("text", "wert"),
    [("12,5", "12.5"), ("1.234,5", "1234.5"), ("12,5 %", "12.5"), ("0.125", "0.125"),
     ("12.5", "12.5"), ("1.234.567", "1234567"), ("-3", "-3"), ("1.23,4", None), ("1e20", None),
     ("12,5,1", None)],
)  # fmt: skip
def test_numbers_are_read_as_german_and_english_files_write_them(text, wert):
    assert importer.zahl(text) == (None if wert is None else Decimal(wert))


def test_a_file_without_the_needed_columns_says_which_are_missing(quote):
    with pytest.raises(ImportFehler, match="Es fehlen Spalten: „Jahr“, „Wert“"):
        _pruefen(quote, "Sozialraum;Betrag\nNord;12\n")


def test_small_groups_are_suppressed_on_import_and_never_shown(client_as, raeume, quote):
    vorgang = _pruefen(
        quote, f"Sozialraum;Jahr;Wert;Anzahl\nNord;{JAHR};66,7;3\nBroich;{JAHR};25;8\n"
    )
    assert vorgang.hinweise == [
        f"Zeile 2: Nord {JAHR} beschreibt weniger als 5 Personen. Der Wert wird nicht "
        "gespeichert und nirgends gezeigt."
    ]
    importer.uebernehmen(vorgang=vorgang)
    nord = IndikatorWert.objects.get(sozialraum=raeume["nord"])
    assert (nord.wert, nord.unterdrueckt) == (None, True)  # the figure is not even stored
    page = client_as("partner").get(quote.get_absolute_url()).content.decode()
    assert "unterdrückt" in page and "25" in page and "66,7" not in page and "66.7" not in page


def test_a_count_of_persons_below_the_threshold_is_suppressed_itself(raeume, settings):
    settings.SOZIALMONITORING_MINDESTZAHL = 10
    kinder = _kinder_0_3()
    vorgang = _pruefen(kinder, f"Sozialraum;Jahr;Wert\nNord;{JAHR};9\nBroich;{JAHR};10\n")
    assert [z["unterdrueckt"] for z in vorgang.zeilen] == [True, False]


def test_a_new_import_replaces_the_same_year_and_keeps_the_others(raeume, quote):
    importer.uebernehmen(
        vorgang=_pruefen(quote, f"Sozialraum;Jahr;Wert\nNord;{JAHR - 1};10\nNord;{JAHR};11\n")
    )
    vorgang = _pruefen(quote, f"Sozialraum;Jahr;Wert\nNord;{JAHR};12\nBroich;{JAHR};5\n")
    assert [z["ersetzt"] for z in vorgang.zeilen] == [True, False]
    importer.uebernehmen(vorgang=vorgang)
    assert sorted(IndikatorWert.objects.values_list("sozialraum__name", "jahr", "wert")) == [
        ("Broich", JAHR, Decimal("5.00")),
        ("Nord", JAHR - 1, Decimal("10.00")),
        ("Nord", JAHR, Decimal("12.00")),
    ]
    with pytest.raises(importer.NichtUebernommen, match="schon übernommen"):
        importer.uebernehmen(vorgang=vorgang)


def test_an_excel_file_is_read_like_a_csv(raeume, quote):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kennziffer", "Jahr", "Wert"])
    sheet.append(["SR02", JAHR, 17.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    vorgang = importer.pruefen(
        indikator=quote, data=buffer.getvalue(), dateiname="werte.xlsx", user=None
    )
    assert vorgang.fehler == [] and vorgang.zeilen[0]["wert"] == "17.50"


def test_the_coordination_uploads_previews_and_takes_over_in_the_portal(client_as, raeume, quote):
    client = client_as("koordination")
    upload = reverse("netzwerk:indikator-import", args=[quote.slug])
    datei = io.BytesIO(f"Sozialraum;Jahr;Wert\nNord;{JAHR};20\nSüdstadt;{JAHR};3\n".encode())
    datei.name = "quote.csv"
    vorschau = client.post(upload, {"datei": datei}, follow=True)
    text = vorschau.content.decode()
    assert "Zeile 3: Sozialraum „Südstadt“ ist unbekannt" in text
    assert "Alle Werte übernehmen" not in text
    vorgang = IndikatorImport.objects.get()
    detail = reverse("netzwerk:indikator-import-detail", args=[quote.slug, vorgang.pk])
    client.post(detail, follow=True)  # refused: nothing stored
    assert not IndikatorWert.objects.exists()

    datei = io.BytesIO(f"Sozialraum;Jahr;Wert\nNord;{JAHR};20\n".encode())
    datei.name = "quote.csv"
    vorschau = client.post(upload, {"datei": datei}, follow=True)
    assert "Alle Werte übernehmen" in vorschau.content.decode()
    seite = client.post(vorschau.redirect_chain[-1][0], follow=True).content.decode()
    assert "1 Werte sind gespeichert." in seite and IndikatorWert.objects.count() == 1


def test_an_unreadable_upload_is_a_german_message_not_an_error(client_as, quote):
    datei = io.BytesIO(b";;\n\n")
    datei.name = "leer.csv"
    page = client_as("koordination").post(
        reverse("netzwerk:indikator-import", args=[quote.slug]), {"datei": datei}
    )
    assert page.status_code == 400
    assert "Die Datei enthält keine Zeilen." in page.content.decode()
    datei = io.BytesIO(b"Sozialraum;Jahr;Wert\n")
    datei.name = "kopf.csv"
    page = client_as("koordination").post(
        reverse("netzwerk:indikator-import", args=[quote.slug]), {"datei": datei}
    )
    assert page.status_code == 400
    assert "Die Datei enthält nur die Kopfzeile, aber keine Daten." in page.content.decode()


def test_only_the_coordination_defines_and_imports_and_approved_accounts_read(client_as, quote):
    lesen = quote.get_absolute_url()
    import_url = reverse("netzwerk:indikator-import", args=[quote.slug])
    assert client_as("anonym").get(lesen).status_code == 302
    assert client_as("wartend").get(lesen).status_code == 404
    for rolle in ("partner", "gremium"):
        page = client_as(rolle).get(lesen)
        assert page.status_code == 200 and "Werte importieren" not in page.content.decode()
        assert client_as(rolle).post(import_url).status_code == 404
        assert client_as(rolle).get(reverse("netzwerk:indikator-create")).status_code == 404
    assert "Werte importieren" in client_as("koordination").get(lesen).content.decode()


def test_the_indicator_form_explains_what_is_missing_or_taken(client_as, quote):
    client = client_as("koordination")
    url = reverse("netzwerk:indikator-create")
    daten = {"name": "Kinder 6-10", "einheit": "Kinder", "quelle": "Statistik",
             "art": "bevoelkerung", "richtung": "hoch"}  # fmt: skip
    page = client.post(url, daten)
    assert "Eine Bevölkerungszahl braucht die Lebensphase" in page.content.decode()
    page = client.post(url, {**daten, "name": "sgb-ii-quote UNTER 15", "art": "bedarf"})
    assert "Einen Indikator „SGB-II-Quote unter 15“ gibt es schon." in page.content.decode()
    client.post(url, {**daten, "name": "Neu", "art": "bedarf"})
    assert Indikator.objects.get(name="Neu").slug != "neu"  # "neu" is the create page's address
    delete = reverse("netzwerk:indikator-delete", args=[quote.slug])
    assert client.post(delete).status_code == 302 and not Indikator.objects.filter(pk=quote.pk)


def test_a_district_key_is_given_once(client_as, raeume, quote):
    url = reverse("netzwerk:vokabular", args=["sozialraeume"])
    page = client_as("koordination").post(url, {"name": "Weiden", "schluessel": "sr-02"})
    assert "Diesen Schlüssel hat schon „Nord“." in page.content.decode()
    page = client_as("koordination").post(url, {"name": "Weiden", "schluessel": "Broich"})
    assert "So heißt schon ein anderer Sozialraum: „Broich“." in page.content.decode()
    # Set behind the form's back (the back office): the import names it, never guesses.
    SozialraumFactory(name="Weiden", schluessel="Nord")
    vorgang = _pruefen(quote, f"Sozialraum;Jahr;Wert\nNord;{JAHR};3\nBroich;{JAHR};4\n")
    assert [f[:41] for f in vorgang.fehler] == ["Zeile 2: Sozialraum „Nord“ ist mehrdeutig"]


def test_the_measures_page_shows_the_need_of_the_districts_a_measure_targets(
    client_as, welt, raeume, quote, django_assert_max_num_queries
):
    from netzwerk.konzepte import services as konzepte
    from netzwerk.konzepte.selectors import massnahmen_baum
    from netzwerk.models import Konzept, Massnahme

    importer.uebernehmen(
        vorgang=_pruefen(
            quote,
            f"Sozialraum;Jahr;Wert;Anzahl\nNord;{JAHR - 1};30,2;40\nNord;{JAHR};31,5;40\n"
            f"Broich;{JAHR};4;2\n",
        )
    )
    konzept = konzepte.konzept_create(title="Präventionskonzept", user=welt.users["koordination"])
    schwerpunkt = konzepte.schwerpunkt_create(konzept=konzept, title="Familien früh erreichen")
    ziel = konzepte.ziel_create(schwerpunkt=schwerpunkt, title="Lotsinnen")
    client = client_as("koordination")
    url = reverse("netzwerk:massnahme-create", args=[konzept.slug, ziel.pk])
    raeume_pks = [raeume["nord"].pk, raeume["broich"].pk]
    daten = {"title": "Elterncafé", "ziel": ziel.pk, "status": "geplant", "progress": 0}
    client.post(url, {**daten, "sozialraeume": raeume_pks})
    massnahme = Massnahme.objects.get()
    assert set(massnahme.sozialraeume.all()) == set(raeume.values())
    text = client.get(reverse("netzwerk:massnahme-list", args=[konzept.slug])).content.decode()
    assert "Sozialraum Nord: " in text and "31,5 %" in text and f"({JAHR})" in text
    assert "30,2" not in text  # the latest year only
    assert "Sozialraum Broich: " in text and "unterdrückt" in text  # two children: suppressed
    # A decided concept's measures are public; the statistics office's figures are not.
    Konzept.objects.filter(pk=konzept.pk).update(status="beschlossen")
    url = reverse("netzwerk:massnahme-list", args=[konzept.slug])
    public = client_as("anonym").get(url).content.decode()
    assert "Sozialraum Nord" in public and "31,5" not in public and "SGB-II" not in public
    assert "31,5 %" in client_as("partner").get(url).content.decode()

    for i in range(4):  # more measures with districts: not one query more
        m = Massnahme.objects.create(ziel=ziel, title=f"M{i}")
        m.sozialraeume.set(raeume.values())
    with django_assert_max_num_queries(6):
        [knoten] = massnahmen_baum(konzept)
    assert [b.name for b in knoten.kinder[0].kinder[-1].bezirke] == ["Broich", "Nord"]


def test_the_report_section_shows_the_table_the_map_and_the_trends(
    welt, raeume, quote, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from netzwerk.berichte import services as berichte
    from netzwerk.models import Gremium, Sachstandsbericht

    importer.uebernehmen(
        vorgang=_pruefen(
            quote,
            f"Sozialraum;Jahr;Wert;Anzahl\nNord;{JAHR - 1};30,2;40\nNord;{JAHR};31,5;40\n"
            f"Broich;{JAHR - 1};12;30\nBroich;{JAHR};4;2\n",
        )
    )
    heute = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        bericht = berichte.bericht_create(
            gremium=Gremium.objects.create(name="Lenkungskreis", slug="lenkungskreis"),
            konzept=None, period_start=heute - timedelta(days=30), period_end=heute,
            sections=[Sachstandsbericht.Abschnitt.BEDARF], summary="",
            user=welt.users["koordination"],
        )  # fmt: skip
    bericht.refresh_from_db()
    assert bericht.status == Sachstandsbericht.Status.FERTIG, bericht.error
    content = berichte.bericht_datei(bericht)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Bedarf und Angebote nach Sozialraum" in text
    assert "Verlauf: SGB-II-Quote unter 15" in text
    # The trend table: both years of Nord, Broich's earlier year and its suppressed one.
    assert "30,2" in text and "31,5" in text and "12" in text and "unterdrückt" in text
    assert "Nord" in text and "Broich" in text
    # The map and the trend are in it as figures, each with its text alternative.
    from tests.test_pdf_ua import _elements

    with pikepdf.open(io.BytesIO(content)) as pdf:
        alts = [str(e.get("/Alt", "")) for e in _elements(pdf.Root.StructTreeRoot.K)]
    assert any(a.startswith("Karte der Sozialräume, eingefärbt nach ihrem Rang") for a in alts)
    assert any(a.startswith("Verlauf SGB-II-Quote unter 15 je Sozialraum") for a in alts)

    # A report for the public leaves the statistics office's figures out, and says so.
    with django_capture_on_commit_callbacks(execute=True):
        oeffentlich = berichte.bericht_create(
            gremium=bericht.gremium, konzept=None, period_start=heute - timedelta(days=30),
            period_end=heute, sections=[Sachstandsbericht.Abschnitt.BEDARF], summary="",
            oeffentlich=True, user=welt.users["koordination"],
        )  # fmt: skip
    oeffentlich.refresh_from_db()
    content = berichte.bericht_datei(oeffentlich)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "nur in Berichten für Gremien" in text and "31,5" not in text and "30,2" not in text


def test_a_figure_counts_persons_is_suppressed_by_the_rule_at_take_over_and_afterwards(raeume):
    """The check's verdict is not trusted blindly: the indicator may have changed since."""
    from netzwerk.sozialmonitoring.services import FELDER

    faelle = services.indikator_create(
        name="Fälle Kinderschutz", einheit="Fälle", quelle="Jugendamt", beschreibung="",
        art=Indikator.Art.BEDARF, lebensphase=None, richtung=Indikator.Richtung.MEHR_BEDARF,
        zaehlt_personen=False,
    )  # fmt: skip
    vorgang = _pruefen(faelle, f"Sozialraum;Jahr;Wert\nNord;{JAHR};3\nBroich;{JAHR};12\n")
    assert not any(z["unterdrueckt"] for z in vorgang.zeilen)
    daten = {f: getattr(faelle, f) for f in FELDER}
    services.indikator_update(indikator=faelle, **{**daten, "zaehlt_personen": True})
    importer.uebernehmen(vorgang=vorgang)
    assert dict(IndikatorWert.objects.values_list("sozialraum__name", "wert")) == {
        "Nord": None,  # 3 cases: suppressed now
        "Broich": Decimal("12.00"),
    }
    # And the other way round: values stored while it did not count persons are suppressed
    # once it does.
    services.indikator_update(indikator=faelle, **{**daten, "zaehlt_personen": False})
    importer.uebernehmen(vorgang=_pruefen(faelle, f"Sozialraum;Jahr;Wert\nNord;{JAHR - 1};2\n"))
    assert IndikatorWert.objects.get(jahr=JAHR - 1).wert == Decimal("2.00")
    services.indikator_update(indikator=faelle, **{**daten, "zaehlt_personen": True})
    assert IndikatorWert.objects.get(jahr=JAHR - 1).unterdrueckt
    # A population always counts persons, whatever the form said.
    assert _kinder_0_3(zaehlt_personen=False).zaehlt_personen
