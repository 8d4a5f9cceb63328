"""Need beside offers per Sozialraum (issue 19, part 2): the figures against hand-computed ones,
the rank, a fixed number of queries, the sort links, who may read the page, and that a
suppressed value never reaches it as a number."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from akteure import bedarf
from akteure.models import Angebot
from netzwerk.models import Indikator, IndikatorWert, Lebensphase, Sozialraum
from tests.factories import AngebotFactory, SozialraumFactory

pytestmark = pytest.mark.django_db
SEITE = reverse("akteure:bedarf")
SVG = "{http://www.w3.org/2000/svg}"


class Stadt:
    """Three active districts and an inactive one, two life phases, the children of 3-6 and two
    need indicators (one where a higher value is less need), one value suppressed.

    Hand-computed (an approved reader sees the internal offer, never the stale one):
      offers 3-6:  Altstadt 1, Nordviertel 4, Weiden 1
      children 3-6 (latest year): 200, 300, 200  ->  per 1,000: 5.0, 13.3, 5.0
      SGB II (hoch), latest: Altstadt 30 (2024), Nordviertel 20 (2023), Weiden suppressed (2024;
        its 41.5 of 2023 is older and never shown)  ->  ranks 100, 0, -
      ohne Sprachförderbedarf (niedrig): 60, 80, 70  ->  need ranks 100, 0, 50
      need score: 100, 0, 50
      scarcity (fewer per 1,000 = scarcer; the tie counts half): 75, 0, 75
      priority: 87.5, 0, 62.5  ->  Rang 1, 3, 2
    """

    def __init__(self):
        self.altstadt = SozialraumFactory(name="Altstadt", slug="altstadt", position=1)
        self.nord = SozialraumFactory(name="Nordviertel", slug="nordviertel", position=2)
        self.weiden = SozialraumFactory(name="Weiden", slug="weiden", position=3)
        self.hafen = SozialraumFactory(name="Hafen", slug="hafen", position=4, active=False)
        self.krippe = Lebensphase.objects.create(name="0-3 Jahre", slug="0-3", position=1)
        self.kita = Lebensphase.objects.create(name="3-6 Jahre", slug="3-6", position=2)
        self.kinder = Indikator.objects.create(
            name="Kinder 3 bis 6 Jahre",
            slug="kinder-3-6",
            einheit="Kinder",
            quelle="Statistikstelle",
            art=Indikator.Art.BEVOELKERUNG,
            lebensphase=self.kita,
            zaehlt_personen=True,
            position=0,
        )
        self.sgb2 = Indikator.objects.create(
            name="SGB-II-Quote unter 15",
            slug="sgb2",
            einheit="%",
            quelle="Jobcenter",
            position=1,
        )
        self.sprache = Indikator.objects.create(
            name="Ohne Sprachförderbedarf",
            slug="ohne-sprachfoerderbedarf",
            einheit="%",
            quelle="Schuleingangsuntersuchung",
            richtung=Indikator.Richtung.WENIGER_BEDARF,
            position=2,
        )
        for ind, sr, jahr, wert in [
            (self.kinder, self.altstadt, 2023, "180"),
            (self.kinder, self.altstadt, 2024, "200"),
            (self.kinder, self.nord, 2024, "300"),
            (self.kinder, self.weiden, 2023, "90"),
            (self.kinder, self.weiden, 2024, "200"),
            (self.kinder, self.hafen, 2024, "20"),
            (self.sgb2, self.altstadt, 2023, "25.0"),
            (self.sgb2, self.altstadt, 2024, "30.0"),
            (self.sgb2, self.nord, 2023, "20.0"),
            (self.sgb2, self.weiden, 2023, "41.5"),
            (self.sprache, self.altstadt, 2024, "60.0"),
            (self.sprache, self.nord, 2024, "80.0"),
            (self.sprache, self.weiden, 2024, "70.0"),
        ]:
            IndikatorWert.objects.create(indikator=ind, sozialraum=sr, jahr=jahr, wert=wert)
        IndikatorWert.objects.create(
            indikator=self.sgb2, sozialraum=self.weiden, jahr=2024, wert=None, unterdrueckt=True
        )
        beide, kita = [self.krippe, self.kita], [self.kita]
        AngebotFactory(sozialraum=self.altstadt, lebensphasen=beide)
        AngebotFactory(sozialraum=self.altstadt, lebensphasen=[self.krippe], is_public=False)
        for _ in range(3):
            AngebotFactory(sozialraum=self.nord, lebensphasen=kita)
        AngebotFactory(sozialraum=self.nord, lebensphasen=kita, is_public=False)
        AngebotFactory(
            sozialraum=self.nord,
            lebensphasen=kita,
            confirmed_at=timezone.now() - timedelta(days=800),
        )
        AngebotFactory(sozialraum=self.weiden, lebensphasen=kita)
        AngebotFactory(sozialraum=self.hafen, lebensphasen=kita)


@pytest.fixture
def stadt(db):
    return Stadt()


def _zeilen(user) -> dict:
    return {z.sozialraum.slug: z for z in bedarf.bedarf_je_sozialraum(user=user).zeilen}


def test_offers_per_1000_children_and_the_rank_match_the_hand_computed_figures(stadt, welt):
    daten = bedarf.bedarf_je_sozialraum(user=welt.users["partner"])
    assert [p.slug for p in daten.phasen] == ["0-3", "3-6"]
    assert daten.phasen[1].bevoelkerung == stadt.kinder and daten.phasen[0].bevoelkerung is None
    assert [i.slug for i in daten.indikatoren] == ["sgb2", "ohne-sprachfoerderbedarf"]
    zeilen = {z.sozialraum.slug: z for z in daten.zeilen}
    assert list(zeilen) == ["altstadt", "nordviertel", "weiden"]  # Hafen is inactive
    a, n, w = zeilen["altstadt"], zeilen["nordviertel"], zeilen["weiden"]
    assert [(p.angebote, p.kinder.zahl) for p in a.phasen] == [(2, None), (1, Decimal("200"))]
    assert (a.angebote, n.angebote, w.angebote) == (2, 4, 1)
    assert [z.phasen[1].angebote for z in (a, n, w)] == [1, 4, 1]
    assert a.phasen[0].je_1000 is None  # no population for 0-3
    assert [round(z.je_1000, 2) for z in (a, n, w)] == [Decimal("5.00"), Decimal("13.33"), 5]
    assert n.indikatoren[0] == bedarf.Wert(Decimal("20.00"), 2023, False)
    assert w.indikatoren[0] == bedarf.Wert(None, 2024, True)
    assert [z.perzentile for z in (a, n, w)] == [[100, 100], [0, 0], [None, 50]]
    assert [(z.bedarf, z.knappheit, z.prioritaet) for z in (a, n, w)] == [
        (100, 75, Decimal("87.5")),
        (0, 0, 0),
        (50, 75, Decimal("62.5")),
    ]
    assert [z.rang for z in (a, n, w)] == [1, 3, 2]


def test_the_public_counts_only_public_offers(stadt):
    zeilen = _zeilen(AnonymousUser())
    assert [p.angebote for p in zeilen["altstadt"].phasen] == [1, 1]
    assert zeilen["nordviertel"].phasen[1].angebote == 3


def test_a_district_without_any_figure_gets_no_rank_and_equal_priorities_share_one(stadt, welt):
    leer = SozialraumFactory(name="Neubaugebiet", slug="neubaugebiet", position=9)
    # Nordviertel's need now equals Weiden's: both rank 2 and nobody is third.
    IndikatorWert.objects.filter(indikator=stadt.sprache, sozialraum=stadt.nord).update(wert=70)
    zeilen = _zeilen(welt.users["partner"])
    assert zeilen["neubaugebiet"].rang is None and zeilen["neubaugebiet"].prioritaet is None
    assert leer.pk and zeilen["altstadt"].rang == 1
    # Sprache: Altstadt 100, Nord and Weiden tie at 25; Nord's need (0 + 25) / 2, scarcity 0.
    assert zeilen["nordviertel"].bedarf == Decimal("12.5")
    assert zeilen["weiden"].bedarf == 25


def test_the_figures_take_the_same_queries_for_a_few_districts_and_for_many(
    stadt, welt, django_assert_num_queries
):
    with django_assert_num_queries(5):
        bedarf.bedarf_je_sozialraum(user=welt.users["partner"])
    client = _client(welt, "partner")
    with CaptureQueriesContext(connection) as klein:
        assert client.get(SEITE).status_code == 200
    phasen = [
        Lebensphase.objects.create(name=f"P{i}", slug=f"p{i}", position=10 + i) for i in range(3)
    ]
    raeume = [
        SozialraumFactory(name=f"Bezirk {i}", slug=f"bezirk-{i}", position=20 + i) for i in range(8)
    ]
    for i, phase in enumerate(phasen):
        ind = Indikator.objects.create(
            name=f"Bevölkerung {i}",
            slug=f"bev-{i}",
            art=Indikator.Art.BEVOELKERUNG,
            lebensphase=phase,
        )
        bed = Indikator.objects.create(name=f"Bedarf {i}", slug=f"bedarf-{i}")
        for sr in raeume:
            for jahr in (2022, 2023, 2024):
                IndikatorWert.objects.create(indikator=ind, sozialraum=sr, jahr=jahr, wert=100 + i)
                IndikatorWert.objects.create(indikator=bed, sozialraum=sr, jahr=jahr, wert=jahr % 7)
            AngebotFactory(sozialraum=sr, lebensphasen=[phase, stadt.kita])
    with CaptureQueriesContext(connection) as gross:
        response = client.get(SEITE)
    assert response.status_code == 200 and len(response.context["bedarf"].zeilen) == 11
    assert len(gross) == len(klein), [q["sql"] for q in gross]


def _altstadt(html: str) -> list[str]:
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    zeile = tbody[tbody.index("Altstadt") : tbody.index("</tr>", tbody.index("Altstadt"))]
    return re.findall(r'<td class="text-end text-nowrap">(.*?)</td>', zeile, re.S)


def test_the_page_is_drawn_once_and_anew_whenever_anything_it_shows_changes(stadt, client_as):
    """The content is a cached fragment keyed by all it shows: a second request draws nothing,
    and a change nobody announced (update() sends no signal) shows on the next request."""
    client = client_as("partner")
    with CaptureQueriesContext(connection) as erste:
        html = _html(client.get(SEITE))
    with CaptureQueriesContext(connection) as zweite:
        wieder = _html(client.get(SEITE))
    assert _altstadt(wieder) == _altstadt(html) and _zeilennamen(wieder) == _zeilennamen(html)
    assert wieder[wieder.index("<h1>") :] == html[html.index("<h1>") :]
    assert len(zweite) < len(erste)  # the trends and latest values are not read again
    # Priority, need, scarcity, per 1,000, offers; 0-3: offers; 3-6: offers, children, per 1,000
    assert _altstadt(html)[:9] == ["87,5", "100,0", "75,0", "5,0", "2", "2", "1", "200", "5,0"]

    IndikatorWert.objects.filter(
        indikator=stadt.kinder, sozialraum=stadt.altstadt, jahr=2024
    ).update(wert=400)  # a figure
    assert _altstadt(_html(client.get(SEITE)))[7:9] == ["400", "2,5"]
    neu = AngebotFactory(sozialraum=stadt.altstadt, lebensphasen=[stadt.kita])  # an offer
    assert _altstadt(_html(client.get(SEITE)))[6:9] == ["2", "400", "5,0"]
    # Its life phase changed: as many offers as before, in other columns (akteure.stand).
    neu.lebensphasen.set([stadt.krippe])
    assert _altstadt(_html(client.get(SEITE)))[5:9] == ["3", "1", "400", "2,5"]
    # A year passes for it, with no write at all: it is no longer current.
    Angebot.objects.filter(pk=neu.pk).update(confirmed_at=timezone.now() - timedelta(days=400))
    assert _altstadt(_html(client.get(SEITE)))[5:9] == ["2", "1", "400", "2,5"]
    Sozialraum.objects.filter(pk=stadt.altstadt.pk).update(name="Altstadt-Mitte")  # a name
    assert "Altstadt-Mitte" in _zeilennamen(_html(client.get(SEITE)))
    Indikator.objects.filter(pk=stadt.sgb2.pk).update(quelle="Bundesagentur")  # a source
    assert "Quelle: Bundesagentur" in _html(client.get(SEITE))
    # The key holds the counts of what the reader may see: the internal offers count for
    # approved readers only, so a page drawn for one kind of reader never reaches another.
    from django.contrib.auth import get_user

    partner = bedarf.eingaben(user=get_user(client)).schluessel()
    assert bedarf.eingaben(user=AnonymousUser()).schluessel() != partner


def test_only_a_sort_key_that_may_name_a_column_is_part_of_the_cache_key(stadt, client_as):
    e = bedarf.eingaben(user=AnonymousUser())
    assert [e.sortierung(k) for k in ("-sgb2", "je-1000-3-6", "name", "kinder-0-3")] == [
        "-sgb2", "je-1000-3-6", "name", "kinder-0-3"
    ]  # fmt: skip
    assert {e.sortierung(k) for k in ("kinder-9-9", "-sgb2x", "--rang", "x" * 500, "", None)} == {
        None
    }


def _client(welt, rolle):
    from django.test import Client

    client = Client()
    client.force_login(welt.users[rolle])
    return client


@pytest.mark.parametrize(
    ("rolle", "status"),
    [("partner", 200), ("gremium", 200), ("koordination", 200), ("wartend", 404)],
)
def test_approved_accounts_read_the_page_and_others_do_not(stadt, client_as, rolle, status):
    assert client_as(rolle).get(SEITE).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(stadt, client):
    response = client.get(SEITE)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _zeilennamen(html: str) -> list[str]:
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a></th>', tbody)


def _th(html: str, key: str) -> str:
    """The head cell whose link sorts by `key` (either direction)."""
    m = re.search(r"<th [^>]*>(?:(?!</th>).)*sortierung=-?" + re.escape(key) + r'"', html, re.S)
    assert m, key
    return html[html.rindex("<th ", 0, m.end()) : m.end()]


def test_the_table_sorts_by_the_links_in_its_head(stadt, client_as):
    client = client_as("partner")
    html = _html(client.get(SEITE))
    assert _zeilennamen(html) == ["Altstadt", "Weiden", "Nordviertel"]  # by rank
    assert 'aria-sort="ascending"' in _th(html, "rang") and "sortierung=-rang" in _th(html, "rang")
    assert "aria-sort" not in _th(html, "name") and "sortierung=name" in _th(html, "name")

    html = _html(client.get(SEITE, {"sortierung": "-name"}))
    assert _zeilennamen(html) == ["Weiden", "Nordviertel", "Altstadt"]
    assert 'aria-sort="descending"' in _th(html, "name") and "sortierung=name" in _th(html, "name")
    assert html.count("aria-sort=") == 1

    # By need indicator, highest first; Weiden's suppressed value is last either way.
    html = _html(client.get(SEITE, {"sortierung": "-sgb2"}))
    assert _zeilennamen(html) == ["Altstadt", "Nordviertel", "Weiden"]
    html = _html(client.get(SEITE, {"sortierung": "sgb2"}))
    assert _zeilennamen(html) == ["Nordviertel", "Altstadt", "Weiden"]
    html = _html(client.get(SEITE, {"sortierung": "je-1000-3-6"}))
    assert _zeilennamen(html) == ["Altstadt", "Weiden", "Nordviertel"]


@pytest.mark.parametrize("wert", ["unbekannt", "-", "--rang", "\x00", "je-1000-0-3x", "a" * 500])
def test_an_unknown_sort_falls_back_to_the_rank(stadt, client_as, wert):
    html = _html(client_as("partner").get(SEITE, {"sortierung": wert}))
    assert _zeilennamen(html) == ["Altstadt", "Weiden", "Nordviertel"]
    assert 'aria-sort="ascending"' in _th(html, "rang")


def test_the_page_shows_the_hand_computed_figures_and_never_a_suppressed_value(stadt, client_as):
    # A district without any figure: dashes, no rank, and the others' figures stay as they were.
    SozialraumFactory(name="Neubaugebiet", slug="neubaugebiet", position=9)
    html = _html(client_as("partner").get(SEITE))
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    altstadt = tbody[tbody.index("Altstadt") : tbody.index("</tr>", tbody.index("Altstadt"))]
    zellen = re.findall(r'<td class="text-end text-nowrap">(.*?)</td>', altstadt, re.S)
    # Priority, need, scarcity, per 1,000, offers; 0-3: offers; 3-6: offers, children, per 1,000
    assert zellen[:9] == ["87,5", "100,0", "75,0", "5,0", "2", "2", "1", "200", "5,0"]
    nord = tbody[tbody.index("Nordviertel") : tbody.index("</tr>", tbody.index("Nordviertel"))]
    assert "13,3" in nord and '20 <small class="text-muted">(2023)</small>' in nord  # whole figures
    weiden = tbody[tbody.index("Weiden") : tbody.index("</tr>", tbody.index("Weiden"))]
    assert "unterdrückt" in weiden and 'href="#hinweis-unterdrueckt"' in weiden
    assert 'id="hinweis-unterdrueckt"' in html and "kleiner als 5 Personen" in html
    # Weiden's older SGB II figure (41.5 of 2023) is not shown in place of the suppressed one.
    # The side-by-side table shows the latest year: not Weiden's older 41.5 in its place. The
    # trend below shows that figure, with its year, as the indicator's page does.
    assert "41,5" not in tbody and "41.5" not in tbody
    trend = html[html.index('id="trend-') :]
    assert '<th scope="row">Weiden</th><td class="text-end">41,5</td>' in trend
    assert "Hafen" not in tbody
    # Missing: a dash for the eye and words for a screen reader.
    neu = tbody[tbody.index("Neubaugebiet") : tbody.index("</tr>", tbody.index("Neubaugebiet"))]
    strich = '<span aria-hidden="true">–</span><span class="visually-hidden">kein Wert</span>'
    # After the name: priority, need, scarcity, per 1,000; 3-6: children, per 1,000; SGB II, Sprache
    assert neu.count(strich) == 8 and 'aria-label="Neubaugebiet: ohne Rang"' in html
    assert strich not in altstadt
    assert "Wie der Rang entsteht" in html and "außen vor" in html


def test_without_boundaries_the_map_is_a_tile_grid_coloured_by_rank(stadt, client_as):
    html = _html(client_as("partner").get(SEITE))
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Rang nach Bedarf und Angeboten je Sozialraum"
    links = root.findall(f"{SVG}a")
    assert [a.get("aria-label") for a in links] == [
        "Altstadt: Rang 1",
        "Nordviertel: Rang 3",
        "Weiden: Rang 2",
    ]
    assert [a.find(f"{SVG}title").text for a in links][0] == "Altstadt: Rang 1"
    assert links[0].get("href") == reverse("akteure:praeventionskette") + "?sozialraum=altstadt"
    fills = [a.find(f"{SVG}rect").get("fill") for a in links]
    # Rank 1 darkest; the steps of karten._stufe over the figures 3, 1, 2 (4 - rank).
    assert fills == [bedarf.karten.ROT[3], bedarf.karten.ROT[1], bedarf.karten.ROT[2]]


def test_with_boundaries_the_map_is_the_choropleth(stadt, client_as):
    from akteure import geo

    from .test_geo import _bytes, grenzdatei

    geo.grenzen_importieren(data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL")
    assert Sozialraum.objects.filter(grenze__isnull=False).count() == 2
    html = _html(client_as("partner").get(SEITE))
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    links = ET.fromstring(svg).findall(f"{SVG}a")
    assert [a.get("aria-label") for a in links] == ["Altstadt: Rang 1", "Nordviertel: Rang 3"]
    assert all(a.find(f"{SVG}path") is not None for a in links)
    assert "Ohne Grenze, daher nur in der Tabelle:" in html and "Weiden</p>" in html


def test_the_praeventionskette_links_the_page_for_approved_readers(stadt, client_as):
    kette = reverse("akteure:praeventionskette")
    assert SEITE in client_as("partner").get(kette).content.decode()
    assert SEITE not in client_as("anonym").get(kette).content.decode()


def test_the_demo_networks_figures_are_the_hand_computed_ones(settings):
    """The demo town (netzwerk/sozialmonitoring/demo.py), as the coordination sees it. By hand:
    Am Bahnhof has the highest SGB-II quota (35.1) and language need (43) of the seven districts,
    so 6 of 6 others have less need in both: need 100. Its 8 Kita offers for 589 children are
    8 / 589 * 1000 = 13.58 per 1,000; only Bardenberg has fewer (2 / 148 * 1000 = 13.51), so 5
    of 6 others have more: scarcity 83 1/3, priority (100 + 83 1/3) / 2 = 91 2/3, rank 1.
    Bardenberg is the reverse (need 0, scarcity 100) and Innenstadt has 4 of 6 below it in both
    indicators and 2 of 6 with more offers (66 2/3 and 33 1/3): both priority 50, rank 3."""
    from fractions import Fraction

    from django.core.management import call_command

    from netzwerk.models import User

    settings.DEBUG = True  # demo data is for development only; pytest-django turns DEBUG off
    call_command("demo_data", quiet=True)
    koordination = User.objects.get(email="koordination@demo.example")
    daten = bedarf.bedarf_je_sozialraum(user=koordination)
    zeilen = {z.sozialraum.name: z for z in daten.zeilen}
    bahnhof = zeilen["Am Bahnhof"]
    kita = [p.bevoelkerung is not None for p in daten.phasen].index(True)
    assert (bahnhof.phasen[kita].angebote, bahnhof.phasen[kita].kinder.wert) == (8, Decimal(589))
    assert round(bahnhof.je_1000, 2) == Decimal("13.58")
    assert (bahnhof.bedarf, bahnhof.knappheit) == (100, Fraction(250, 3))
    assert (bahnhof.prioritaet, bahnhof.rang) == (Fraction(275, 3), 1)
    assert (zeilen["Bardenberg"].bedarf, zeilen["Bardenberg"].knappheit) == (0, 100)
    assert zeilen["Innenstadt"].prioritaet == zeilen["Bardenberg"].prioritaet == 50
    assert zeilen["Innenstadt"].rang == zeilen["Bardenberg"].rang == 3
    assert [w.wert for w in bahnhof.indikatoren] == [Decimal("35.10"), Decimal("43.00")]
