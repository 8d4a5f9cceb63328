import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from akteure.models import Organisation, Person
from foren.models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Forum,
    Interessensbekundung,
    Kommentar,
    Mitgliedschaft,
    Stimme,
)
from konferenzen.models import Anmeldung, Veranstaltung
from netzwerk.models import Handlungsfeld, Lebensphase, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development_mode(settings):
    settings.DEBUG = True  # demo data is for development only; pytest-django turns DEBUG off


def _snapshot() -> list:
    return [
        sorted(Organisation.objects.values_list("slug", "sozialraum__slug", "street")),
        sorted(Person.objects.values_list("email", "first_name", "last_name", "function")),
        sorted(Forum.objects.values_list("slug", "status", "visibility")),
        sorted(Mitgliedschaft.objects.values_list("forum__slug", "user__email")),
        sorted(Beitrag.objects.values_list("forum__slug", "title", "status")),
        Kommentar.objects.count(),
        sorted(Abstimmung.objects.values_list("title", "status")),
        Stimme.objects.count(),
        Dokument.objects.count(),
        Veranstaltung.objects.count(),
        sorted(Anmeldung.objects.values_list("veranstaltung__title", "email", "status")),
        sorted((u.email, u.is_approved, u.password) for u in User.objects.all()),
    ]


def test_the_demo_network_is_realistic():
    call_command("demo_data", quiet=True)
    assert 55 <= Organisation.objects.count() <= 70
    assert Person.objects.count() >= Organisation.objects.count()
    assert Lebensphase.objects.count() == 6
    # The vocabulary pages show terms in use: life phases with ages, offers with languages, one
    # language no longer offered but kept on an old offer.
    from netzwerk.models import Sprache

    assert Lebensphase.objects.filter(alter_bis__isnull=False).count() == 6
    assert Sprache.objects.filter(angebote__isnull=False).distinct().count() >= 4
    assert Sprache.objects.get(active=False).angebote.count() == 1
    assert Handlungsfeld.objects.count() == 7
    assert Forum.objects.count() == 7
    # Sozialmonitoring (issue 19): three indicators over three years for every district,
    # invented and labelled so; one figure about three children is suppressed.
    from netzwerk.models import Indikator, IndikatorWert, Sozialraum

    assert Indikator.objects.count() == 3
    assert set(Indikator.objects.values_list("quelle", flat=True)) == {
        "Demodaten (erfunden), Statistikstelle Musterstadt"
    }
    assert IndikatorWert.objects.values("jahr").distinct().count() == 3
    assert IndikatorWert.objects.count() == 3 * 3 * Sozialraum.objects.count()
    assert list(IndikatorWert.objects.filter(unterdrueckt=True).values_list("wert")) == [(None,)]
    from netzwerk.models import Massnahme

    assert Massnahme.objects.filter(sozialraeume__isnull=False).distinct().count() == 2
    assert Forum.objects.filter(status=Forum.Status.RUHEND).count() == 2
    # The forums work: members, a collection, a closed and an open round, minutes of a session,
    # a pending request and confirmed interest in a dormant forum.
    assert Mitgliedschaft.objects.values("user").distinct().count() >= 15
    assert Beitrag.objects.count() >= 15 and Kommentar.objects.exists()
    assert set(Beitrag.objects.values_list("art", flat=True)) == {
        "bestand",
        "bedarf",
        "loesungsansatz",
    }
    closed = Abstimmung.objects.get(status="geschlossen")
    assert closed.ergebnis and closed.ergebnis[0]["punkte"] >= closed.ergebnis[-1]["punkte"]
    assert Abstimmung.objects.filter(status="offen").exists()
    assert Dokument.objects.get().veranstaltung is not None
    assert Beitrittsanfrage.objects.filter(status="offen").exists()
    assert Interessensbekundung.objects.filter(
        forum__status="ruhend", confirmed_at__isnull=False
    ).exists()
    # Two sessions per active forum, and a moderator's four-weekly jour fixe of four dates.
    assert Veranstaltung.objects.filter(forum__isnull=False).count() == 14
    serie = Veranstaltung.objects.filter(serie__isnull=False)
    assert serie.count() == 4 and serie.values("serie").distinct().count() == 1
    # Planned in the portal: next year's conference copied with its programme, a cancelled day.
    kopie = Veranstaltung.objects.get(title="4. Präventionskonferenz")
    assert kopie.tagesordnung.count() == 4 and kopie.arbeitsgruppen.count() == 3
    assert not kopie.anmeldungen.exists()
    assert Veranstaltung.objects.get(title="Fachtag Medienkompetenz").cancelled_at is not None
    # The conference with working groups, and a workshop that is full with a waiting list.
    assert Anmeldung.objects.filter(veranstaltung__capacity=120).count() >= 40
    assert Anmeldung.objects.filter(status="warteliste").exists()
    # Check-ins booked at the door by the coordination; the partner's "Meine Anmeldungen" with
    # a waiting-list place and two colleagues they registered.
    from konferenzen.models import Einlassbuchung

    eingelassen = Einlassbuchung.objects.filter(aktion="einlass", by__email__startswith="koord")
    assert eingelassen.count() >= 24
    partner = User.objects.get(email__startswith="partner@")
    assert Anmeldung.objects.filter(user=partner, status="warteliste").exists()
    assert Anmeldung.objects.filter(registered_by=partner).exclude(user=partner).count() == 2
    types = set(Organisation.objects.values_list("typ__name", flat=True))
    assert {"Schule", "Kita", "Verein", "Jobcenter", "Polizei", "Politik"} <= types
    # Data protection: an erasure request waits for the coordination, a link for a partner.
    from akteure.models import Datenschutzantrag, Organisationseinladung

    # Concepts: an archived older one, a draft begun from the decided one's outline in which its
    # co-author has written; no chapter starts with an empty Version 1.
    from netzwerk.models import KapitelVersion, Konzept

    assert Konzept.objects.get(archived_at__isnull=False).status == "beschlossen"
    entwurf = Konzept.objects.get(status="entwurf", mitwirkende__isnull=False)
    assert entwurf.kapitel.filter(versionen__author__in=entwurf.mitwirkende.all()).exists()
    from netzwerk.models import Kapitel

    entfernt = Kapitel.alle.get(konzept=entwurf, entfernt_am__isnull=False)
    assert entfernt.versionen.exists() and entfernt not in entwurf.kapitel.all()
    assert not KapitelVersion.objects.filter(number=1, text="").exists()
    assert Datenschutzantrag.objects.filter(status="offen").count() == 1
    assert Organisationseinladung.objects.filter(used_at__isnull=True).exists()
    # Committees and accounts (parts 4 and 6): kinds and links, members, an open invitation by
    # e-mail, the account log with a role given and a deactivation.
    from netzwerk.models import Gremium, Gremiumseinladung, Kontoprotokoll

    assert set(Gremium.objects.values_list("art", flat=True)) == {
        "ausschuss",
        "beirat",
        "steuerungsgruppe",
    }
    assert Gremium.objects.exclude(url="").count() == 2
    assert Gremium.objects.get(slug="jugendhilfeausschuss").members.count() == 2
    assert Gremiumseinladung.objects.filter(accepted_at__isnull=True).count() == 1
    assert set(Kontoprotokoll.objects.values_list("action", "by__email")) == {
        ("rolle_erteilt", "koordination@demo.example"),
        ("deaktiviert", "koordination@demo.example"),
    }


def test_running_it_twice_changes_nothing():
    call_command("demo_data", quiet=True)
    first = _snapshot()
    call_command("demo_data", quiet=True)
    assert _snapshot() == first


def test_every_demo_login_works_and_lands_on_the_dashboard():
    from netzwerk.demo import ACCOUNTS, DEMO_PASSWORD, demo_email

    call_command("demo_data", quiet=True)
    for local, *_ in ACCOUNTS:
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": demo_email(local), "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, local
        # The coordinator's next step is the TOTP code, everyone else is in.
        expected = reverse("mfa_authenticate") if local == "koordination" else "/dashboard/"
        assert response["Location"] == expected, local


def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="nie im Betrieb"):
        call_command("demo_data", quiet=True)
    assert not User.objects.filter(email__endswith="@demo.example").exists()
