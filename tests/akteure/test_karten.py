"""District maps as server-rendered SVG: well-formed, a link per district with its figure, the
same figures as a table, cached after the first drawing."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from akteure import geo, geo_demo, karten
from akteure.models import Organisation
from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum
from tests.factories import AngebotFactory, OrganisationFactory, SozialraumFactory

from .test_geo import _bytes, grenzdatei

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def bezirke():
    bezirke = {
        "altstadt": SozialraumFactory(name="Altstadt", slug="altstadt", position=1),
        "nord": SozialraumFactory(name="Nordviertel", slug="nordviertel", position=2),
        "weiden": SozialraumFactory(name="Weiden", slug="weiden", position=3),  # no boundary
    }
    geo.grenzen_importieren(data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL")
    return bezirke


def _links(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f"{SVG}a")


def _link(s) -> str:
    return f"/wegweiser/?sozialraum={s.slug}&alter=4"


def test_the_guide_map_is_well_formed_svg_with_a_link_and_the_count_per_district(bezirke):
    anzahl = {bezirke["altstadt"].pk: 12, bezirke["nord"].pk: 1, bezirke["weiden"].pk: 3}
    svg = karten.wegweiser_karte(anzahl, gewaehlt=bezirke["nord"].pk, link=_link)
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "group"
    assert root.find(f"{SVG}title").text == "Karte der Sozialräume"
    links = _links(svg)
    # One link per district with a boundary: Weiden has none, so it is only in the table.
    assert [a.get("href") for a in links] == [
        "/wegweiser/?sozialraum=altstadt&alter=4",
        "/wegweiser/?sozialraum=nordviertel&alter=4",
    ]
    assert [a.get("aria-label") for a in links] == [
        "Altstadt: 12 Angebote",
        "Nordviertel: 1 Angebot (gewählt)",
    ]
    assert links[1].get("aria-current") == "true" and links[0].get("aria-current") is None
    texte = [t.text for t in root.findall(f"{SVG}text")]
    assert texte == ["Altstadt", "12 Angebote", "Nordviertel", "1 Angebot"]
    # Choropleth: the district with more offers is darker than the one with fewer.
    fills = [a.find(f"{SVG}path").get("fill") for a in links]
    assert fills == [karten.BLAU[4], karten.BLAU[1]]
    # The table has the same figures, Weiden included.
    tabelle = karten.karten_tabelle(anzahl)
    assert [(z.sozialraum.name, z.wert, z.auf_karte) for z in tabelle] == [
        ("Altstadt", 12, True),
        ("Nordviertel", 1, True),
        ("Weiden", 3, False),
    ]


def test_paths_fit_the_view_box(bezirke):
    svg = karten.wegweiser_karte({}, None, _link)
    root = ET.fromstring(svg)
    _, _, breite, hoehe = (float(v) for v in root.get("viewBox").split())
    zahlen = [
        float(v)
        for p in root.iter(f"{SVG}path")
        for v in p.get("d").replace("M", " ").replace("L", " ").replace("Z", " ").split()
    ]
    xs, ys = zahlen[0::2], zahlen[1::2]
    assert 0 <= min(xs) and max(xs) <= breite and 0 <= min(ys) and max(ys) <= hoehe
    assert max(xs) - min(xs) > breite * 0.9  # fitted to the width
    # North is up: the Nordviertel's path lies above (smaller y) the Altstadt's.
    a, n = (a.find(f"{SVG}path").get("d") for a in _links(svg))
    assert float(n.split()[1]) < float(a.split()[1])


def test_the_second_render_is_served_from_the_cache(bezirke, django_assert_num_queries):
    anzahl = {bezirke["altstadt"].pk: 2}
    with django_assert_num_queries(2):  # the boundaries' version, then the boundaries
        erste = karten.wegweiser_karte(anzahl, None, _link)
    with django_assert_num_queries(1):  # the version only
        zweite = karten.wegweiser_karte(anzahl, None, _link)
    assert zweite == erste
    # Other counts: the projected boundaries come from the cache, only the labels change.
    with django_assert_num_queries(1):
        andere = karten.wegweiser_karte({bezirke["altstadt"].pk: 5}, None, _link)
    assert "5 Angebote" in andere and "2 Angebote" not in andere


def test_a_changed_boundary_is_never_served_from_an_old_cache(bezirke):
    vorher = karten.wegweiser_karte({}, None, _link)
    nord = Sozialraum.objects.get(slug="nordviertel")
    nord.grenze = None
    nord.save(update_fields=["grenze"])
    nachher = karten.wegweiser_karte({}, None, _link)
    assert len(_links(vorher)) == 2 and len(_links(nachher)) == 1


def test_names_are_escaped(bezirke):
    Sozialraum.objects.filter(slug="altstadt").update(name='Alt <"&> Stadt')
    svg = karten.wegweiser_karte({}, None, lambda s: f"/?a=1&b={s.pk}")
    assert _links(svg)[0].get("aria-label") == 'Alt <"&> Stadt: 0 Angebote'
    assert _links(svg)[0].get("href").endswith(f"&b={bezirke['altstadt'].pk}")


def test_the_gap_map_and_its_table_are_on_the_praeventionskette_page(bezirke, client):
    phase = Lebensphase.objects.create(name="3-6 Jahre", slug="3-6", position=1)
    Lebensphase.objects.create(name="6-10 Jahre", slug="6-10", position=2)
    feld = Handlungsfeld.objects.create(name="Sprache", slug="sprache")
    AngebotFactory(
        sozialraum=bezirke["altstadt"], is_public=True, lebensphasen=[phase], handlungsfelder=[feld]
    )
    AngebotFactory(sozialraum=bezirke["nord"], is_public=False, lebensphasen=[phase])  # internal
    response = client.get(reverse("akteure:praeventionskette"), {"sozialraum": "altstadt"})
    assert response.status_code == 200
    rows = {r.sozialraum.slug: r for r in response.context["luecken_je_sozialraum"]}
    assert (rows["altstadt"].angebote, rows["altstadt"].abgedeckt, rows["altstadt"].luecken) == (
        1,
        1,
        1,
    )
    assert rows["altstadt"].phasen_ohne == ["6-10 Jahre"]
    assert (
        rows["nordviertel"].angebote == 0 and rows["nordviertel"].luecken == 2
    )  # the public sees no internal
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    links = _links(svg)
    assert [a.get("aria-label") for a in links] == [
        "Altstadt: 1 von 2 Lücken (gewählt)",
        "Nordviertel: 2 von 2 Lücken",
    ]
    assert links[1].get("href") == reverse("akteure:praeventionskette") + "?sozialraum=nordviertel"
    assert "Lebensphasen ohne Angebot" in html and "<td>6-10 Jahre</td>" in html


def test_the_gap_figures_take_a_fixed_number_of_queries(bezirke, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    phase = Lebensphase.objects.create(name="0-3", slug="0-3")
    for s in Sozialraum.objects.all():
        for _ in range(3):
            AngebotFactory(sozialraum=s, is_public=True, lebensphasen=[phase])
    with django_assert_num_queries(5):  # version, phases, fields, cells, offers
        rows = karten.luecken_je_sozialraum(user=AnonymousUser())
    assert [r.angebote for r in rows] == [3, 3, 3]


def test_the_coordinators_map_shows_organisations_per_district(bezirke, client_as, welt):
    OrganisationFactory(sozialraum=bezirke["altstadt"], breite="51.525", laenge="7.41")
    OrganisationFactory(sozialraum=bezirke["altstadt"])
    response = client_as("koordination").get(reverse("akteure:sozialraum-karte"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert [a.get("aria-label") for a in _links(svg)] == [
        "Altstadt: 2 Organisationen",
        "Nordviertel: 0 Organisationen",
    ]
    row = next(r for r in response.context["rows"] if r.sozialraum.slug == "altstadt")
    assert (row.organisationen, row.mit_koordinaten) == (2, 1)
    assert client_as("partner").get(reverse("akteure:sozialraum-karte")).status_code == 404


def test_the_demo_puts_every_district_and_organisation_on_the_map(welt):
    for i, name in enumerate(
        ["Innenstadt", "Nord", "Broich", "Am Bahnhof", "Weiden", "Bardenberg"]
    ):
        SozialraumFactory(name=name, slug=f"demo-{i}", position=i)
    raeume = list(Sozialraum.objects.all())
    for i in range(12):
        OrganisationFactory(sozialraum=raeume[i % len(raeume)])
    geo_demo.build(welt.users)
    assert not Sozialraum.objects.filter(grenze__isnull=True).exists()
    zuordner = geo.zuordner()
    for o in Organisation.objects.filter(sozialraum__isnull=False):
        assert zuordner.finde(o.breite, o.laenge) == o.sozialraum_id
    svg = karten.wegweiser_karte({}, None, _link)
    assert len(_links(svg)) == 6
