from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from akteure.models import Angebot, Einwilligung
from akteure.selectors import angebote_search, praeventionskette
from tests.factories import (
    AngebotFactory,
    HandlungsfeldFactory,
    OrganisationFactory,
    PersonFactory,
    SozialraumFactory,
)

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="Volltextsuche braucht PostgreSQL (DATABASE_URL)."
)


@postgres_only
def test_search_finds_a_stemmed_german_word_and_ranks_the_title_first():
    in_text = AngebotFactory(title="Treffpunkt", description="Für Familien mit kleinen Kindern.")
    in_title = AngebotFactory(title="Familienzeit", description="Gemeinsam spielen.")
    in_title_exact = AngebotFactory(title="Familie stärken", description="Kurs für Familien.")
    AngebotFactory(title="Schwimmkurs", description="Für Jugendliche.")
    found = list(angebote_search(Angebot.objects.all(), "Familie"))
    # "Familie" and "Familien" share a stem; "Familienzeit" starts with it: all three are found,
    # the unrelated one is not.
    assert set(found) == {in_text, in_title, in_title_exact}
    assert found[-1] == in_text  # only in the description: ranked below the title hits


@postgres_only
def test_search_survives_tsquery_syntax_in_the_input():
    angebot = AngebotFactory(title="Elterncafé")
    for q in ["Eltern & | ! (", "':*", "&&&"]:
        list(angebote_search(Angebot.objects.all(), q))  # no syntax error
    assert list(angebote_search(Angebot.objects.all(), "eltern!")) == [angebot]


@postgres_only
def test_search_finds_words_with_umlauts():
    angebot = AngebotFactory(
        title="Sprachförderung für Kinder", description="Übergang in die Schule"
    )
    AngebotFactory(title="Fußballtraining")
    assert list(angebote_search(Angebot.objects.all(), "Übergang")) == [angebot]
    assert list(angebote_search(Angebot.objects.all(), "sprachförderung")) == [angebot]


def test_search_falls_back_to_substrings_without_postgres():
    angebot = AngebotFactory(title="Elterncafé", description="Offener Treff")
    AngebotFactory(title="Schwimmkurs")
    assert list(angebote_search(Angebot.objects.all(), "Treff")) == [angebot]


def test_filters_combine_and_survive_pagination(client, welt):
    feld = HandlungsfeldFactory(name="Sport", slug="sport")
    raum = SozialraumFactory(name="Nord", slug="nord")
    for i in range(30):
        AngebotFactory(title=f"Sport Nord {i:02}", handlungsfelder=[feld], sozialraum=raum)
    AngebotFactory(title="Sport Süd", handlungsfelder=[feld])
    AngebotFactory(title="Malen Nord", sozialraum=raum)
    url = reverse("akteure:angebot-list")
    first = client.get(url, {"handlungsfeld": feld.pk, "sozialraum": raum.pk}).content.decode()
    assert "30 Angebote gefunden" in first
    assert f"handlungsfeld={feld.pk}" in first and "page=2" in first
    second = client.get(
        url, {"handlungsfeld": feld.pk, "sozialraum": raum.pk, "page": 2}
    ).content.decode()
    assert "Sport Nord 29" in second and "Sport Süd" not in second and "Malen Nord" not in second


def test_the_public_sees_only_public_offers_and_consenting_people(client, client_as, welt):
    org = welt.organisation
    PersonFactory(organisation=org, first_name="Scheu", last_name="Person")
    open_ = PersonFactory(organisation=org, first_name="Offen", last_name="Person")
    Einwilligung.objects.create(
        person=open_, purpose=Einwilligung.Zweck.VERZEICHNIS, method=Einwilligung.Weg.FORMULAR
    )
    public = client.get(org.get_absolute_url()).content.decode()
    assert "Offen Person" in public and "Scheu Person" not in public
    assert "Fallbesprechung" not in public and "Sprachspiele" in public
    partner = client_as("partner").get(org.get_absolute_url()).content.decode()
    assert "Scheu Person" in partner and "Fallbesprechung" in partner
    gremium = client_as("gremium").get(org.get_absolute_url()).content.decode()
    assert "Scheu Person" not in gremium and "Offen Person" in gremium


def test_withdrawing_consent_removes_the_person_from_public_pages_at_once(client, welt):
    person = PersonFactory(organisation=welt.organisation, first_name="Wider", last_name="Ruf")
    consent = Einwilligung.objects.create(
        person=person, purpose=Einwilligung.Zweck.VERZEICHNIS, method=Einwilligung.Weg.EMAIL
    )
    welt.angebot_public.contact = person
    welt.angebot_public.save()
    assert "Wider Ruf" in client.get(welt.angebot_public.get_absolute_url()).content.decode()
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert "Wider Ruf" not in client.get(welt.organisation.get_absolute_url()).content.decode()
    assert "Wider Ruf" not in client.get(welt.angebot_public.get_absolute_url()).content.decode()


def test_the_map_counts_current_offers_per_phase_and_field():
    from netzwerk.models import Lebensphase

    kita = Lebensphase.objects.create(name="Kita", slug="kita", position=1)
    schule = Lebensphase.objects.create(name="Schule", slug="schule", position=2)
    sprache = HandlungsfeldFactory(name="Sprache", slug="sprache")
    sport = HandlungsfeldFactory(name="Sport", slug="sport")
    nord = SozialraumFactory(name="Nord", slug="nord")
    AngebotFactory(lebensphasen=[kita, schule], handlungsfelder=[sprache], sozialraum=nord)
    AngebotFactory(lebensphasen=[kita], handlungsfelder=[sprache, sport])
    old = AngebotFactory(lebensphasen=[schule], handlungsfelder=[sport])
    Angebot.objects.filter(pk=old.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    AngebotFactory(lebensphasen=[schule], handlungsfelder=[sport], is_public=False)

    from django.contrib.auth.models import AnonymousUser

    def grid(karte) -> dict:
        return {
            (row["phase"].slug, c["feld"].slug): c["n"]
            for row in karte["rows"]
            for c in row["cells"]
        }

    karte = praeventionskette(user=AnonymousUser())
    assert grid(karte) == {
        ("kita", "sprache"): 2,
        ("kita", "sport"): 1,
        ("schule", "sprache"): 1,
        ("schule", "sport"): 0,  # stale and members-only offers do not fill the gap publicly
    }
    assert karte["luecken"] == 1
    nord_only = praeventionskette(user=AnonymousUser(), sozialraum=nord)
    assert grid(nord_only) == {
        ("kita", "sprache"): 1,
        ("kita", "sport"): 0,
        ("schule", "sprache"): 1,
        ("schule", "sport"): 0,
    }


def test_the_map_marks_gaps_in_text_and_exports_csv_and_svg(client, welt):
    from netzwerk.models import Lebensphase

    Lebensphase.objects.create(name="Kita", slug="kita")
    page = client.get(reverse("akteure:praeventionskette")).content.decode()
    assert "Lücke" in page and "<caption>" in page
    csv = client.get(reverse("akteure:praeventionskette"), {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("Kita;0")
    svg = client.get(reverse("akteure:praeventionskette-svg"))
    assert svg["Content-Type"] == "image/svg+xml" and b"L\xc3\xbccke" in svg.content


def test_an_unknown_sozialraum_on_the_map_is_a_404(client, db):
    assert client.get(reverse("akteure:praeventionskette"), {"sozialraum": "x"}).status_code == 404


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("akteure:angebot-list"), {}),
        (reverse("akteure:angebot-list"), {"q": "Angebot"}),
        (reverse("akteure:organisation-list"), {}),
        (reverse("akteure:praeventionskette"), {}),
    ],
)
def test_directory_pages_need_the_same_queries_for_few_or_many_rows(client_as, welt, url, params):
    client = client_as("partner")
    feld = HandlungsfeldFactory()
    AngebotFactory(handlungsfelder=[feld])
    few = _queries(client, url, params)
    for _ in range(25):
        org = OrganisationFactory()
        AngebotFactory.create_batch(2, organisation=org, handlungsfelder=[feld])
    assert _queries(client, url, params) == few


def test_export_of_the_filtered_list_as_xlsx(client, welt):
    import io

    from openpyxl import load_workbook

    response = client.get(reverse("akteure:angebot-list"), {"export": "xlsx", "q": "Sprach"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Titel" and [r[0] for r in rows[1:]] == ["Sprachspiele"]


def test_export_defuses_spreadsheet_formulas(client, welt):
    AngebotFactory(title='=HYPERLINK("http://boese.example")')
    body = client.get(reverse("akteure:angebot-list"), {"export": "csv"}).content.decode()
    assert "'=HYPERLINK" in body


@postgres_only
def test_organisations_are_found_by_a_word_of_their_name(client, welt):
    OrganisationFactory(name="Familienzentrum Arche", description="Beratung und Elterncafé")
    OrganisationFactory(name="Schwimmverein Delfin")
    page = client.get(reverse("akteure:organisation-list"), {"q": "familienzentr"})
    assert "1 Organisation gefunden" in page.content.decode()
    assert "Familienzentrum Arche" in page.content.decode()


def test_the_list_filters_stale_offers_for_the_coordinators_follow_up(client, welt):
    Angebot.objects.filter(pk=welt.angebot_public.pk).update(
        confirmed_at=timezone.now() - timedelta(days=400)
    )
    AngebotFactory(title="Frisch bestätigt")
    stale = client.get(reverse("akteure:angebot-list"), {"stand": "veraltet"}).content.decode()
    assert "Sprachspiele" in stale and "Frisch bestätigt" not in stale
    current = client.get(reverse("akteure:angebot-list"), {"stand": "aktuell"}).content.decode()
    assert "Sprachspiele" not in current and "Frisch bestätigt" in current


def test_an_uploaded_logo_shows_on_the_organisation_page(client_as, welt):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    client = client_as("partner")
    edit = reverse("akteure:organisation-edit", kwargs={"slug": welt.organisation.slug})
    response = client.post(
        edit,
        {
            "name": "Kita Wolke",
            "postcode": "52146",
            "logo": SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png"),
        },
    )
    assert response.status_code == 302
    page = client.get(welt.organisation.get_absolute_url()).content.decode()
    src = reverse("akteure:organisation-logo", kwargs={"slug": welt.organisation.slug})
    assert f'src="{src}"' in page
    logo = client_as("anonym").get(src)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == buffer.getvalue()
