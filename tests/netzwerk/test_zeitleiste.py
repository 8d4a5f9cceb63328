"""The process timeline: entered milestones, the network's past events with who came, the
concepts' decisions; who sees which events; a constant number of queries; the page and its
rights."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from konferenzen.models import Anmeldung, Einladung, Veranstaltung
from netzwerk.konzepte.zeitleiste import zeitleiste
from netzwerk.models import Gremium, Konzept, Meilenstein

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
_emails = iter(range(1_000_000))


def _at(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def _veranstaltung(title, start, *, art="workshop", forum=None, visibility="public", **status):
    """An event of three hours with registrations: teilgenommen=3, bestaetigt=2, ..."""
    event = Veranstaltung.objects.create(
        art=art, title=title, start=start, end=start + timedelta(hours=3), forum=forum,
        visibility=visibility,
    )  # fmt: skip
    Anmeldung.objects.bulk_create(
        Anmeldung(
            veranstaltung=event,
            name="Ida",
            email=f"p{next(_emails)}@test.example",
            status=s,
            token=f"t{event.pk}-{s}-{i}",
        )  # fmt: skip
        for s, n in status.items()
        for i in range(n)
    )
    return event


def _beschlossen(title, slug, decided_on, gremium="Jugendhilfeausschuss", resolution="VO/22/0594"):
    gremium, _ = Gremium.objects.get_or_create(name=gremium, defaults={"slug": slugify(gremium)})
    return Konzept.objects.create(
        title=title, slug=slug, status=Konzept.Status.BESCHLOSSEN, gremium=gremium,
        decided_on=decided_on, resolution=resolution,
    )  # fmt: skip


def _zeilen(eintraege) -> list[tuple[str, str, str]]:
    return [(e.monat, e.zeile, e.art) for e in eintraege]


def test_it_merges_milestones_events_and_decisions_in_the_order_of_their_dates(welt):
    _beschlossen("Integrationskonzept", "integrationskonzept", date(2024, 3, 14))
    _veranstaltung("Auftaktworkshop", _at(2023, 8, 15), teilgenommen=58, bestaetigt=2)
    Meilenstein.objects.create(date=date(2022, 6, 1), title="Lenkungskreis gegründet")
    Meilenstein.objects.create(date=date(2023, 3, 31), title="Bestandsaufnahme abgeschlossen")

    assert _zeilen(zeitleiste()) == [
        ("Juni 2022", "Lenkungskreis gegründet", "eingetragen"),
        ("März 2023", "Bestandsaufnahme abgeschlossen", "eingetragen"),
        ("August 2023", "Auftaktworkshop, 58 Teilnehmende", "veranstaltung"),
        (
            "März 2024",
            "Integrationskonzept beschlossen (Jugendhilfeausschuss, VO/22/0594)",
            "beschluss",
        ),
    ]


def test_an_event_counts_who_came_and_where_nobody_was_checked_in_who_registered(welt):
    _veranstaltung(
        "Auftaktworkshop", _at(2023, 8, 15), teilgenommen=2, bestaetigt=1, storniert=1,
        warteliste=1,
    )  # fmt: skip
    _veranstaltung(
        "Netzwerktreffen", _at(2023, 9, 1), art="netzwerktreffen", bestaetigt=3, storniert=1,
        warteliste=4,
    )  # fmt: skip
    _veranstaltung("Fachtag", _at(2023, 10, 1), art="praeventionskonferenz", teilgenommen=1)
    _veranstaltung("Ohne Anmeldung", _at(2023, 11, 1), storniert=2)

    assert [e.zeile for e in zeitleiste()] == [
        "Auftaktworkshop, 2 Teilnehmende",
        "Netzwerktreffen, 3 Anmeldungen",
        "Fachtag, 1 teilnehmende Person",
        "Ohne Anmeldung",
    ]


def test_forum_sessions_committee_meetings_and_events_not_yet_over_stay_out(welt):
    _veranstaltung("Workshop eines Forums", _at(2023, 8, 15), forum=welt.forum_public)
    _veranstaltung("Sitzung", _at(2023, 8, 16), art="forumssitzung")
    _veranstaltung("Steuerungsgruppe", _at(2023, 8, 17), art="gremiensitzung")
    now = timezone.now()
    Veranstaltung.objects.create(
        art="workshop", title="Läuft gerade", start=now - timedelta(hours=1),
        end=now + timedelta(hours=1), visibility="public",
    )  # fmt: skip
    _veranstaltung("Kommt noch", now + timedelta(days=3))
    _veranstaltung("Zählt", _at(2023, 8, 18))

    for user in (None, welt.users["koordination"]):
        assert [e.title for e in zeitleiste(user=user)] == ["Zählt"]


def test_without_a_user_only_public_events_appear_and_members_see_what_they_may_see(welt):
    _veranstaltung("Öffentlich", _at(2023, 1, 10))
    _veranstaltung("Für Mitglieder", _at(2023, 2, 10), visibility="members")
    eingeladen = _veranstaltung("Partner eingeladen", _at(2023, 3, 10), visibility="invited")
    Einladung.objects.create(veranstaltung=eingeladen, email=welt.users["partner"].email)
    _veranstaltung("Andere eingeladen", _at(2023, 4, 10), visibility="invited")

    def titles(user):
        return [e.title for e in zeitleiste(user=user)]

    assert titles(None) == ["Öffentlich"]
    assert titles(welt.users["wartend"]) == ["Öffentlich"]
    assert titles(welt.users["gremium"]) == ["Öffentlich", "Für Mitglieder"]
    assert titles(welt.users["partner"]) == ["Öffentlich", "Für Mitglieder", "Partner eingeladen"]
    assert titles(welt.users["koordination"]) == [
        "Öffentlich", "Für Mitglieder", "Partner eingeladen", "Andere eingeladen",
    ]  # fmt: skip


def test_decisions_link_their_concept_and_undecided_concepts_are_no_entry(welt):
    konzept = _beschlossen(
        "Präventionskonzept", "praeventionskonzept", date(2019, 5, 2), gremium="Rat",
        resolution="",
    )  # fmt: skip
    Konzept.objects.create(title="Entwurf", slug="entwurf", status=Konzept.Status.BESCHLUSSVORLAGE)

    [eintrag] = zeitleiste()
    assert eintrag.zeile == "Präventionskonzept beschlossen (Rat)"
    assert eintrag.url == konzept.get_absolute_url()


def test_a_milestone_links_its_concept_only_for_those_who_may_read_the_concept(welt):
    entwurf = Konzept.objects.create(
        title="Entwurf", slug="entwurf", status=Konzept.Status.BETEILIGUNG
    )
    Meilenstein.objects.create(
        date=date(2024, 5, 1), title="Beteiligung begonnen", konzept=entwurf,
        description="Die Partner kommentieren.",
    )  # fmt: skip

    [public] = zeitleiste()
    assert (public.url, public.detail, public.zeile) == (
        None, "Die Partner kommentieren.", "Beteiligung begonnen",
    )  # fmt: skip
    assert zeitleiste(user=welt.users["partner"])[0].url == entwurf.get_absolute_url()


def test_von_and_bis_include_their_days_in_local_time(welt):
    Meilenstein.objects.create(date=date(2022, 12, 31), title="Davor")
    Meilenstein.objects.create(date=date(2023, 1, 1), title="Erster Tag")
    # 23:30 in Berlin is already the next day in UTC: it still belongs to 2023.
    _veranstaltung("Silvester", _at(2023, 12, 31, 23, 30))
    _beschlossen("Konzept", "konzept", date(2024, 1, 1))

    eintraege = zeitleiste(von=date(2023, 1, 1), bis=date(2023, 12, 31))
    assert [(e.date, e.title) for e in eintraege] == [
        (date(2023, 1, 1), "Erster Tag"), (date(2023, 12, 31), "Silvester"),
    ]  # fmt: skip


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as context:
        zeitleiste(**kwargs)
    return len(context)


def test_the_timeline_takes_the_same_few_queries_for_few_or_many_entries(welt):
    _veranstaltung("Einer", _at(2023, 1, 1), teilgenommen=1)
    Meilenstein.objects.create(date=date(2022, 1, 1), title="Einer")
    partner = welt.users["partner"]
    few = (_queries(), _queries(user=partner))
    assert few[0] == 3  # milestones, events, decisions

    for i in range(15):
        _veranstaltung(f"Workshop {i}", _at(2023, 2, 1 + i), teilgenommen=3, bestaetigt=2)
        _veranstaltung(f"Intern {i}", _at(2023, 3, 1 + i), visibility="members", bestaetigt=4)
        Meilenstein.objects.create(
            date=date(2022, 2, 1 + i), title=f"Schritt {i}", konzept=_beschlossen(
                f"Konzept {i}", f"konzept-{i}", date(2024, 1, 1 + i)
            ),
        )  # fmt: skip
    partner = type(partner).objects.get(pk=partner.pk)  # its cached roles forgotten
    assert (_queries(), _queries(user=partner)) == few
    assert len(zeitleiste(user=partner)) == 2 + 15 * 4


# --- The page -----------------------------------------------------------------------------------
URL = reverse("netzwerk:zeitleiste")


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_anonymous_visitors_are_sent_to_the_login(client_as):
    response = client_as("anonym").get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_partners_read_the_timeline_by_year_without_the_coordinations_buttons(client_as, welt):
    event = _veranstaltung("Auftaktworkshop", _at(2023, 8, 15), teilgenommen=58)
    Meilenstein.objects.create(date=date(2022, 6, 1), title="Lenkungskreis gegründet")
    client = client_as("partner")

    text = _text(client.get(URL))
    assert '<h2 id="jahr-2022" class="h4 mt-4">2022</h2>' in text
    assert (
        f'<time datetime="2023-08-15">August 2023</time>: <a href="{event.get_absolute_url()}">'
        "Auftaktworkshop, 58 Teilnehmende</a>"
    ) in text
    assert '<time datetime="2022-06-01">Juni 2022</time>: Lenkungskreis gegründet' in text
    assert "Meilenstein eintragen" not in text and 'name="loeschen"' not in text
    response = client.post(URL, {"date": "2023-01-01", "title": "Meins"})
    assert response.status_code == 404 and not Meilenstein.objects.filter(title="Meins").exists()


def test_the_concept_list_links_the_timeline_for_approved_accounts(client_as):
    listing = reverse("netzwerk:konzept-list")
    assert URL in client_as("partner").get(listing).content.decode()
    assert URL not in client_as("anonym").get(listing).content.decode()


def test_the_coordination_enters_a_milestone(client_as, welt):
    konzept = Konzept.objects.create(title="Präventionskonzept", slug="praeventionskonzept")
    response = client_as("koordination").post(
        URL,
        {
            "date": "2023-01-31",
            "title": "Befragung der Fachkräfte",
            "description": "212 Antworten.",
            "konzept": konzept.pk,
        },
    )
    meilenstein = Meilenstein.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#meilenstein-{meilenstein.pk}"
    assert (meilenstein.date, meilenstein.konzept, meilenstein.created_by) == (
        date(2023, 1, 31), konzept, welt.users["koordination"],
    )  # fmt: skip


def test_bad_input_gets_german_messages_and_keeps_what_was_typed(client_as):
    response = client_as("koordination").post(
        URL, {"date": "31.02.2023", "title": "", "description": "Viele kamen."}
    )
    text = _text(response)
    assert response.status_code == 200 and not Meilenstein.objects.exists()
    assert "Bitte geben Sie ein gültiges Datum an" in text
    assert "Bitte geben Sie an, was geschehen ist." in text
    assert 'value="31.02.2023"' in text and "Viele kamen.</textarea>" in text


def test_the_coordination_deletes_an_entered_milestone_after_confirming(client_as):
    meilenstein = Meilenstein.objects.create(date=date(2022, 6, 1), title="Lenkungskreis")
    client = client_as("koordination")
    text = _text(client.get(URL))
    assert 'data-bestaetigen="Meilenstein „Lenkungskreis“ löschen?"' in text
    assert f'name="loeschen" value="{meilenstein.pk}"' in text

    response = client.post(URL, {"loeschen": meilenstein.pk})
    assert response.status_code == 302 and not Meilenstein.objects.exists()
    assert client.post(URL, {"loeschen": meilenstein.pk}).status_code == 404


def test_the_page_takes_the_same_queries_for_few_or_many_entries(client_as):
    client = client_as("koordination")
    _veranstaltung("Einer", _at(2023, 1, 1), teilgenommen=1)
    client.get(URL)  # sessions and caches warmed

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context)

    few = queries()
    for i in range(10):
        _veranstaltung(f"Workshop {i}", _at(2023, 2, 1 + i), teilgenommen=2)
        Meilenstein.objects.create(date=date(2022, 2, 1 + i), title=f"Schritt {i}")
    assert queries() == few


def test_the_demo_timeline_has_milestones_the_kick_off_and_the_decision(settings):
    settings.DEBUG = True  # demo data is for development only
    call_command("demo_data", quiet=True)
    from netzwerk.models import User

    koordination = User.objects.get(email="koordination@demo.example")
    zeilen = [e.zeile for e in zeitleiste(user=koordination)]
    assert zeilen[0] == "Lenkungskreis gegründet"
    assert "Auftaktwerkstatt Sozialraum Nord, 24 Teilnehmende" in zeilen
    assert "Integrationskonzept 2024 beschlossen (Integrationsrat, VO/22/0594)" in zeilen
    # The kick-off was public: the status report's timeline (public events only) has it too.
    assert "Auftaktwerkstatt Sozialraum Nord, 24 Teilnehmende" in [e.zeile for e in zeitleiste()]
