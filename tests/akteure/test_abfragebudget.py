"""The registry's list pages keep a fixed query budget: the same number of queries for 3 offers
and for 30, below a fixed ceiling, drawn afresh (the cache empty) as well as from the cache; and
a cached page never outlives a write of the rows it shows."""

from datetime import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from akteure.importer import check, execute, guess_mapping
from akteure.models import Angebot, Angebotszeit, Import
from akteure.selectors import angebote_search
from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum
from tests.factories import AngebotFactory, OrganisationFactory, UserFactory

ANGEBOTE = reverse("akteure:angebot-list")
ORGANISATIONEN = reverse("akteure:organisation-list")
KETTE = reverse("akteure:praeventionskette")
WEGWEISER = reverse("wegweiser:angebot-list")


class Kreis:
    """Vocabularies, and organisations with offers that grow by add(n)."""

    def __init__(self):
        self.phasen = [
            Lebensphase.objects.create(
                name=f"Phase {i}",
                slug=f"phase-{i}",
                position=i,
                alter_von=36 * i,
                alter_bis=36 * (i + 1),
            )  # fmt: skip
            for i in range(3)
        ]
        self.felder = [
            Handlungsfeld.objects.create(name=f"Feld {i}", slug=f"feld-{i}", position=i)
            for i in range(3)
        ]
        self.raeume = [
            Sozialraum.objects.create(name=f"Raum {i}", slug=f"raum-{i}", position=i)
            for i in range(2)
        ]
        self.n = 0

    def add(self, n: int) -> None:
        for _ in range(n):
            i, self.n = self.n, self.n + 1
            AngebotFactory(
                title=f"Familienkurs {i}",
                description="Sprache und Spiel für Familien",
                organisation=OrganisationFactory(sozialraum=self.raeume[i % 2]),
                sozialraum=self.raeume[i % 2],
                is_public=i % 5 != 4,
                lebensphasen=[self.phasen[i % 3], self.phasen[(i + 1) % 3]],
                handlungsfelder=[self.felder[i % 3]],
            )


@pytest.fixture
def kreis(db):
    return Kreis()


def _seiten(kreis: Kreis) -> dict[str, str]:
    phase, feld = kreis.phasen[1].pk, kreis.felder[0].pk
    return {
        "Angebote": ANGEBOTE,
        "Angebote gefiltert": f"{ANGEBOTE}?lebensphase={phase}&handlungsfeld={feld}",
        "Angebote Raum und Stand": f"{ANGEBOTE}?sozialraum={kreis.raeume[0].pk}&stand=aktuell",
        "Angebote Suche": f"{ANGEBOTE}?q=Familie",
        "Angebote Seite 2": f"{ANGEBOTE}?page=2",
        "Präventionskette": KETTE,
        "Präventionskette Sozialraum": f"{KETTE}?sozialraum={kreis.raeume[1].slug}",
        "Organisationen": ORGANISATIONEN,
        "Organisationen Suche": f"{ORGANISATIONEN}?q=Organisation",
        "Wegweiser": WEGWEISER,
        "Wegweiser gefiltert": f"{WEGWEISER}?alter=4&sozialraum={kreis.raeume[0].slug}"
        f"&thema={kreis.felder[0].slug}&kostenlos=1&q=Familie",
    }


# Queries of a page drawn afresh, for someone logged out. For a member the page frame adds six:
# session, account, roles, moderation and two for permissions (base.html's navigation).
BUDGET = {
    "Angebote": 9,
    "Angebote gefiltert": 11,
    "Angebote Raum und Stand": 10,
    "Angebote Suche": 9,
    "Angebote Seite 2": 9,
    "Präventionskette": 9,
    "Präventionskette Sozialraum": 10,
    "Organisationen": 4,
    "Organisationen Suche": 4,
    # The guide: its vocabularies (one UNION), the facet statement, the page's rows, their life
    # phases and times (one UNION), the map's district version.
    "Wegweiser": 5,
    "Wegweiser gefiltert": 5,
}


def _abfragen(client, url: str, *, frisch: bool) -> int:
    if frisch:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("rolle", ["anonym", "mitglied"])
def test_the_list_pages_need_the_same_few_queries_for_3_offers_and_for_30(client, kreis, rolle):
    extra = 0
    if rolle == "mitglied":
        client.force_login(UserFactory())
        extra = 6
    kreis.add(3)
    seiten = _seiten(kreis)
    klein = {name: _abfragen(client, url, frisch=True) for name, url in seiten.items()}
    kreis.add(27)
    gross = {name: _abfragen(client, url, frisch=True) for name, url in seiten.items()}
    assert gross == klein
    for name, n in gross.items():
        assert n <= BUDGET[name] + extra, (name, n)


def test_a_cached_list_page_asks_the_database_for_nothing_but_the_district_it_names(client, kreis):
    kreis.add(30)
    for name, url in _seiten(kreis).items():
        _abfragen(client, url, frisch=True)
        # The Präventionskette looks up the Sozialraum it names (an unknown one is a 404).
        assert _abfragen(client, url, frisch=False) == ("Sozialraum" in name), name


def test_a_new_offer_shows_on_the_cached_lists_at_once(client, kreis):
    kreis.add(3)
    assert "Neuer Elterntreff" not in client.get(ANGEBOTE).content.decode()
    assert "0 Lücken" not in client.get(KETTE).content.decode()
    organisationen = client.get(ORGANISATIONEN).content.decode()
    AngebotFactory(
        title="Neuer Elterntreff",
        organisation=OrganisationFactory(name="Neuer Träger"),
        lebensphasen=kreis.phasen,
        handlungsfelder=kreis.felder,
    )
    assert "Neuer Elterntreff" in client.get(ANGEBOTE).content.decode()
    assert "0 Lücken" in client.get(KETTE).content.decode()
    assert "Neuer Träger" not in organisationen
    assert "Neuer Träger" in client.get(ORGANISATIONEN).content.decode()


def test_a_changed_vocabulary_term_shows_on_the_cached_lists_at_once(client, kreis):
    kreis.add(3)
    assert "Feld 0" in client.get(ANGEBOTE).content.decode()
    feld = kreis.felder[0]
    feld.name = "Gesundheit"
    feld.save()
    html = client.get(ANGEBOTE).content.decode()
    assert "Gesundheit" in html and "Feld 0" not in html
    assert "Gesundheit" in client.get(KETTE).content.decode()


def test_a_new_time_of_an_offer_shows_in_the_cached_guide_at_once(client, kreis):
    kreis.add(3)
    angebot = Angebot.objects.public().first()
    assert "Mittwoch 09:30" not in client.get(WEGWEISER).content.decode()
    Angebotszeit.objects.create(angebot=angebot, wochentag=2, beginn=time(9, 30), ende=time(11))
    assert "Mittwoch 09:30" in client.get(WEGWEISER).content.decode()


def test_an_import_shows_on_the_cached_lists_at_once(client, kreis):
    kreis.add(3)
    organisation = OrganisationFactory(name="Importträger")
    assert "Importiertes Angebot" not in client.get(ANGEBOTE).content.decode()
    headers = ["Titel", "Organisation", "Lebensphasen", "Handlungsfelder"]
    rows = [["Importiertes Angebot", organisation.name, "Phase 0", "Feld 0"]]
    imp = Import.objects.create(
        art="angebote",
        filename="import.csv",
        headers=headers,
        mapping=guess_mapping("angebote", headers),
        rows_total=1,
    )
    assert check(imp.art, rows, imp.mapping).ok
    assert execute(imp, rows).ok
    assert "Importiertes Angebot" in client.get(ANGEBOTE).content.decode()


def test_members_and_the_public_get_their_own_cached_list(client, kreis):
    AngebotFactory(title="Interne Fallberatung", is_public=False)
    assert "Interne Fallberatung" not in client.get(ANGEBOTE).content.decode()
    client.force_login(UserFactory())
    assert "Interne Fallberatung" in client.get(ANGEBOTE).content.decode()
    client.logout()
    assert "Interne Fallberatung" not in client.get(ANGEBOTE).content.decode()


# --- What a fresh page costs at scale: the plans its queries can take (issue 18) -----------------
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="Die Abfragepläne gelten für PostgreSQL."
)


def _erste(captured, anfang: str) -> str:
    return next(q["sql"] for q in captured.captured_queries if q["sql"].startswith(anfang))


@postgres_only
def test_the_public_count_reads_the_index_of_public_offers_not_the_table(client, kreis):
    kreis.add(5)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ANGEBOTE).status_code == 200
    count = _erste(captured, 'SELECT COUNT(*) AS "__count" FROM "akteure_angebot"')
    with connection.cursor() as cursor:
        # A test's few rows are cheapest to scan whole: the planner is told not to, so the plan
        # shows which index serves the count at 100,000 offers.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + count)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "akteure_angebot_oeffentl" in plan, plan


def test_the_filters_tables_are_indexed_by_term_then_offer(db):
    with connection.cursor() as cursor:
        for table, column in [
            ("akteure_angebot_lebensphasen", "lebensphase_id"),
            ("akteure_angebot_handlungsfelder", "handlungsfeld_id"),
            ("akteure_angebot_zielgruppen", "zielgruppe_id"),
        ]:
            indexes = connection.introspection.get_constraints(cursor, table).values()
            assert any(i["columns"] == [column, "angebot_id"] for i in indexes), table


@postgres_only
def test_a_search_keeps_its_rank_order_across_the_pages(client, kreis):
    kreis.add(20)
    for i in range(10):  # the word in the title: ranked above those with it in the text only
        AngebotFactory(title=f"Sprachspiel {i}", description="Für Familien")
    erwartet = [a.title for a in angebote_search(Angebot.objects.public(), "Sprache")]
    assert erwartet[:10] == [f"Sprachspiel {i}" for i in range(10)]
    seiten = [client.get(ANGEBOTE, {"q": "Sprache", "page": n}).context["page"] for n in (1, 2)]
    assert [a.title for s in seiten for a in s.object_list] == erwartet
