"""On the day: the signature sheet, the public participant list, badges, the check-in at the desk
and by the QR code."""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import segno
from django.core import signing
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from konferenzen import einlass, services
from konferenzen.models import Anmeldung, Arbeitsgruppe, Druck, Veranstaltung
from netzwerk.models import Mail
from tests.lesbar import lesbar

pytestmark = pytest.mark.django_db


def _event(
    forum=None, capacity=3, title="Netzwerk Chancengerechtigkeit", beginnt_in=timedelta(hours=3)
) -> Veranstaltung:
    """By default it starts in three hours: the desk checks people in without being asked to
    confirm (that comes more than einlass.VORLAUF ahead)."""
    start = timezone.now() + beginnt_in
    return Veranstaltung.objects.create(
        art="netzwerktreffen", title=title, start=start, end=start + timedelta(hours=4),
        place="Kreishaus Coesfeld", room="Saal 1", capacity=capacity, forum=forum,
    )  # fmt: skip


def _register(event, name, **extra) -> Anmeldung:
    email = name.lower().replace(" ", ".") + "@test.example"
    return services.anmeldung_create(veranstaltung=event, name=name, email=email, **extra)[0]


@pytest.fixture
def treffen(welt):
    """Three with a seat (two in a working group, one without), one cancelled, one waiting.
    The event belongs to the forum "moderation" moderates."""
    event = _event(forum=welt.forum_members)
    lotsen = Arbeitsgruppe.objects.create(veranstaltung=event, name="Lotsen und Case-Management")
    zugaenge = Arbeitsgruppe.objects.create(veranstaltung=event, name="Zugänge und Zielgruppe")
    _register(event, "Anna Lotse", arbeitsgruppen=[lotsen], on_list=True,
              organisation=welt.organisation, needs="vegetarisch")  # fmt: skip
    _register(event, "Bernd Zugang", arbeitsgruppen=[zugaenge], organisation_name="Jobcenter")
    _register(event, "Clara Ohnegruppe", on_list=True, organisation_name="Familienzentrum")
    services.anmeldung_cancel(anmeldung=_register(event, "Emil Abgesagt", on_list=True))
    assert _register(event, "Dora Warteliste", on_list=True).status == "warteliste"
    return event


def _person(name) -> Anmeldung:
    return Anmeldung.objects.get(name=name)


def _pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _pdf(client, name, event, **data):
    """Ask for a PDF as the page's button does; the worker renders it after commit (in tests
    Celery runs eagerly); then download it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse(f"konferenzen:{name}", args=[event.pk]), data)
    assert response.status_code == 302
    druck = Druck.objects.filter(veranstaltung=event).first()
    assert druck.status == "fertig", druck.error
    return client.get(reverse("konferenzen:druck", args=[event.pk, druck.pk]))


def _url(name, event, **query) -> str:
    url = reverse(f"konferenzen:{name}", args=[event.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _checkin(anmeldung) -> str:
    return reverse("konferenzen:checkin", args=[einlass.code_for(anmeldung)])


# --- Lists and badges ----------------------------------------------------------------------------


def test_the_signature_sheet_lists_everyone_with_a_seat_under_their_working_group(
    client_as, treffen
):
    pages = _pages(_pdf(client_as("koordination"), "teilnehmerliste-pdf", treffen, art="intern"))
    text = "\n".join(pages)
    order = [
        "Lotsen und Case-Management (1)", "Anna Lotse", "Zugänge und Zielgruppe (1)",
        "Bernd Zugang", "Jobcenter", "Ohne Arbeitsgruppe (1)", "Clara Ohnegruppe",
    ]  # fmt: skip
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)
    assert "Dora Warteliste" not in text and "Emil Abgesagt" not in text
    # Each working group on a page of its own, with the columns, the event and page numbers.
    anna = next(p for p in pages if "Anna Lotse" in p)
    assert "Bernd Zugang" not in anna
    assert all("Unterschrift" in p and "Netzwerk Chancengerechtigkeit" in p for p in pages)
    assert "Kreishaus Coesfeld, Saal 1" in pages[0]
    assert f"Seite 1 von {len(pages)}" in pages[0]
    assert f"Seite {len(pages)} von {len(pages)}" in pages[-1]


def test_with_two_time_slots_everyone_is_listed_once_under_the_chosen_slot(client_as, treffen):
    spaet = Arbeitsgruppe.objects.create(veranstaltung=treffen, name="Nachmittag", runde=2)
    _person("Anna Lotse").arbeitsgruppen.add(spaet)
    client = client_as("koordination")
    first = "\n".join(_pages(_pdf(client, "teilnehmerliste-pdf", treffen)))
    assert first.count("Anna Lotse") == 1 and "Nachmittag" not in first
    assert first.index("Lotsen und Case-Management") < first.index("Anna Lotse")
    second = "\n".join(_pages(_pdf(client, "teilnehmerliste-pdf", treffen, runde=2)))
    assert second.count("Anna Lotse") == 1
    assert second.index("Nachmittag (1)") < second.index("Anna Lotse")
    assert second.index("Ohne Arbeitsgruppe (2)") < second.index("Bernd Zugang")


def test_the_public_list_shows_only_those_who_agreed(client_as, treffen):
    response = _pdf(client_as("moderation"), "teilnehmerliste-pdf", treffen, art="oeffentlich")
    text = "\n".join(_pages(response))
    assert "Anna Lotse" in text and "Kita Wolke" in text and "Clara Ohnegruppe" in text
    assert "Bernd Zugang" not in text and "Jobcenter" not in text
    assert "Dora Warteliste" not in text and "Emil Abgesagt" not in text
    assert "sowie eine weitere teilnehmende Person" in text
    assert "Unterschrift" not in text


def test_the_badges_carry_name_organisation_and_group_eight_to_a_page(client_as, treffen):
    treffen.capacity = None
    treffen.save(update_fields=["capacity"])
    for i in range(6):
        _register(treffen, f"Gast Nummer{i}")
    pages = _pages(_pdf(client_as("koordination"), "namensschilder-pdf", treffen))
    assert len(pages) == 2
    text = "\n".join(pages)
    assert "Anna Lotse" in text and "Kita Wolke" in text and "Lotsen und Case-Management" in text
    assert "Bernd Zugang" in text and "Dora Warteliste" not in text
    assert sum(p.count("Netzwerk Chancengerechtigkeit") for p in pages) == 9


def _modules(url: str) -> set[tuple]:
    """The QR code of url, as rows of dark (1) and light (0) modules with a border of 2, for
    each of the eight masks (a reader accepts any)."""
    return {
        tuple(tuple(int(m) for m in row) for row in qr.matrix_iter(scale=1, border=2))
        for qr in (segno.make(url, error="m", mask=mask) for mask in range(8))
    }


def test_each_badge_carries_the_qr_code_of_its_check_in_address(client_as, treffen):
    response = _pdf(client_as("koordination"), "namensschilder-pdf", treffen)
    [page] = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    found = set()
    for image in page.images:
        grey = image.image.convert("L")
        found.add(
            tuple(
                tuple(int(grey.getpixel((x, y)) < 128) for x in range(grey.width))
                for y in range(grey.height)
            )
        )
    for name in ("Anna Lotse", "Bernd Zugang", "Clara Ohnegruppe"):
        assert _modules(einlass.checkin_url(_person(name))) & found, name
    assert len(found) == 3


def test_the_participant_list_exports_as_csv_and_xlsx(client_as, treffen):
    einlass.anmeldung_attend(anmeldung=_person("Anna Lotse"))
    client = client_as("koordination")
    response = client.get(_url("teilnehmerliste", treffen, export="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Name", "Organisation", "Arbeitsgruppen"]
    assert [r[0] for r in rows[1:]] == ["Anna Lotse", "Bernd Zugang", "Clara Ohnegruppe"]
    anna = rows[1]
    assert anna[1:4] == ["Kita Wolke", "Lotsen und Case-Management", "teilgenommen"]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", anna[4]) and anna[5] == "vegetarisch"
    xlsx = client.get(_url("teilnehmerliste", treffen, export="xlsx"))
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet") and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("tag", {}),
        ("teilnehmerliste", {}),
        ("drucke", {}),
    ],
)
def test_only_those_who_manage_the_event_get_the_lists(client_as, welt, treffen, name, kwargs):
    url = reverse(f"konferenzen:{name}", args=[treffen.pk])
    assert client_as("partner").get(url).status_code == 404
    assert client_as("gremium").get(url).status_code == 404
    assert client_as("anonym").get(url).status_code == 302
    assert client_as("moderation").get(url).status_code == 200
    other = _event(forum=welt.forum_other, title="Anderes Forum")
    other_url = reverse(f"konferenzen:{name}", args=[other.pk])
    assert client_as("moderation").get(other_url).status_code == 404


# --- The desk ------------------------------------------------------------------------------------


def test_the_desk_finds_people_with_a_seat_by_name_or_organisation(client_as, treffen):
    client = client_as("koordination")

    def hits(q) -> str:
        return client.get(_url("tag", treffen, q=q)).content.decode()

    page = hits("lotse")
    assert "Anna Lotse" in page and "Bernd Zugang" not in page and "vegetarisch" in page
    assert "0 von 3 anwesend" in page
    assert "Bernd Zugang" in hits("jobcenter") and "Anna Lotse" not in hits("jobcenter")
    assert "Anna Lotse" in hits("Kita Wolke")
    assert "Dora Warteliste" not in hits("Dora") and "Niemand mit Platz gefunden" in hits("Dora")
    everyone = client.get(_url("tag", treffen)).content.decode()
    assert all(n in everyone for n in ("Anna Lotse", "Bernd Zugang", "Clara Ohnegruppe"))
    assert "Emil Abgesagt" not in everyone
    # The live search (htmx) gets the hits only.
    partial = client.get(_url("tag", treffen, q="clara"), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.startswith('<div id="einlass-treffer">') and "Clara Ohnegruppe" in body


def test_marking_present_and_taking_it_back_with_htmx(client_as, treffen):
    anna = _person("Anna Lotse")
    url = reverse("konferenzen:tag-anwesend", args=[treffen.pk, anna.pk])
    client = client_as("moderation")
    response = client.post(url, {"aktion": "anwesend", "q": "anna"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    anna.refresh_from_db()
    assert response.status_code == 200 and anna.status == "teilgenommen" and anna.attended_at
    zeit = timezone.localtime(anna.attended_at).strftime("%H:%M")
    assert f"anwesend seit {zeit}" in body and 'value="zuruecknehmen"' in body
    assert 'id="einlass-zahl" data-hx-swap-oob="innerHTML">1 von 3 anwesend' in body
    response = client.post(url, {"aktion": "zuruecknehmen", "q": "anna"}, HTTP_HX_REQUEST="true")
    anna.refresh_from_db()
    assert anna.status == "bestaetigt" and anna.attended_at is None
    assert "0 von 3 anwesend" in response.content.decode()


def test_marking_without_javascript_comes_back_to_the_same_search(client_as, treffen):
    anna = _person("Anna Lotse")
    url = reverse("konferenzen:tag-anwesend", args=[treffen.pk, anna.pk])
    client = client_as("koordination")
    response = client.post(url, {"aktion": "anwesend", "q": "Anna L"})
    assert response.status_code == 302 and response.url == _url("tag", treffen, q="Anna+L")
    page = client.get(response.url).content.decode()
    assert "Anna Lotse ist eingetragen: anwesend seit" in page and "1 von 3 anwesend" in page
    client.post(url, {"aktion": "zuruecknehmen", "q": "Anna L"})
    anna.refresh_from_db()
    assert anna.status == "bestaetigt" and anna.attended_at is None


def test_the_waiting_list_and_the_cancelled_cannot_be_marked_present(client_as, treffen):
    client = client_as("koordination")
    for name, text in (("Dora Warteliste", "Warteliste"), ("Emil Abgesagt", "abgesagt")):
        person = _person(name)
        url = reverse("konferenzen:tag-anwesend", args=[treffen.pk, person.pk])
        response = client.post(url, {"aktion": "anwesend"}, HTTP_HX_REQUEST="true")
        assert text in response.content.decode()
        response = client.post(_checkin(person), follow=True)
        assert text in response.content.decode()
        before = person.status
        person.refresh_from_db()
        assert person.status == before and person.attended_at is None
    assert "0 von 3 anwesend" in client.get(_url("tag", treffen)).content.decode()


def test_a_scanner_typing_the_address_into_the_search_marks_the_person(client_as, treffen):
    client = client_as("koordination")
    anna, bernd = _person("Anna Lotse"), _person("Bernd Zugang")
    response = client.post(_url("tag", treffen), {"q": einlass.checkin_url(anna) + "\n"})
    assert response.status_code == 302
    assert response.url == _url("tag", treffen, q="", zuletzt=anna.pk)
    page = client.get(response.url).content.decode()
    assert "Anna Lotse ist eingetragen" in page and "Zuletzt eingetragen" in page
    assert 'value="zuruecknehmen"' in page
    # A pasted bare code works as well; a second scan keeps the first time.
    client.post(_url("tag", treffen), {"q": einlass.code_for(bernd)})
    first = Anmeldung.objects.get(pk=anna.pk).attended_at
    again = client.post(_url("tag", treffen), {"q": einlass.code_for(anna)}, follow=True)
    assert "bereits anwesend" in again.content.decode()
    assert Anmeldung.objects.get(pk=anna.pk).attended_at == first
    assert set(Anmeldung.objects.filter(status="teilgenommen").values_list("name", flat=True)) == {
        "Anna Lotse",
        "Bernd Zugang",
    }


def test_the_search_field_refuses_forged_codes_and_codes_of_another_event(client_as, treffen):
    client = client_as("koordination")
    clara = _person("Clara Ohnegruppe")
    forged = einlass.code_for(clara)[:-2] + "xx"
    page = client.post(_url("tag", treffen), {"q": forged}, follow=True).content.decode()
    assert "Dieser Code ist ungültig" in page
    other = _event(title="Anderes Treffen")
    stranger = _register(other, "Fremde Person")
    page = client.post(
        _url("tag", treffen), {"q": einlass.code_for(stranger)}, follow=True
    ).content.decode()
    assert "gehört zu einer anderen Veranstaltung" in page
    assert not Anmeldung.objects.filter(status="teilgenommen").exists()
    # Plain text is a search, not a mark.
    response = client.post(_url("tag", treffen), {"q": "Clara"})
    assert response.url == _url("tag", treffen, q="Clara")


def test_the_desk_page_needs_the_same_queries_for_3_or_23_people(client_as, treffen):
    client = client_as("koordination")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("tag", treffen)).status_code == 200
        return len(captured)

    few = queries()
    treffen.capacity = None
    treffen.save(update_fields=["capacity"])
    for i in range(20):
        _register(treffen, f"Gast Nummer{i}", arbeitsgruppen=[treffen.arbeitsgruppen.first()])
    assert queries() == few


# --- The QR code ---------------------------------------------------------------------------------


def test_a_scanned_code_shows_the_person_and_marks_them_once(client_as, treffen):
    anna = _person("Anna Lotse")
    client = client_as("moderation")
    page = client.get(_checkin(anna)).content.decode()
    assert "Anna Lotse" in page and "Kita Wolke" in page and "Lotsen und Case-Management" in page
    assert "vegetarisch" in page and "Als anwesend eintragen" in page
    response = client.post(_checkin(anna), {"aktion": "anwesend"})
    assert response.status_code == 302 and response.url == _checkin(anna)
    anna.refresh_from_db()
    first = anna.attended_at
    assert anna.status == "teilgenommen" and first is not None
    page = client.post(_checkin(anna), {"aktion": "anwesend"}, follow=True).content.decode()
    anna.refresh_from_db()
    assert anna.attended_at == first
    assert f"bereits anwesend seit {timezone.localtime(first):%H:%M}" in page
    assert "Als anwesend eintragen" not in page


def test_marking_twice_keeps_the_first_time():
    event = _event()
    anmeldung = _register(event, "Ida Doppelt")
    early = timezone.now() - timedelta(minutes=5)
    assert einlass.anmeldung_attend(anmeldung=anmeldung, now=early) is True
    assert einlass.anmeldung_attend(anmeldung=anmeldung) is False
    anmeldung.refresh_from_db()
    assert anmeldung.attended_at == early


def test_a_forged_code_gets_a_clear_german_404_page(client_as, treffen):
    anna = _person("Anna Lotse")
    code = einlass.code_for(anna)
    client = client_as("koordination")
    for forged in [
        code[:-3] + "abc",  # altered signature
        f"{_person('Bernd Zugang').pk}:{code.split(':')[1]}",  # someone else's pk
        signing.Signer().sign(str(anna.pk)),  # signed for another purpose
        anna.token,  # the personal token is no check-in code
        code[:-10],  # cut off
    ]:
        response = client.get(reverse("konferenzen:checkin", args=[forged]))
        assert response.status_code == 404
        assert "Dieser Einlass-Code ist ungültig" in response.content.decode()
        assert client.post(reverse("konferenzen:checkin", args=[forged])).status_code == 404
    assert not Anmeldung.objects.filter(status="teilgenommen").exists()


def test_only_those_who_manage_the_event_can_use_a_code(client_as, welt, treffen):
    anna = _person("Anna Lotse")
    for role in ("partner", "gremium", "wartend"):
        assert client_as(role).get(_checkin(anna)).status_code == 404
        assert client_as(role).post(_checkin(anna), {"aktion": "anwesend"}).status_code == 404
    anna.refresh_from_db()
    assert anna.status == "bestaetigt"
    # A coordinator scanning with a phone logs in first and comes back to the person.
    response = client_as("anonym").get(_checkin(anna))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={quote(_checkin(anna), safe='/')}"
    other = _event(forum=welt.forum_other, title="Anderes Forum")
    stranger = _register(other, "Fremde Person")
    assert client_as("moderation").get(_checkin(stranger)).status_code == 404
    assert client_as("koordination").get(_checkin(stranger)).status_code == 200


def test_the_personal_page_shows_the_check_in_code_not_the_token(client, treffen):
    anna = _person("Anna Lotse")
    manage = reverse("konferenzen:anmeldung-manage", args=[anna.token])
    page = client.get(manage).content.decode()
    assert "Zeigen Sie diesen Code am Einlass vor." in page
    # The QR on the page is the one of the check-in address (same modules, so the same path).
    paths = {
        re.search(r' d="([^"]+)"', qr.svg_inline(scale=1, border=2))[1]
        for qr in (segno.make(einlass.checkin_url(anna), error="m", mask=m) for m in range(8))
    }
    assert any(path in page for path in paths) and anna.token not in einlass.checkin_url(anna)
    dora = _person("Dora Warteliste")
    page = client.get(reverse("konferenzen:anmeldung-manage", args=[dora.token])).content.decode()
    assert "Zeigen Sie diesen Code am Einlass vor." not in page and "<svg" not in page


def test_the_confirmation_mail_says_to_show_the_code_at_the_entrance(treffen):
    [mail] = [
        m for m in Mail.objects.filter(template="anmeldung_bestaetigt")
        if m.to == ["anna.lotse@test.example"]
    ]  # fmt: skip
    assert "QR-Code von Ihrer persönlichen Anmeldeseite" in mail.body_text


def test_a_pdf_is_asked_for_in_the_request_and_rendered_by_the_worker(client_as, welt, treffen):
    client = client_as("moderation")
    url = reverse("konferenzen:namensschilder-pdf", args=[treffen.pk])
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        client.post(url)
    druck = Druck.objects.get()
    assert druck.status == "wartet" and not druck.file and len(callbacks) == 1
    page = client.get(reverse("konferenzen:tag", args=[treffen.pk])).content.decode()
    assert "Namensschilder mit QR-Code: wird erstellt" in lesbar(page)
    assert 'data-hx-trigger="every 1s"' in page
    callbacks[0]()  # the worker's turn
    druck.refresh_from_db()
    assert druck.status == "fertig" and druck.pages == 1
    fragment = client.get(reverse("konferenzen:drucke", args=[treffen.pk])).content.decode()
    assert reverse("konferenzen:druck", args=[treffen.pk, druck.pk]) in fragment
    assert "hx-trigger" not in fragment
    assert client.get(url).status_code == 405  # asking is a POST
    assert (
        client_as("partner")
        .get(reverse("konferenzen:druck", args=[treffen.pk, druck.pk]))
        .status_code
        == 404
    )
