"""Sozialmonitoring in the browser (issue 19): the indicator pages, the import preview and the
page of need and offers pass axe-core, with the trend's figures opened."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_indicator_pages_and_need_beside_offers_are_accessible(
    page, live_server, welt, axe, login_as
):
    from netzwerk.models import Indikator, Lebensphase, Sozialraum
    from netzwerk.sozialmonitoring import importer, services

    jahr = timezone.localdate().year - 1
    kita = Lebensphase.objects.create(name="3-6 Jahre (Kita)", slug="kita")
    for name in ("Nord", "Broich", "Weiden"):
        Sozialraum.objects.create(name=name, slug=name.lower())
    welt.angebot_public.sozialraum = Sozialraum.objects.get(name="Nord")
    welt.angebot_public.save(update_fields=["sozialraum"])
    welt.angebot_public.lebensphasen.add(kita)
    gemeinsam = {"quelle": "Statistikstelle", "beschreibung": "", "richtung": "hoch"}
    kinder = services.indikator_create(
        name="Kinder 3 bis 6", einheit="Kinder", art=Indikator.Art.BEVOELKERUNG,
        lebensphase=kita, zaehlt_personen=True, **gemeinsam,
    )  # fmt: skip
    quote = services.indikator_create(
        name="SGB-II-Quote", einheit="%", art=Indikator.Art.BEDARF, lebensphase=None,
        zaehlt_personen=False, **gemeinsam,
    )  # fmt: skip
    for indikator, werte in ((kinder, ("400", "120", "3")), (quote, ("30,5", "12", "8,2"))):
        zeilen = [
            f"{name};{j};{w}"
            for j in (jahr - 1, jahr)
            for name, w in zip(("Nord", "Broich", "Weiden"), werte, strict=True)
        ]
        vorgang = importer.pruefen(
            indikator=indikator, data=("Sozialraum;Jahr;Wert\n" + "\n".join(zeilen)).encode(),
            dateiname="werte.csv", user=welt.users["koordination"],
        )  # fmt: skip
        importer.uebernehmen(vorgang=vorgang)
    violations = []
    login_as(welt.users["partner"])
    page.goto(f"{live_server.url}{reverse('akteure:bedarf')}")
    page.get_by_text("Zahlen je Sozialraum und Jahr").click()  # the trend's figures, opened
    violations += axe()
    for url in (reverse("netzwerk:indikator-list"), quote.get_absolute_url()):
        page.goto(f"{live_server.url}{url}")
        violations += axe()
    login_as(welt.users["koordination"])
    page.goto(f"{live_server.url}{quote.get_absolute_url()}")
    page.get_by_label("Datei (CSV oder Excel)").set_input_files(
        files=[{"name": "q.csv", "mimeType": "text/csv",
                "buffer": f"Sozialraum;Jahr;Wert\nSüdstadt;{jahr};3\n".encode()}]
    )  # fmt: skip
    page.get_by_role("button", name="Hochladen und prüfen").click()
    expect(page.get_by_text("Sozialraum „Südstadt“ ist unbekannt")).to_be_visible()
    violations += axe()
    page.goto(f"{live_server.url}{reverse('netzwerk:indikator-create')}")
    violations += axe()
    assert violations == [], "\n".join(violations)
