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
    assert Handlungsfeld.objects.count() == 7
    assert Forum.objects.count() == 7
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
    assert Veranstaltung.objects.filter(forum__isnull=False).count() == 10
    # The conference with working groups, and a workshop that is full with a waiting list.
    assert Anmeldung.objects.filter(veranstaltung__capacity=120).count() >= 40
    assert Anmeldung.objects.filter(status="warteliste").exists()
    types = set(Organisation.objects.values_list("typ__name", flat=True))
    assert {"Schule", "Kita", "Verein", "Jobcenter", "Polizei", "Politik"} <= types
    # Data protection: an erasure request waits for the coordination, a link for a partner.
    from akteure.models import Datenschutzantrag, Organisationseinladung

    assert Datenschutzantrag.objects.filter(status="offen").count() == 1
    assert Organisationseinladung.objects.filter(used_at__isnull=True).exists()


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
