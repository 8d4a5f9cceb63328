"""XLSX downloads: dates and moments as real date cells in local time (German formats), a sheet
named after its content, a bold header row that stays when scrolling, columns wide enough to
read. The CSV of the same list keeps the text it always had."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from foren.models import Beitrag
from konferenzen import services
from konferenzen.models import Anmeldung, Veranstaltung

from .factories import BeitragFactory, ForumFactory

pytestmark = pytest.mark.django_db
# 22:30 UTC on 1 July is half past midnight on 2 July in Berlin (summer time): the local day.
SPAET = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
# 08:05 UTC on 15 January is 09:05 in Berlin (winter time).
WINTER = datetime(2026, 1, 15, 8, 5, tzinfo=UTC)


def _excel(*args) -> datetime:
    """A wall-clock time as Excel holds it: no zone."""
    return datetime(*args, tzinfo=UTC).replace(tzinfo=None)


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def _looks_like_a_table(sheet, title: str) -> None:
    assert sheet.title == title
    assert sheet.freeze_panes == "A2"
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])
    # Every column at least as wide as its header, none wider than 60 characters.
    for i, header in enumerate(c.value for c in sheet[1]):
        width = sheet.column_dimensions[get_column_letter(i + 1)].width
        assert min(len(header), 58) <= width <= 60, header


def test_registrations_export_their_moments_as_local_date_time_cells(client_as, welt):
    start = timezone.now() + timedelta(days=3)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start,
        end=start + timedelta(hours=2), capacity=5,
    )  # fmt: skip
    anmeldung = services.anmeldung_create(
        veranstaltung=event, name="Anna Amsel", email="anna@test.example"
    )[0]
    Anmeldung.objects.filter(pk=anmeldung.pk).update(created_at=WINTER, attended_at=SPAET)
    client = client_as("koordination")
    url = reverse("konferenzen:anmeldung-list", args=[event.pk])

    sheet = _sheet(client.get(url, {"export": "xlsx"}))
    _looks_like_a_table(sheet, "Anmeldungen")
    angemeldet = sheet.cell(2, _column(sheet, "Angemeldet"))
    anwesend = sheet.cell(2, _column(sheet, "Anwesend"))
    assert angemeldet.is_date and angemeldet.number_format == "DD.MM.YYYY HH:MM"
    assert angemeldet.value == _excel(2026, 1, 15, 9, 5)  # Berlin
    assert anwesend.is_date and anwesend.value == _excel(2026, 7, 2, 0, 30)
    # A column of moments is wide enough for them, not just for its short header.
    letter = get_column_letter(_column(sheet, "Anwesend"))
    assert sheet.column_dimensions[letter].width >= len("02.07.2026 00:30")

    csv = client.get(url, {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    assert csv[1].endswith(";15.01.2026 09:05;02.07.2026 00:30")


def test_a_forums_collection_exports_its_days_as_date_cells_on_a_sheet_named_after_it(
    client_as, welt
):
    forum = ForumFactory(name="Eltern: [Nord]/Süd? Alle Stadtteile im Kreis", slug="eltern")
    forum.members.add(welt.users["koordination"])
    beitrag = BeitragFactory(forum=forum, title="=SUMME(A1)", art=Beitrag.Art.BEDARF)
    Beitrag.objects.filter(pk=beitrag.pk).update(created_at=SPAET)
    client = client_as("koordination")
    url = reverse("foren:beitrag-list", args=[forum.slug])

    sheet = _sheet(client.get(url, {"export": "xlsx"}))
    # No []:*?/\ and at most 31 characters: Excel refuses other names.
    _looks_like_a_table(sheet, "Sammlung Eltern   Nord  Süd  Al")
    tag = sheet.cell(2, _column(sheet, "Eingetragen am"))
    assert tag.is_date and tag.number_format == "DD.MM.YYYY"
    assert tag.value == _excel(2026, 7, 2)  # the Berlin day, read back at midnight
    titel = sheet.cell(2, _column(sheet, "Titel"))
    assert titel.data_type == "s" and titel.value == "'=SUMME(A1)"  # data, not a formula

    csv = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert ";02.07.2026;" in csv


def test_the_forum_overview_exports_its_meeting_moments_as_date_cells(client_as, welt):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=5)
    Veranstaltung.objects.create(
        art="netzwerktreffen", title="Sitzung", start=start, end=start + timedelta(hours=2),
        forum=welt.forum_public,
    )  # fmt: skip
    response = client_as("koordination").get(reverse("foren:forum-overview"), {"export": "xlsx"})
    sheet = _sheet(response)
    _looks_like_a_table(sheet, "Foren")
    column = _column(sheet, "Nächste Sitzung")
    [cell] = [
        row[column - 1] for row in sheet.iter_rows(min_row=2) if row[0].value == "Forum Offen"
    ]
    assert cell.is_date and cell.value == timezone.make_naive(start)
