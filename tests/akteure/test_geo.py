"""Sozialraum boundaries from GeoJSON (EPSG:25832 as towns publish them), coordinates of
organisations and the Sozialraum their point lies in."""

import json
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from akteure import geo, services
from akteure.forms import OrganisationForm
from akteure.models import Organisation
from netzwerk.models import Sozialraum
from tests.factories import OrganisationFactory, OrganisationstypFactory, SozialraumFactory

pytestmark = pytest.mark.django_db

UTM = "urn:ogc:def:crs:EPSG::25832"
# (389000, 5709000) in EPSG:25832, by PROJ; a hand check: 7.4 E, 51.52 N lies in UTM zone 32.
SW_ECKE = (7.400081, 51.521198)


def _kante(a, b, n=60):
    """n points between a and b, each off the line by up to 1 m: survey noise that a 5 m
    simplification removes."""
    return [
        (a[0] + (b[0] - a[0]) * i / n + (i % 3 - 1) * 0.8, a[1] + (b[1] - a[1]) * i / n)
        for i in range(n)
    ]


def _quadrat(x0, y0, seite=2000, dicht=False):
    ecken = [(x0, y0), (x0 + seite, y0), (x0 + seite, y0 + seite), (x0, y0 + seite)]
    if dicht:
        ring = [p for k in range(4) for p in _kante(ecken[k], ecken[(k + 1) % 4])]
    else:
        ring = list(ecken)
    return [[list(p) for p in ring + [ring[0]]]]


def _feature(name, geometry):
    return {"type": "Feature", "properties": {"STADTTEIL": name, "NR": 1}, "geometry": geometry}


def grenzdatei(crs: str | None = UTM, **extra) -> dict:
    """Three districts of a town near 51.5 N 7.4 E in UTM zone 32, one with a hole and dense
    vertices, one a MultiPolygon, and one the portal does not know; a point feature beside."""
    altstadt = _quadrat(389000, 5709000, dicht=True)
    altstadt.append([[389800, 5709800], [389800, 5710200], [390200, 5710200], [390200, 5709800],
                     [389800, 5709800]])  # fmt: skip  # a park that belongs to no district
    features = [
        _feature("Altstadt", {"type": "Polygon", "coordinates": altstadt}),
        _feature(
            "Nordviertel",
            {
                "type": "MultiPolygon",
                "coordinates": [_quadrat(389000, 5711000), _quadrat(391500, 5711000, 500)],
            },
        ),
        # A ring crossing itself (a "bow tie"), as hand-drawn GIS layers have them: repaired.
        _feature(
            "Gewerbegebiet",
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [391000, 5709000],
                        [392000, 5710000],
                        [392000, 5709000],
                        [391000, 5710000],
                        [391000, 5709000],
                    ]
                ],
            },  # fmt: skip
        ),
        {
            "type": "Feature",
            "properties": {"STADTTEIL": "Rathaus"},
            "geometry": {"type": "Point", "coordinates": [390000, 5710000]},
        },  # fmt: skip
    ]
    doc = {"type": "FeatureCollection", "features": features, **extra}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return doc


def _bytes(doc) -> bytes:
    return json.dumps(doc).encode()


@pytest.fixture
def bezirke():
    return {
        "altstadt": SozialraumFactory(name="Altstadt", slug="altstadt", position=1),
        "nord": SozialraumFactory(name="Nordviertel", slug="nordviertel", position=2),
        "weiden": SozialraumFactory(
            name="Weiden", slug="weiden", position=3, grenze={"type": "Polygon", "coordinates": []}
        ),
    }


def _koordinaten(grenze) -> list[tuple[float, float]]:
    polygone = (
        grenze["coordinates"] if grenze["type"] == "MultiPolygon" else [grenze["coordinates"]]
    )
    return [tuple(p) for polygon in polygone for ring in polygon for p in ring]


def test_a_file_in_epsg_25832_is_detected_reprojected_simplified_and_stored(bezirke):
    datei = geo.grenzen_lesen(_bytes(grenzdatei()))
    assert datei.crs == 25832 and UTM in datei.crs_quelle
    assert datei.namensfeld == "STADTTEIL"
    assert len(datei.features) == 3  # the point is no boundary

    ergebnis = geo.grenzen_importieren(
        data=_bytes(grenzdatei()), crs=datei.crs, namensfeld="STADTTEIL"
    )

    assert sorted(ergebnis.aktualisiert) == ["Altstadt", "Nordviertel"]
    assert ergebnis.uebersprungen == ["Gewerbegebiet"]
    altstadt = Sozialraum.objects.get(slug="altstadt").grenze
    assert altstadt["type"] == "Polygon"
    assert len(altstadt["coordinates"]) == 2  # outer ring and the park, kept as a hole
    punkte = _koordinaten(altstadt)
    # 240 noisy vertices on the outer ring: a 5 m tolerance keeps the four corners.
    assert len(altstadt["coordinates"][0]) <= 8
    assert min(math.dist(p, SW_ECKE) for p in punkte) < 2e-5  # ~2 m
    assert all(7.39 < lon < 7.43 and 51.52 < lat < 51.54 for lon, lat in punkte)
    nord = Sozialraum.objects.get(slug="nordviertel").grenze
    assert nord["type"] == "MultiPolygon" and len(nord["coordinates"]) == 2
    # A district the file has no boundary for keeps its own.
    assert Sozialraum.objects.get(slug="weiden").grenze == bezirke["weiden"].grenze
    assert not Sozialraum.objects.filter(name="Gewerbegebiet").exists()


def test_the_reference_system_is_guessed_from_the_coordinates_without_a_crs_member():
    assert geo.grenzen_lesen(_bytes(grenzdatei(crs=None))).crs == 25832
    grad = {
        "type": "FeatureCollection",
        "features": [
            _feature("A", {"type": "Polygon", "coordinates": [[[7.4, 51.5], [7.41, 51.5],
                                                               [7.41, 51.51], [7.4, 51.5]]]})
        ],
    }  # fmt: skip
    datei = geo.grenzen_lesen(_bytes(grad))
    assert datei.crs == 4326 and "geschätzt" in datei.crs_quelle
    assert geo.grenzen_lesen(_bytes(grenzdatei(crs="urn:ogc:def:crs:OGC:1.3:CRS84"))).crs == 4326


def test_the_preview_says_which_feature_matches_which_district(bezirke):
    vorschau = geo.vorschau(
        geo.grenzen_lesen(_bytes(grenzdatei())), crs=25832, namensfeld="STADTTEIL"
    )
    assert {t.name: t.sozialraum for t in vorschau.zugeordnet} == {
        "Altstadt": bezirke["altstadt"],
        "Nordviertel": bezirke["nord"],
    }
    assert [t.name for t in vorschau.neu] == ["Gewerbegebiet"]
    assert vorschau.ohne_grenze == [bezirke["weiden"]]
    gewerbe = vorschau.neu[0].geometrie
    assert gewerbe.is_valid and gewerbe.area > 0  # the bow tie, repaired into two triangles
    assert Sozialraum.objects.get(slug="altstadt").grenze is None  # a preview writes nothing


def test_new_districts_are_created_when_the_coordinator_chooses_so(bezirke):
    ergebnis = geo.grenzen_importieren(
        data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL", neue_anlegen=True
    )
    assert ergebnis.angelegt == ["Gewerbegebiet"]
    neu = Sozialraum.objects.get(name="Gewerbegebiet")
    assert neu.slug == "gewerbegebiet" and neu.grenze["type"] == "MultiPolygon"


def _zustand():
    return (
        list(Sozialraum.objects.order_by("pk").values_list("pk", "name", "slug", "grenze")),
        list(Organisation.objects.order_by("pk").values_list("pk", "sozialraum", "breite")),
        Organisation.history.count(),
    )


def _falsche_koordinaten():
    doc = grenzdatei()
    doc["features"][1]["geometry"]["coordinates"][0][0][2] = ["x", 5711000]
    return _bytes(doc)


def _grad_als_utm():
    doc = grenzdatei()
    doc["features"][1]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[7.4, 51.5], [7.41, 51.5], [7.41, 51.51], [7.4, 51.5]]],
    }
    return _bytes(doc)


@pytest.mark.parametrize(
    ("data", "crs", "meldung"),
    [
        (b"STADTTEIL;Fl\xe4che\nAltstadt;12\n", 25832, "lässt sich nicht als JSON lesen"),
        (b"", 25832, "Die Datei ist leer"),
        (_bytes({"type": "Feature", "geometry": None}), 25832, "keine GeoJSON-FeatureCollection"),
        (_bytes({"type": "FeatureCollection", "features": []}), 25832, "enthält keine Features"),
        (
            _bytes({"type": "FeatureCollection", "features": [grenzdatei()["features"][3]]}),
            25832,
            "keine Flächen",
        ),
        (_falsche_koordinaten(), 25832, "Feature 2: die Koordinaten sind ungültig"),
        # The second feature is in degrees in a file said to be in metres: nothing is stored,
        # not even the first, valid one.
        (_grad_als_utm(), 25832, "Feature 2: die Koordinaten passen nicht zu EPSG:25832"),
        (_bytes(grenzdatei()), 4326, "passen nicht zu EPSG:4326"),
        (_bytes(grenzdatei(crs="EPSG:31466")), 25832, "wird nicht unterstützt"),
    ],
)
def test_a_broken_file_is_rejected_with_a_clear_message_and_nothing_changes(
    bezirke, data, crs, meldung
):
    OrganisationFactory(breite="51.525", laenge="7.41")  # would be assigned by an import
    vorher = _zustand()
    with pytest.raises(geo.GeoFehler) as fehler:
        geo.grenzen_importieren(data=data, crs=crs, namensfeld="STADTTEIL")
    assert meldung in str(fehler.value)
    assert _zustand() == vorher


def test_organisations_without_a_district_get_the_one_their_point_lies_in_after_an_import(
    bezirke,
):
    in_altstadt = OrganisationFactory(breite="51.525000", laenge="7.410000")
    im_park = OrganisationFactory(breite="51.530382", laenge="7.414176")  # the hole
    gewaehlt = OrganisationFactory(
        breite="51.525000", laenge="7.410000", sozialraum=bezirke["nord"]
    )
    ohne = OrganisationFactory()
    geo.grenzen_importieren(data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL")
    for o in (in_altstadt, im_park, gewaehlt, ohne):
        o.refresh_from_db()
    assert in_altstadt.sozialraum == bezirke["altstadt"]
    assert in_altstadt.history.first().history_change_reason.startswith("Sozialraum aus")
    assert im_park.sozialraum is None
    assert gewaehlt.sozialraum == bezirke["nord"]  # a chosen district is never overridden
    assert ohne.sozialraum is None


def test_saving_an_organisation_with_german_coordinates_assigns_its_district(bezirke):
    geo.grenzen_importieren(data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL")
    organisation = OrganisationFactory()
    form = OrganisationForm(
        {"name": organisation.name, "breite": "51,5250", "laenge": "7,41"}, instance=organisation
    )
    assert form.is_valid(), form.errors
    services.organisation_save(form=form)
    organisation.refresh_from_db()
    assert str(organisation.breite) == "51.525000"
    assert organisation.sozialraum == bezirke["altstadt"]
    assert OrganisationForm(instance=organisation)["breite"].value() == "51,525000"


@pytest.mark.parametrize(
    ("breite", "laenge", "feld", "meldung"),
    [
        ("95", "7,4", "breite", "zwischen -90 und 90"),
        ("51,5", "190", "laenge", "zwischen -180 und 180"),
        ("51,5,2", "7,4", "breite", "nur ein Dezimalkomma"),
        ("Norden", "7,4", "breite", "bitte eine Zahl"),
        ("51,5", "", "laenge", "Breiten- und Längengrad"),
    ],
)
def test_coordinates_out_of_range_get_a_german_message_next_to_the_field(
    breite, laenge, feld, meldung
):
    organisation = OrganisationFactory()
    form = OrganisationForm(
        {"name": organisation.name, "breite": breite, "laenge": laenge}, instance=organisation
    )
    assert not form.is_valid()
    assert meldung in " ".join(form.errors[feld])


def test_the_edit_page_saves_coordinates_and_the_district(bezirke, client_as, welt):
    geo.grenzen_importieren(data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL")
    organisation = welt.organisation
    response = client_as("koordination").post(
        reverse("akteure:organisation-edit", kwargs={"slug": organisation.slug}),
        {"name": organisation.name, "breite": "51,5250", "laenge": "7,4100"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.sozialraum == bezirke["altstadt"]


def test_the_csv_import_reads_coordinates_and_assigns_the_district(bezirke):
    from akteure import importer
    from akteure.models import Import
    from netzwerk.tabellen import read_table

    geo.grenzen_importieren(data=_bytes(grenzdatei()), crs=25832, namensfeld="STADTTEIL")
    typ = OrganisationstypFactory(name="Kita")
    headers, rows = read_table(
        "Name;Typ;Breitengrad;Längengrad\n"
        "Kita Sonne;Kita;51,525;7,41\n"
        "Kita Mond;Kita;51.525;7.41\n"
        "Kita Stern;Kita;;\n".encode(),
        "o.csv",
    )
    mapping = importer.guess_mapping(Import.Art.ORGANISATIONEN, headers)
    assert mapping["breite"] == 2 and mapping["laenge"] == 3
    pruefung = importer.check(Import.Art.ORGANISATIONEN, rows, mapping)
    assert pruefung.ok, pruefung.errors
    assert [r["sozialraum"] for r in pruefung.rows] == [bezirke["altstadt"]] * 2 + [None]
    lat = importer.guess_mapping(Import.Art.ORGANISATIONEN, ["Name", "Typ", "lat", "lon"])
    assert lat["breite"] == 2 and lat["laenge"] == 3
    schlecht = importer.check(Import.Art.ORGANISATIONEN, [["Kita Fern", typ.name, "99", "7"]], lat)
    assert schlecht.errors == ["Zeile 2: Der Breitengrad muss zwischen -90 und 90 liegen."]


# --- The coordinators' pages --------------------------------------------------------------------
def test_a_coordinator_uploads_previews_and_confirms_the_boundaries(bezirke, client_as):
    client = client_as("koordination")
    url = reverse("akteure:grenzen-import")
    upload = SimpleUploadedFile("sozialraeume.geojson", _bytes(grenzdatei()))
    response = client.post(url, {"datei": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Altstadt" in html and "kein passender Sozialraum" in html
    assert Sozialraum.objects.get(slug="altstadt").grenze is None
    token = response.context["optionen"].initial["token"]
    response = client.post(
        url, {"token": token, "crs": "25832", "namensfeld": "STADTTEIL", "aktion": "importieren"}
    )
    assert response.status_code == 302 and response.url == reverse("akteure:sozialraum-karte")
    assert Sozialraum.objects.get(slug="altstadt").grenze["type"] == "Polygon"
    page = client.get(response.url)
    assert "2 Sozialräume aktualisiert" in page.content.decode()


def test_a_broken_upload_shows_the_message_and_changes_nothing(bezirke, client_as):
    vorher = _zustand()
    response = client_as("koordination").post(
        reverse("akteure:grenzen-import"),
        {"datei": SimpleUploadedFile("grenzen.geojson", b'{"type": "Feature"}')},
    )
    assert response.status_code == 400
    assert "keine GeoJSON-FeatureCollection" in response.content.decode()
    assert _zustand() == vorher


def test_confirming_with_the_wrong_reference_system_shows_the_message(bezirke, client_as):
    client = client_as("koordination")
    url = reverse("akteure:grenzen-import")
    response = client.post(
        url, {"datei": SimpleUploadedFile("g.geojson", _bytes(grenzdatei(crs=None)))}
    )
    token = response.context["optionen"].initial["token"]
    vorher = _zustand()
    response = client.post(
        url, {"token": token, "crs": "4326", "namensfeld": "STADTTEIL", "aktion": "importieren"}
    )
    assert response.status_code == 400
    assert "passen nicht zu EPSG:4326" in response.content.decode()
    assert _zustand() == vorher


def test_only_coordinators_import_boundaries(client_as, welt):
    assert client_as("partner").get(reverse("akteure:grenzen-import")).status_code == 404
    assert client_as("koordination").get(reverse("akteure:grenzen-import")).status_code == 200
