"""The family guide /wegweiser/: filters that combine, their counts, stale offers, consent,
languages, and a query count that does not grow with the results."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from akteure.models import Angebot, Angebotsuebersetzung, Angebotszeit, Einwilligung
from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache
from tests.factories import AngebotFactory, OrganisationFactory, PersonFactory, UserFactory

LIST = reverse("wegweiser:angebot-list")


def _detail(angebot, sprache=""):
    url = reverse("wegweiser:angebot-detail", kwargs={"uuid": angebot.uuid})
    return f"{url}?sprache={sprache}" if sprache else url


class Stadt:
    pass


@pytest.fixture
def stadt(db):
    s = Stadt()
    s.krippe = Lebensphase.objects.create(
        name="0-3 Jahre", slug="krippe", alter_von=0, alter_bis=36
    )
    s.kita = Lebensphase.objects.create(
        name="3-6 Jahre (Kita)", slug="kita", alter_von=36, alter_bis=72
    )
    s.schule = Lebensphase.objects.create(
        name="6-10 Jahre (Grundschule)", slug="grundschule", alter_von=72, alter_bis=120
    )
    s.nord = Sozialraum.objects.create(name="Nord", slug="nord")
    s.sued = Sozialraum.objects.create(name="Süd", slug="sued")
    s.sprache = Handlungsfeld.objects.create(name="Sprache und Bildung", slug="sprache-und-bildung")
    s.sport = Handlungsfeld.objects.create(name="Sport und Freizeit", slug="sport-und-freizeit")
    s.deutsch = Sprache.objects.create(name="Deutsch", slug="deutsch", code="de")
    s.arabisch = Sprache.objects.create(name="Arabisch", slug="arabisch", code="ar")
    s.org = OrganisationFactory(
        name="Familienzentrum Nord", sozialraum=s.nord, email="info@fz.example"
    )
    now = timezone.now()

    def angebot(title, phase, raum, feld, sprache, cost="kostenlos", tage=10, **kw):
        a = AngebotFactory(
            organisation=s.org, title=title, sozialraum=raum, cost=cost,
            confirmed_at=now - timedelta(days=tage), **kw,
        )  # fmt: skip
        a.lebensphasen.set([phase])
        a.handlungsfelder.set([feld])
        a.sprachen.set([sprache])
        return a

    s.kurs = angebot(
        "Deutschkurs für Kinder", s.kita, s.nord, s.sprache, s.deutsch, barrierefrei=True
    )
    s.spiele = angebot("Sprachspiele", s.kita, s.sued, s.sprache, s.arabisch)
    s.fussball = angebot("Fußball", s.schule, s.nord, s.sport, s.deutsch, cost="kostenpflichtig")
    s.intern = angebot("Fallbesprechung", s.kita, s.nord, s.sprache, s.deutsch, is_public=False)
    s.alt = angebot("Elterncafé", s.kita, s.nord, s.sprache, s.deutsch, tage=400)
    s.weg = angebot("Krabbelgruppe", s.kita, s.nord, s.sprache, s.deutsch, tage=800)
    Angebotszeit.objects.create(angebot=s.kurs, wochentag=0, beginn=time(10), ende=time(11))
    Angebotszeit.objects.create(angebot=s.spiele, wochentag=1, beginn=time(15), ende=time(16))
    Angebotszeit.objects.create(angebot=s.fussball, wochentag=2, beginn=time(17, 30), ende=time(19))
    return s


def _titel(response) -> set[str]:
    return {a.title for a in response.context["page"].object_list}


def _counts(response, facette: str) -> dict[str, int]:
    return {o.value: o.n for o in response.context["facetten"][facette].options}


def test_three_filters_combine_to_the_free_course_for_a_four_year_old_in_nord(client, stadt):
    response = client.get(LIST, {"alter": 4, "sozialraum": "nord", "kostenlos": "1"})
    assert response.status_code == 200
    assert _titel(response) == {"Deutschkurs für Kinder", "Elterncafé"}
    assert "Gefundene Angebote: 2" in response.text


def test_every_filter_narrows_the_search(client, stadt):
    assert _titel(client.get(LIST, {"thema": "sport-und-freizeit"})) == {"Fußball"}
    assert _titel(client.get(LIST, {"angebotssprache": "arabisch"})) == {"Sprachspiele"}
    assert _titel(client.get(LIST, {"barrierefrei": "1"})) == {"Deutschkurs für Kinder"}
    assert _titel(client.get(LIST, {"phase": "grundschule"})) == {"Fußball"}
    assert _titel(client.get(LIST, {"tag": "0", "zeit": "vormittags"})) == {
        "Deutschkurs für Kinder"
    }
    # Weekday and time of day must meet in the same slot: Tuesday has an afternoon slot only.
    assert _titel(client.get(LIST, {"tag": "1", "zeit": "vormittags"})) == set()
    assert _titel(client.get(LIST, {"zeit": "abends"})) == {"Fußball"}
    assert _titel(client.get(LIST, {"q": "Deutschkurs"})) == {"Deutschkurs für Kinder"}
    # Two districts: either of them.
    assert len(_titel(client.get(LIST, {"sozialraum": ["nord", "sued"]}))) == 4


def test_an_age_maps_to_the_phases_by_their_months_upper_bound_exclusive(client, stadt):
    drei = _titel(client.get(LIST, {"alter": 36, "einheit": "monate"}))
    assert "Deutschkurs für Kinder" in drei  # 36 months: the Kita phase begins
    assert _titel(client.get(LIST, {"alter": 35, "einheit": "monate"})) == set()
    assert _titel(client.get(LIST, {"alter": 6})) == {"Fußball"}
    assert _titel(client.get(LIST, {"alter": 40})) == set()


def test_the_counts_say_what_choosing_an_option_would_give(client, stadt):
    response = client.get(LIST, {"alter": 4, "kostenlos": "1"})
    # Districts leave their own filter out, keep age and cost.
    assert _counts(response, "sozialraeume") == {"nord": 2, "sued": 1}
    assert response.context["facetten"]["kostenlos"].n == 3
    assert response.context["facetten"]["barrierefrei"].n == 1
    assert _counts(response, "lebensphasen") == {"krippe": 0, "kita": 3, "grundschule": 0}
    response = client.get(LIST, {"sozialraum": "nord"})
    assert _counts(response, "sozialraeume") == {"nord": 3, "sued": 1}
    assert _counts(response, "handlungsfelder") == {
        "sprache-und-bildung": 2,
        "sport-und-freizeit": 1,
    }
    assert _counts(response, "sprachen") == {"deutsch": 3, "arabisch": 0}
    assert response.context["facetten"]["kostenlos"].n == 2
    assert _counts(response, "wochentage")["0"] == 1
    assert _counts(response, "wochentage")["1"] == 0  # the Tuesday offer is in Süd
    assert _counts(response, "tageszeiten") == {"vormittags": 1, "nachmittags": 0, "abends": 1}
    response = client.get(LIST, {"tag": "2"})
    assert _counts(response, "tageszeiten") == {"vormittags": 0, "nachmittags": 0, "abends": 1}
    assert _counts(response, "wochentage")["0"] == 1  # its own group stays open


@pytest.mark.parametrize(
    "params",
    [{"alter": 4, "kostenlos": "1"}, {"sozialraum": "nord", "barrierefrei": "1", "alter": 4}, {}],
)
def test_each_count_is_the_number_of_results_that_choosing_it_gives(client, stadt, params):
    """The facet counts, however the statement computes them (a lateral join on PostgreSQL
    with two filter groups or more, a plain join otherwise), against the searches themselves."""
    response = client.get(LIST, params)
    for facette, param in [
        ("lebensphasen", "phase"), ("handlungsfelder", "thema"),
        ("sprachen", "angebotssprache"), ("wochentage", "tag"), ("tageszeiten", "zeit"),
    ]:  # fmt: skip
        for value, n in _counts(response, facette).items():
            gewaehlt = client.get(LIST, {**params, param: value})
            assert gewaehlt.context["page"].paginator.count == n, (facette, value)
    assert response.context["page"].paginator.count == len(_alle_titel(client, params))


def _alle_titel(client, params) -> list[str]:
    titel, seite = [], 1
    while True:
        response = client.get(LIST, {**params, "page": seite})
        titel += [a.title for a in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return titel
        seite += 1


def test_internal_offers_are_never_shown(client, stadt):
    assert "Fallbesprechung" not in _titel(client.get(LIST))
    assert client.get(_detail(stadt.intern)).status_code == 404


def test_an_offer_not_confirmed_for_a_year_is_marked_and_after_two_hidden(client, stadt):
    response = client.get(LIST)
    assert "Elterncafé" in _titel(response)
    assert "Krabbelgruppe" not in _titel(response)
    assert response.text.count("seit über einem Jahr nicht bestätigt") == 1
    assert "seit über einem Jahr nicht bestätigt" in client.get(_detail(stadt.alt)).text
    assert "nicht bestätigt" not in client.get(_detail(stadt.kurs)).text
    assert client.get(_detail(stadt.weg)).status_code == 404


def test_the_periods_are_settings(client, stadt, settings):
    settings.WEGWEISER_MARKIEREN_TAGE = 5
    settings.WEGWEISER_AUSBLENDEN_TAGE = 100
    response = client.get(LIST)
    assert _titel(response) == {"Deutschkurs für Kinder", "Sprachspiele", "Fußball"}
    assert response.text.count("seit über 5 Tagen nicht bestätigt") == 3


def test_the_contact_person_appears_only_with_consent(client, stadt):
    person = PersonFactory(organisation=stadt.org, email="erika@fz.example", phone="01234 5678")
    Angebot.objects.filter(pk=stadt.kurs.pk).update(contact=person)
    page = client.get(_detail(stadt.kurs)).text
    assert "erika@fz.example" not in page and "Muster" not in page
    assert "info@fz.example" in page  # the organisation's own address is public
    consent = Einwilligung.objects.create(person=person, purpose="verzeichnis", method="formular")
    assert "erika@fz.example" in client.get(_detail(stadt.kurs)).text
    Einwilligung.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    assert "erika@fz.example" not in client.get(_detail(stadt.kurs)).text
    # Consent to something else is no consent to the guide.
    Einwilligung.objects.create(person=person, purpose="newsletter", method="formular")
    assert "erika@fz.example" not in client.get(_detail(stadt.kurs)).text


def test_an_offer_in_english_where_translated_else_german_with_a_note(client, stadt):
    Angebotsuebersetzung.objects.create(
        angebot=stadt.kurs, sprache="en", title="German for children", description="Play and learn."
    )
    response = client.get(LIST, {"sprache": "en"})
    assert '<html lang="en">' in response.text
    assert response["Content-Language"] == "en"
    assert "German for children" in response.text
    assert "Deutschkurs für Kinder" not in response.text
    assert (
        f'<a href="/wegweiser/{stadt.spiele.uuid}/?sprache=en" lang="de">Sprachspiele</a>'
        in response.text
    )
    assert "Only available in German" in response.text
    assert "Services found: 4" in response.text
    assert '<input type="hidden" name="sprache" value="en">' in response.text
    page = client.get(_detail(stadt.kurs, "en")).text
    assert "Play and learn." in page and "Only available in German" not in page
    assert "Only available in German" in client.get(_detail(stadt.spiele, "en")).text


def test_arabic_pages_are_right_to_left_and_the_rest_of_the_portal_stays_german(client, stadt):
    page = client.get(LIST, {"sprache": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "متوفر باللغة الألمانية فقط" in page
    assert 'lang="uk"' in page and "Українська" in page  # the language switch
    assert '<html lang="ar" dir="rtl">' in client.get(_detail(stadt.kurs, "ar")).text
    other = client.get(reverse("akteure:angebot-list")).text
    assert '<html lang="de">' in other


@pytest.mark.parametrize(
    "sprache, gefunden, nur_deutsch",
    [
        ("tr", "Bulunan hizmetler: 4", "Yalnızca Almanca mevcut"),
        ("uk", "Знайдено пропозицій: 4", "Доступно лише німецькою"),
    ],
)
def test_turkish_and_ukrainian_have_their_catalogue(client, stadt, sprache, gefunden, nur_deutsch):
    page = client.get(LIST, {"sprache": sprache}).text
    assert f'<html lang="{sprache}">' in page
    assert gefunden in page and nur_deutsch in page


def test_leichte_sprache_shows_the_plain_summary(client, stadt):
    Angebot.objects.filter(pk=stadt.kurs.pk).update(
        leichte_sprache="Hier lernen Kinder Deutsch. Es kostet nichts."
    )
    page = client.get(_detail(stadt.kurs, "leicht")).text
    assert "Hier lernen Kinder Deutsch. Es kostet nichts." in page
    assert "Wann ist das?" in page
    assert "Noch nicht in Leichter Sprache." in client.get(_detail(stadt.spiele, "leicht")).text
    assert "Hier lernen Kinder" not in client.get(_detail(stadt.kurs)).text


def test_a_shared_link_with_unknown_values_still_shows_the_rest(client, stadt):
    response = client.get(LIST, {"sozialraum": "gibt-es-nicht", "alter": "vier", "sprache": "xx"})
    assert response.status_code == 200
    assert '<html lang="de">' in response.text
    assert len(_titel(response)) == 4


def test_back_to_the_search_returns_to_the_same_results(client, stadt):
    """A parent who filtered, opened an offer and goes back finds the same results, page and
    language: the result link carries the search, the offer's page leads back with it (and
    with nothing else the address held)."""
    from urllib.parse import parse_qs, urlsplit

    suche = {"alter": "4", "sozialraum": ["nord", "sued"], "kostenlos": "1", "sprache": "ar"}
    liste = client.get(LIST, suche)
    link = _href(liste.text, "Deutschkurs für Kinder")
    teile = urlsplit(link)
    assert teile.path == reverse("wegweiser:angebot-detail", kwargs={"uuid": stadt.kurs.uuid})
    assert parse_qs(teile.query) == {k: v if isinstance(v, list) else [v] for k, v in suche.items()}

    detail = client.get(f"{link}&fremd=1&utm_source=x&q={'x' * 101}")
    assert detail.status_code == 200
    assert '<html lang="ar" dir="rtl">' in detail.text  # still the page in Arabic
    zurueck = _href(detail.text, "العودة إلى البحث")
    teile = urlsplit(zurueck)
    assert teile.path == LIST
    assert parse_qs(teile.query) == parse_qs(urlsplit(link).query)
    assert _titel(client.get(zurueck)) == _titel(liste)

    # Without a search the way back is the plain guide.
    assert _href(client.get(_detail(stadt.kurs)).text, "Zurück zur Suche") == LIST


def _href(html: str, text: str) -> str:
    """The address of the one link whose text is `text`."""
    import re
    from html import unescape

    treffer = re.findall(rf'<a\b[^>]*\bhref="([^"]*)"[^>]*>\s*{re.escape(text)}\s*</a>', html)
    assert len(treffer) == 1, treffer
    return unescape(treffer[0])


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_results(
    client, stadt, django_assert_max_num_queries
):
    params = {"alter": 4, "kostenlos": "1", "sprache": "en", "tag": "0"}
    few = _queries(client, params)
    for i in range(30):
        a = AngebotFactory(organisation=stadt.org, title=f"Kurs {i}", sozialraum=stadt.nord)
        a.lebensphasen.set([stadt.kita])
        a.sprachen.set([stadt.deutsch, stadt.arabisch])
        Angebotszeit.objects.create(angebot=a, wochentag=0, beginn=time(9), ende=time(10))
        Angebotsuebersetzung.objects.create(angebot=a, sprache="en", title=f"Course {i}")
    with django_assert_max_num_queries(few):
        response = client.get(LIST, params)
    assert len(response.context["page"].object_list) == 20
    # Vocabularies, facet statement, the page's rows, their phases and times, the map.
    assert few <= 5


def test_a_result_shows_its_phases_in_their_order_an_inactive_one_too_and_its_times(client, stadt):
    Angebot.objects.filter(pk=stadt.spiele.pk).update(cost="ermaessigt", barrierefrei=True)
    stadt.spiele.lebensphasen.set([stadt.schule, stadt.krippe, stadt.kita])
    Lebensphase.objects.filter(pk=stadt.krippe.pk).update(active=False)
    Angebotszeit.objects.create(angebot=stadt.spiele, wochentag=0, beginn=time(9), ende=time(10))
    Angebotszeit.objects.create(angebot=stadt.spiele, wochentag=1, beginn=time(9), ende=time(10))
    response = client.get(LIST, {"q": "Sprachspiele"})
    assert [o.value for o in response.context["facetten"]["lebensphasen"].options] == [
        "kita", "grundschule"
    ]  # fmt: skip
    treffer = response.text.split('class="card mb-2 treffer"')[1]
    phasen = "0-3 Jahre, 3-6 Jahre (Kita), 6-10 Jahre (Grundschule)"
    assert f"{phasen} · Beitrag, Ermäßigung möglich · barrierefrei</p>" in treffer
    assert "Montag 09:00–10:00; Dienstag 09:00–10:00; Dienstag 15:00–16:00</p>" in treffer
    assert "Familienzentrum Nord · Süd</p>" in treffer  # the offer's district, not its owner's
    assert f'href="/wegweiser/{stadt.spiele.uuid}/?q=Sprachspiele"' in treffer  # with the search
    turkish = client.get(LIST, {"q": "Sprachspiele", "sprache": "tr"}).text
    assert "Pazartesi 09:00–10:00" in turkish and "Pazartesi (" in turkish


def test_pages_follow_the_title_order_and_a_page_out_of_range_gives_the_last(client, stadt):
    for i in range(23):
        a = AngebotFactory(organisation=stadt.org, title=f"Kurs {i:02}", sozialraum=stadt.sued)
        a.lebensphasen.set([stadt.schule])
    params = {"alter": 7, "sozialraum": "sued"}
    erste = client.get(LIST, params).context["page"]
    zweite = client.get(LIST, {**params, "page": 2}).context["page"]
    assert [a.title for a in erste.object_list] == [f"Kurs {i:02}" for i in range(20)]
    assert [a.title for a in zweite.object_list] == ["Kurs 20", "Kurs 21", "Kurs 22"]
    assert (erste.paginator.count, erste.paginator.num_pages) == (23, 2)
    weg = client.get(LIST, {**params, "page": 99}).context["page"]
    assert weg.number == 2 and [a.title for a in weg.object_list] == [
        "Kurs 20",
        "Kurs 21",
        "Kurs 22",
    ]
    assert client.get(LIST, {**params, "page": "x"}).context["page"].number == 1


def test_a_search_lists_title_matches_first(client, stadt):
    from django.db import connection

    AngebotFactory(organisation=stadt.org, title="Aaa Treff", description="Mit Zaubershow.")
    AngebotFactory(organisation=stadt.org, title="Zaubershow", description="Für alle.")
    titel = [a.title for a in client.get(LIST, {"q": "Zaubershow"}).context["page"].object_list]
    if connection.vendor == "postgresql":  # ranked: the title weighs more
        assert titel == ["Zaubershow", "Aaa Treff"]
    else:  # SQLite's fallback has no rank: by title
        assert titel == ["Aaa Treff", "Zaubershow"]


def _angebot_daten(stadt) -> dict:
    return {
        "title": "Sprachspiele",
        "lebensphasen": [stadt.kita.pk],
        "handlungsfelder": [stadt.sprache.pk],
        "cost": "kostenlos",
    }


def test_the_owner_adds_times_translations_and_plain_text_on_the_edit_page(client, stadt):
    user = UserFactory(rollen=["Partner"])
    PersonFactory(organisation=stadt.org, user=user)
    client.force_login(user)
    url = reverse("akteure:angebot-edit", kwargs={"slug": stadt.spiele.slug})
    form = client.get(url).context
    assert form["zusatz"] is not None
    data = {
        **_angebot_daten(stadt),
        "is_public": "on",
        "barrierefrei": "on",
        "leichte_sprache": "Wir spielen mit Wörtern.",
        "zeiten-TOTAL_FORMS": "3",
        "zeiten-INITIAL_FORMS": "1",
        "zeiten-MIN_NUM_FORMS": "0",
        "zeiten-MAX_NUM_FORMS": "14",
        "zeiten-0-id": str(stadt.spiele.zeiten.get().pk),
        "zeiten-0-wochentag": "1",
        "zeiten-0-beginn": "15:00",
        "zeiten-0-ende": "16:00",
        "zeiten-0-DELETE": "on",
        "zeiten-1-wochentag": "4",
        "zeiten-1-beginn": "09:30",
        "zeiten-1-ende": "11:00",
        "ue-ar-title": "ألعاب لغوية",
        "ue-ar-description": "نلعب بالكلمات.",
        "ue-en-title": "",
    }
    response = client.post(url, {**data, "zeiten-1-ende": "09:00"})
    assert response.status_code == 400
    assert "Das Ende muss nach dem Beginn liegen." in response.text
    assert stadt.spiele.zeiten.count() == 1
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    angebot = Angebot.objects.get(pk=stadt.spiele.pk)
    assert angebot.barrierefrei and angebot.leichte_sprache == "Wir spielen mit Wörtern."
    assert [(z.wochentag, z.beginn) for z in angebot.zeiten.all()] == [(4, time(9, 30))]
    assert angebot.uebersetzungen.get().title == "ألعاب لغوية"
    assert angebot.confirmed_at > timezone.now() - timedelta(minutes=1)
    assert "ألعاب لغوية" in client.get(_detail(angebot, "ar")).text
    # An empty heading removes the translation again.
    client.post(
        url,
        {
            **data,
            "zeiten-TOTAL_FORMS": "0",
            "zeiten-INITIAL_FORMS": "0",
            "ue-ar-title": "",
            "ue-ar-description": "",
        },
    )
    assert not angebot.uebersetzungen.exists()


def test_a_description_without_heading_is_refused(client, stadt):
    user = UserFactory(rollen=["Partner"])
    PersonFactory(organisation=stadt.org, user=user)
    client.force_login(user)
    url = reverse("akteure:angebot-edit", kwargs={"slug": stadt.spiele.slug})
    response = client.post(
        url,
        {
            **_angebot_daten(stadt),
            "zeiten-TOTAL_FORMS": "0",
            "zeiten-INITIAL_FORMS": "0",
            "ue-tr-description": "Kelimelerle oynuyoruz.",
        },
    )
    assert response.status_code == 400
    assert "Bitte geben Sie auch eine Überschrift an." in response.text
    assert not Angebotsuebersetzung.objects.exists()


def test_the_demo_shows_every_part_of_the_guide(client, settings, db):
    from django.core.management import call_command

    from akteure.wegweiser import demo
    from netzwerk.models import User

    settings.DEBUG = True  # demo data is for development only
    call_command("demo_data", quiet=True)
    demo.build({u.email.split("@")[0]: u for u in User.objects.all()})
    demo.build({})  # a second run changes nothing it made
    response = client.get(LIST, {"alter": 4, "sozialraum": "nord", "kostenlos": "1"})
    assert "Deutschkurs für Kita-Kinder" in _titel(response)
    kurs = Angebot.objects.get(slug=demo.KURS_SLUG)
    assert kurs.uebersetzungen.count() == 4 and kurs.zeiten.count() == 2
    assert (
        Angebotsuebersetzung.objects.exclude(angebot=kurs).values("angebot").distinct().count() >= 3
    )
    assert Angebot.objects.exclude(leichte_sprache="").count() >= 5
    assert Angebot.objects.filter(barrierefrei=True).count() >= 10
    assert Angebotszeit.objects.values("angebot").distinct().count() == Angebot.objects.count()
    whole = client.get(LIST)
    assert "seit über einem Jahr nicht bestätigt" in whole.text
    assert whole.context["page"].paginator.count < Angebot.objects.public().count()  # some hidden
    assert "نلعب" not in client.get(_detail(kurs, "ar")).text
    assert "دورة ألمانية لأطفال الروضة" in client.get(_detail(kurs, "ar")).text


def test_a_post_without_times_and_translations_leaves_them_as_they_are(client, stadt):
    user = UserFactory(rollen=["Partner"])
    PersonFactory(organisation=stadt.org, user=user)
    client.force_login(user)
    Angebotsuebersetzung.objects.create(angebot=stadt.spiele, sprache="en", title="Word games")
    url = reverse("akteure:angebot-edit", kwargs={"slug": stadt.spiele.slug})
    assert client.post(url, _angebot_daten(stadt)).status_code == 302
    assert stadt.spiele.zeiten.count() == 1
    assert stadt.spiele.uebersetzungen.get().title == "Word games"
