"""The dashboard per role: after login each role lands on what it must do next."""

from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from akteure.models import Angebot
from foren.models import Beitrittsanfrage
from konferenzen.models import Anmeldung, Veranstaltung
from netzwerk.models import Gremium, Mail, Rolle, Sachstandsbericht
from tests.conftest import TOTP_SECRET
from tests.factories import PASSWORD, AngebotFactory, BeitragFactory, PersonFactory, UserFactory
from tests.lesbar import lesbar

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("netzwerk:dashboard")


def _event(title: str, *, days: float, forum=None, capacity=None, **extra) -> Veranstaltung:
    start = timezone.now() + timedelta(days=days)
    return Veranstaltung.objects.create(
        art="forumssitzung" if forum else "netzwerktreffen", title=title, start=start,
        end=start + timedelta(hours=2), forum=forum, capacity=capacity, **extra,
    )  # fmt: skip


def _anmeldungen(veranstaltung, n: int, status=Anmeldung.Status.BESTAETIGT) -> None:
    for i in range(n):
        Anmeldung.objects.create(
            veranstaltung=veranstaltung, name=f"Gast {i}", email=f"{status}{i}@test.example",
            status=status,
        )  # fmt: skip


def _bericht(gremium, nummer: int, status: str) -> Sachstandsbericht:
    datei = {"file": f"berichte/{nummer}.pdf", "sha256": "0" * 64} if status == "fertig" else {}
    return Sachstandsbericht.objects.create(
        nummer=nummer, gremium=gremium, period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31), sections=["zusammenfassung"], status=status, **datei,
    )  # fmt: skip


def _page(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_after_login_a_partner_lands_on_the_dashboard(client, welt):
    response = client.post(
        reverse("account_login"), {"login": "partner@test.example", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == DASHBOARD


def test_the_coordinator_sees_approvals_events_with_fill_level_reports_mails_and_offers(
    client_as, welt, signed_up_user
):
    bald = _event("Netzwerktreffen Mai", days=3, capacity=10)
    _anmeldungen(bald, 4)
    _anmeldungen(bald, 1, status=Anmeldung.Status.STORNIERT)
    _anmeldungen(bald, 2, status=Anmeldung.Status.WARTELISTE)
    offen = _event("Werkstatt ohne Grenze", days=10)
    _anmeldungen(offen, 3)
    _event("Später im Jahr", days=40, capacity=10)
    _event("Abgesagtes Treffen", days=5, cancelled_at=timezone.now())
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    _bericht(gremium, 7, Sachstandsbericht.Status.WARTET)
    _bericht(gremium, 8, Sachstandsbericht.Status.FEHLER)
    for i in range(2):
        Mail.objects.create(
            template="x", to=["a@test.example"], subject=f"M{i}", body_text="b", status="failed"
        )
    Mail.objects.create(template="x", to=["a@test.example"], subject="ok", body_text="b")
    Angebot.objects.filter(pk=welt.angebot_public.pk).update(
        confirmed_at=timezone.now() - timedelta(days=400)
    )

    page = _page(client_as("koordination"))

    assert "Registrierungen, die auf Freigabe warten" in page
    assert "neu@test.example (Kita Wolke)" not in page  # the name is shown, not the address
    assert "Test Person" in page and "(Kita Wolke)" in page
    assert "Veranstaltungen in den nächsten 14 Tagen" in page
    assert "Netzwerktreffen Mai" in page and "4 von 10 Plätzen belegt (40 %)" in page
    assert "2 auf der Warteliste" in page
    assert "Werkstatt ohne Grenze" in page and "3 Anmeldungen, ohne Platzgrenze" in page
    assert "Später im Jahr" not in page and "Abgesagtes Treffen" not in page
    assert reverse("konferenzen:anmeldung-list", args=[bald.pk]) in page
    assert "Nr. 7 für Jugendhilfeausschuss: wartet auf den Hintergrunddienst" in lesbar(page)
    assert "Nr. 8 für Jugendhilfeausschuss: fehlgeschlagen" in lesbar(page)
    mails = page.split("Fehlgeschlagene E-Mails im Postausgang")[1][:80]
    assert f"{reverse('netzwerk:mail-list')}?status=failed" in page and ">2</span>" in mails
    angebote = page.split("seit über einem Jahr nicht bestätigt")[1][:80]
    assert ">1</span>" in angebote
    # A coordinator without an organisation has no partner box to fill.
    assert "keiner Organisation zugeordnet" not in page


def test_the_moderator_sees_requests_next_meetings_and_new_entries_of_their_forums(client_as, welt):
    forum, fremd = welt.forum_members, welt.forum_other
    Beitrittsanfrage.objects.create(forum=forum, user=welt.users["gremium"])
    _event("Sitzung Intern", days=20, forum=forum)
    _event("Sitzung Anderes", days=2, forum=fremd)
    _event("Sitzung Intern abgesagt", days=4, forum=forum, cancelled_at=timezone.now())
    BeitragFactory(forum=forum, title="Neuer Bedarf Sprachkurs")
    alt = BeitragFactory(forum=forum, title="Alter Bedarf")
    alt.created_at = timezone.now() - timedelta(days=30)
    alt.save()
    BeitragFactory(forum=fremd, title="Fremder Bedarf")

    page = _page(client_as("moderation"))

    assert "1 offene Beitrittsanfrage" in page
    assert "Nächste Sitzungen Ihrer Foren" in page
    assert "Sitzung Intern" in page and "Sitzung Anderes" not in page
    assert "Sitzung Intern abgesagt" not in page
    assert "Neuer Bedarf Sprachkurs" in page and "1 neuer Beitrag" in page
    assert "Alter Bedarf" not in page and "Fremder Bedarf" not in page


def test_the_partner_sees_own_registrations_and_the_offers_to_confirm(client_as, welt):
    partner = welt.users["partner"]
    veranstaltung = _event("Präventionskonferenz", days=30, capacity=50)
    eigene = Anmeldung.objects.create(
        veranstaltung=veranstaltung, user=partner, name="Test", email=partner.email
    )
    Anmeldung.objects.create(
        veranstaltung=veranstaltung, registered_by=partner, name="Kollegin Lange",
        email="lange@test.example", status=Anmeldung.Status.WARTELISTE,
        organisation=welt.organisation,
    )  # fmt: skip
    vorbei = _event("Vorbei", days=-10)
    Anmeldung.objects.create(veranstaltung=vorbei, user=partner, name="T", email=partner.email)
    Angebot.objects.filter(pk=welt.angebot_intern.pk).update(
        confirmed_at=timezone.now() - timedelta(days=400)
    )
    fremd = AngebotFactory(organisation=welt.fremde_organisation, title="Fremdes Angebot")
    Angebot.objects.filter(pk=fremd.pk).update(confirmed_at=timezone.now() - timedelta(days=400))

    page = _page(client_as("partner"))

    assert "Meine Organisation" in page and "Kita Wolke" in page
    assert "Angebote, die Sie bestätigen sollten" in page
    assert reverse("akteure:angebot-confirm", args=[welt.angebot_intern.slug]) in page
    assert reverse("akteure:angebot-confirm", args=[welt.angebot_public.slug]) not in page
    assert "Fremdes Angebot" not in page
    assert "Meine Anmeldungen" in page and "Präventionskonferenz" in page
    assert reverse("konferenzen:anmeldung-manage", args=[eigene.token]) in page
    assert "Kollegin Lange, Warteliste" in lesbar(page)
    assert "Vorbei" not in page
    assert "Registrierungen, die auf Freigabe warten" not in page


def test_a_committee_member_sees_their_reports_and_no_partner_boxes(client_as, welt):
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    gremium.members.add(welt.users["gremium"])

    # The dashboard's own content (the menu offers "Meine Anmeldungen" to every account).
    page = _page(client_as("gremium")).split('id="inhalt"', 1)[1]

    assert "Für Ihr Gremium" in page and "Jugendhilfeausschuss" in page
    assert "keiner Organisation zugeordnet" not in page
    assert "Meine Organisation" not in page and "Meine Anmeldungen" not in page
    assert "Sie sind noch in keinem Forum" not in page


def _alle_rollen(welt):
    """The moderator (a partner) becomes coordinator and committee member too, with an
    organisation and the second factor coordinators need."""
    person = welt.users["moderation"]
    for rolle in (Rolle.KOORDINATION, Rolle.GREMIUM):
        person.groups.add(Group.objects.get_or_create(name=rolle)[0])
    PersonFactory(organisation=welt.organisation, user=person)
    TOTP.activate(person, TOTP_SECRET)
    return person


def test_a_person_with_several_roles_sees_each_section(client_as, welt):
    person = _alle_rollen(welt)
    Gremium.objects.create(name="Integrationsrat", slug="ir").members.add(person)

    page = _page(client_as("moderation"))

    for heading in ("Koordination", "Meine moderierten Foren", "Meine Organisation",
                    "Meine Anmeldungen", "Meine Foren", "Für Ihr Gremium"):  # fmt: skip
        assert f">{heading}</h2>" in page, heading


def _fill(welt, n: int) -> None:
    """n of everything the dashboard lists, for the account with every role."""
    person = welt.users["moderation"]
    gremium, _ = Gremium.objects.get_or_create(name="Steuerungsgruppe", slug="sg")
    start = Sachstandsbericht.objects.count()
    for i in range(n):
        UserFactory(approved_at=None)
        event = _event(f"Treffen {i}", days=1 + i % 10, capacity=20, forum=welt.forum_members)
        _anmeldungen(event, 2)
        Anmeldung.objects.create(veranstaltung=event, user=person, name="M", email=person.email)
        BeitragFactory(forum=welt.forum_members)
        Beitrittsanfrage.objects.create(forum=welt.forum_members, user=UserFactory())
        AngebotFactory(
            organisation=welt.organisation, confirmed_at=timezone.now() - timedelta(days=400)
        )
        _bericht(gremium, 100 + start + 2 * i, Sachstandsbericht.Status.WARTET)
        _bericht(gremium, 101 + start + 2 * i, Sachstandsbericht.Status.FERTIG)
        Mail.objects.create(template="x", to=["a@test.example"], subject="s", body_text="b",
                            status="failed")  # fmt: skip
    gremium.members.add(person)


def test_the_dashboard_costs_the_same_queries_however_much_there_is(
    client_as, welt, django_assert_max_num_queries
):
    _alle_rollen(welt)
    client = client_as("moderation")
    _fill(welt, 1)
    with CaptureQueriesContext(connection) as wenig:
        _page(client)
    _fill(welt, 12)
    with django_assert_max_num_queries(len(wenig.captured_queries)):
        page = _page(client)
    assert "Meine moderierten Foren" in page and "Für Ihr Gremium" in page
    assert len(wenig.captured_queries) <= 30, len(wenig.captured_queries)


def test_the_dashboard_lists_no_registrations_someone_merely_imported(client_as, welt):
    from datetime import timedelta

    from django.utils import timezone

    from konferenzen.models import Veranstaltung
    from konferenzen.services import anmeldung_create

    start = timezone.now() + timedelta(days=5)
    event = Veranstaltung.objects.create(
        art="workshop", title="Werkstatt", start=start, end=start + timedelta(hours=2),
        visibility="members",
    )  # fmt: skip
    koordination = welt.users["koordination"]
    anmeldung_create(
        veranstaltung=event, name="Importierte Irma", email="irma@test.example",
        registered_by=koordination,
    )  # fmt: skip
    page = _page(client_as("koordination"))
    assert "Importierte Irma" not in page
