"""Names sort as a German reader expects ("Ärztehaus" between "Apotheke" and "Bäckerei", not after
"Zentrum"), and the search finds umlauts and ß however they are written. On both backends."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from akteure.hsds.selectors import taxonomy_terms
from akteure.models import Angebot, Organisation, Person
from akteure.selectors import (
    angebote_for_list,
    angebote_search,
    organisationen_for_list,
    organisationen_search,
)
from akteure.wegweiser.selectors import Suche, Vokabular, treffer
from foren.models import Forum
from foren.selectors import foren_with_member
from konferenzen.models import Veranstaltung
from konferenzen.selectors import veranstaltungen_visible_to
from netzwerk.models import Lebensphase, Rolle, User
from tests.factories import (
    AngebotFactory,
    ForumFactory,
    HandlungsfeldFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DEUTSCH = [
    "Apotheke",
    "Ärztehaus",
    "bäckerei am Markt",
    "Bürgerhaus",
    "Ökumenischer Treff",
    "Ostbahnhof",
    "Stadtteilladen",
    "Strand",
    "Straße der Jugend",
    "Übergangshilfe",
    "Ufer",
    "Zentrum",
]


def _gemischt() -> list[str]:
    namen = DEUTSCH[:]
    random.Random(4).shuffle(namen)
    return namen


def _organisationen():
    for i, name in enumerate(_gemischt()):
        OrganisationFactory(name=name, slug=f"org-{i}")


def test_organisations_list_in_german_order():
    _organisationen()
    assert [o.name for o in organisationen_for_list()] == DEUTSCH
    assert [o.name for o in Organisation.objects.all()] == DEUTSCH  # Meta.ordering: admin, forms


def test_offers_list_in_german_order_and_the_guide_too():
    org = OrganisationFactory()
    for i, title in enumerate(_gemischt()):
        AngebotFactory(organisation=org, title=title, slug=f"a-{i}", confirmed_at=timezone.now())
    assert [a.title for a in angebote_for_list(AnonymousUser())] == DEUTSCH
    assert [a.title for a in Angebot.objects.all()] == DEUTSCH
    page, _facetten = treffer(Suche(), Vokabular.laden(), "de")
    assert [a.title for a in page.object_list] == DEUTSCH


def test_forums_in_german_order():
    user = UserFactory()
    for i, name in enumerate(_gemischt()):
        ForumFactory(name=name, slug=f"forum-{i}").members.add(user)
    assert [f.name for f in foren_with_member(user)] == DEUTSCH
    assert [f.name for f in Forum.objects.all()] == DEUTSCH


def test_events_at_the_same_time_in_german_order():
    start = timezone.now() + timedelta(days=7)
    for title in _gemischt():
        Veranstaltung.objects.create(
            art="workshop", title=title, start=start, end=start + timedelta(hours=2),
            visibility="public",
        )  # fmt: skip
    koordination = UserFactory(rollen=[Rolle.KOORDINATION])
    assert [v.title for v in veranstaltungen_visible_to(koordination)] == DEUTSCH
    assert [v.title for v in Veranstaltung.objects.all()] == DEUTSCH


def test_persons_accounts_and_vocabularies_in_german_order():
    org = OrganisationFactory()
    for i, name in enumerate(_gemischt()):
        PersonFactory(organisation=org, last_name=name, first_name="Eva")
        UserFactory(email=f"u{i}@test.example", last_name=name, first_name="Eva")
        Lebensphase.objects.create(name=name, slug=f"phase-{i}", position=1)
    assert [p.last_name for p in Person.objects.all()] == DEUTSCH
    assert [u.last_name for u in User.objects.filter(first_name="Eva")] == DEUTSCH
    assert [p.name for p in Lebensphase.objects.filter(position=1)] == DEUTSCH


def test_a_plain_order_by_sorts_german_on_postgresql_and_by_bytes_on_sqlite():
    """PostgreSQL: the column carries the collation, so views and forms that write
    order_by("name") sort German too. SQLite (for trying the portal out) sorts those by bytes."""
    _organisationen()
    names = list(Organisation.objects.order_by("name").values_list("name", flat=True))
    assert names == (DEUTSCH if connection.vendor == "postgresql" else sorted(DEUTSCH))


@pytest.mark.parametrize(
    ("titel", "suche"),
    [
        ("Treff in der Straße", "Strasse"),
        ("Treff in der Strasse", "Straße"),
        ("Ärztehaus am Markt", "Aerzte"),
        ("Aerztehaus am Markt", "Ärzte"),
        ("Familienzentrum Münster", "Muenster"),
        ("Familienzentrum Muenster", "münster"),
        ("ÖKUMENISCHE Runde", "oekumenische"),
    ],
)
def test_search_finds_umlauts_and_sharp_s_however_written(titel, suche):
    gefunden = AngebotFactory(title=titel, description="Für Familien.")
    AngebotFactory(title="Schwimmkurs", description="Im Hallenbad.")
    assert list(angebote_search(Angebot.objects.all(), suche)) == [gefunden]
    assert list(angebote_search(Angebot.objects.all(), f"{suche} Familien")) == [gefunden]


def test_search_finds_variants_in_the_description_and_for_organisations():
    angebot = AngebotFactory(title="Sprechstunde", description="In der Praxis der Ärztinnen.")
    org = OrganisationFactory(name="Verein Große Straße")
    assert list(angebote_search(Angebot.objects.all(), "Aerztinnen")) == [angebot]
    assert list(organisationen_search(Organisation.objects.all(), "grosse strasse")) == [org]


def test_search_keeps_regex_and_tsquery_syntax_literal():
    angebot = AngebotFactory(title="Kurs (Nord) für C++ und Straße")
    for q in ["(Nord", "C++", "Stra.e", "[ü", "Straße |"]:
        list(angebote_search(Angebot.objects.all(), q))  # no syntax error
    assert list(angebote_search(Angebot.objects.all(), "(Nord) Strasse")) == [angebot]


def test_open_data_terms_are_found_however_umlauts_are_written():
    HandlungsfeldFactory(name="Ärztliche Versorgung", slug="aerztlich")
    HandlungsfeldFactory(name="Bildung", slug="bildung")
    assert [t.term.name for t in taxonomy_terms(search="Aerztliche")] == ["Ärztliche Versorgung"]
    assert [t.term.name for t in taxonomy_terms(search="ärztliche")] == ["Ärztliche Versorgung"]


def test_account_search_finds_names_however_umlauts_are_written():
    from netzwerk.konten import konten_for_list

    mueller = UserFactory(first_name="Jörg", last_name="Müller", email="j.m@test.example")
    UserFactory(first_name="Anna", last_name="Muster", email="a.m@test.example")
    assert list(konten_for_list(suche="Mueller")) == [mueller]
    assert list(konten_for_list(suche="joerg müller")) == [mueller]
    assert list(konten_for_list(suche="j.m@")) == [mueller]  # the address as typed, literally


def test_check_in_and_registration_search_find_names_however_umlauts_are_written():
    from konferenzen import einlass, services
    from konferenzen.selectors import anmeldungen_of

    start = timezone.now() + timedelta(hours=1)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Treffen", start=start, end=start + timedelta(hours=2)
    )
    for name in ["Günther Straßburg", "Gunter Strass", "Zoë Ärmel", "Anna Ost"]:
        email = f"{name.split()[0].lower()}@test.example"
        services.anmeldung_create(veranstaltung=event, name=name, email=email)
    assert [a.name for a in einlass.suche(event, "guenther")] == ["Günther Straßburg"]
    assert [a.name for a in einlass.suche(event, "Strass")] == [
        "Gunter Strass",
        "Günther Straßburg",
    ]
    assert [a.name for a in einlass.suche(event, "")] == [
        "Anna Ost", "Gunter Strass", "Günther Straßburg", "Zoë Ärmel"
    ]  # fmt: skip
    assert anmeldungen_of(event).count() == 4


def test_registration_list_search_finds_umlauts_however_written(client_as):
    from django.urls import reverse

    from konferenzen import services

    start = timezone.now() + timedelta(days=3)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Treffen", start=start, end=start + timedelta(hours=2)
    )
    services.anmeldung_create(veranstaltung=event, name="Jürgen Öztürk", email="j@test.example")
    services.anmeldung_create(veranstaltung=event, name="Jana Ost", email="o@test.example")
    html = client_as("koordination").get(
        reverse("konferenzen:anmeldung-list", args=[event.pk]), {"q": "oeztuerk"}
    )
    assert html.status_code == 200
    text = html.content.decode()
    assert "Jürgen Öztürk" in text and "Jana Ost" not in text
