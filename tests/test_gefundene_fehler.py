"""Bugs found when the portal was tried as a new user would (issue 14, part 10), each pinned."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from akteure.forms import organisation_vorschlag
from akteure.models import Person
from foren.models import Beitrag, Forum
from konferenzen.models import Veranstaltung
from netzwerk.berichte import services as bericht_services
from netzwerk.models import Gremium, Sachstandsbericht
from tests.factories import BeitragFactory, ForumFactory, OrganisationFactory, UserFactory
from tests.lesbar import lesbar

pytestmark = pytest.mark.django_db


# --- a. The top bar fits a 1280 px window; Berichte is in the Koordination menu ------------------
def _top_level_labels(page: str) -> list[str]:
    """The labels a person sees in the bar itself (not inside a dropdown)."""
    nav = page[page.index('id="hauptmenue"') : page.index("</nav>")]
    items = re.findall(
        r'<li class="nav-item[^"]*">\s*<(?:a|button) class="nav-link[^"]*"[^>]*>([^<]+)<', nav
    )
    return [label.strip() for label in items]


def test_the_coordinators_bar_is_short_enough_for_1280_pixels_and_folds_below_1200(client_as):
    page = client_as("koordination").get(reverse("netzwerk:dashboard")).content.decode()
    labels = _top_level_labels(page)
    assert labels == ["Foren", "Veranstaltungen", "Konzepte", "Akteure", "Übersicht",
                      "Meine Anmeldungen", "Koordination", "Mein Konto", "Abmelden"]  # fmt: skip
    # About 9 px per character plus 16 px padding per item: 100 characters stay inside the
    # 1116 px a 1280 px window leaves; tests/browser/test_planung.py measures it in Chromium.
    assert sum(len(label) for label in labels) <= 100
    # Below 1200 px the bar folds into the menu button instead of overflowing.
    assert "navbar-expand-xl" in page and 'class="navbar-toggler"' in page


def test_the_directory_links_sit_in_the_akteure_dropdown(client):
    page = client.get(reverse("netzwerk:home")).content.decode()
    for name in ("akteure:organisation-list", "akteure:angebot-list", "akteure:praeventionskette"):
        assert f'<a class="dropdown-item" href="{reverse(name)}">' in page, name
    assert "Akteure</button>" in page


def test_the_koordination_menu_offers_the_reports(client_as):
    page = client_as("koordination").get(reverse("netzwerk:dashboard")).content.decode()
    menu = page.split(">Koordination</button>")[1].split("</ul>")[0]
    assert (
        f'<a class="dropdown-item" href="{reverse("netzwerk:bericht-list")}">Berichte</a>' in menu
    )
    partner = client_as("partner").get(reverse("netzwerk:dashboard")).content.decode()
    assert ">Koordination</button>" not in partner


# --- b. "Bericht erstellen" says what the state is ----------------------------------------------
def _bericht_anfordern(client, welt) -> str:
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    von, bis = bericht_services.standard_zeitraum(timezone.localdate())
    response = client.post(
        reverse("netzwerk:bericht-list"),
        {"gremium": gremium.pk, "period_start": von, "period_end": bis,
         "sections": ["zusammenfassung"]},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_report_rendered_at_once_is_called_ready_not_being_made(client_as, welt):
    """Without a separate worker (the embedded default) the report is done before the page
    comes back: the message must not say "wird erstellt" next to "Status: fertig"."""
    page = _bericht_anfordern(client_as("koordination"), welt)
    assert Sachstandsbericht.objects.get().status == "fertig"
    assert "Status: fertig" in lesbar(page)
    assert "Bericht Nr. 1 ist fertig." in page and "wird erstellt" not in page


def test_a_report_left_to_the_worker_is_called_being_made(client_as, welt, monkeypatch):
    monkeypatch.setattr(bericht_services, "_dispatch", lambda bericht: None)
    page = _bericht_anfordern(client_as("koordination"), welt)
    assert "Bericht Nr. 1 wird erstellt." in page
    assert "Status: wartet auf den Hintergrunddienst" in lesbar(page)


# --- c. The approval preselects the organisation named at sign-up; long lists are searchable ----
def test_the_best_matching_organisation_is_proposed():
    namen = [(1, "Kita Wolke"), (2, "Kita Wolkenburg"), (3, "Grundschule am Park"),
             (4, "Verein Stern e.V.")]  # fmt: skip
    assert organisation_vorschlag("kita wolke", namen) == 1
    assert organisation_vorschlag("Städtische Kita Wolke", namen) == 1
    assert organisation_vorschlag("Grundschule a. Park", namen) == 3
    assert organisation_vorschlag("Verein Stern", namen) == 4
    assert organisation_vorschlag("Jobcenter", namen) is None
    assert organisation_vorschlag("", namen) is None


def test_the_approval_page_preselects_the_named_organisation_out_of_sixty(
    client_as, welt, signed_up_user
):
    for i in range(58):
        OrganisationFactory(name=f"Einrichtung {i:02d}")
    client = client_as("koordination")
    page = client.get(reverse("akteure:freigabe-list")).content.decode()
    prefix = f"u{signed_up_user.pk}-organisation"
    [checked] = re.findall(rf'name="{prefix}" value="(\d+)"\s+id="[^"]+" checked', page)
    assert int(checked) == welt.organisation.pk
    assert "Kita Wolke (passt zur Angabe bei der Registrierung)" in page
    # The long list scrolls in a box with a filter field above it (portal.js).
    assert "auswahlliste" in page
    assert page.count(f'name="{prefix}"') == 61  # 60 organisations and "keine"

    response = client.post(
        reverse("akteure:freigabe-decide", args=[signed_up_user.pk]),
        {f"u{signed_up_user.pk}-decision": "approve", f"u{signed_up_user.pk}-rolle": "Partner",
         prefix: checked},
    )  # fmt: skip
    assert response.status_code == 302
    assert Person.objects.get(user=signed_up_user).organisation == welt.organisation


def test_an_unknown_organisation_is_not_guessed_and_approval_still_asks_for_one(
    client_as, welt, signed_up_user
):
    signed_up_user.organisation_hint = "Ganz woanders"
    signed_up_user.save()
    client = client_as("koordination")
    page = client.get(reverse("akteure:freigabe-list")).content.decode()
    assert "passt zur Angabe bei der Registrierung" not in page
    response = client.post(
        reverse("akteure:freigabe-decide", args=[signed_up_user.pk]),
        {f"u{signed_up_user.pk}-decision": "approve", f"u{signed_up_user.pk}-rolle": "Partner"},
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie die Organisation" in response.content.decode()


def test_the_forum_forms_moderators_are_approved_accounts_in_a_searchable_list(client_as, welt):
    UserFactory(email="noch-nicht@test.example", last_name="Wartende", approved_at=None)
    UserFactory(email="weg@test.example", last_name="Inaktiv", is_active=False)
    page = client_as("koordination").get(reverse("foren:forum-create")).content.decode()
    assert 'id="div_id_moderators" class="mb-3 auswahlliste"' in page
    moderation = page[page.index('id="div_id_moderators"') :]
    assert "partner@test.example" in moderation
    assert "noch-nicht@test.example" not in page and "weg@test.example" not in page


# --- d. The forum's Kürzel is made from its name ---------------------------------------------
def _forum_data(welt, **data) -> dict:
    return {"handlungsfeld": welt.forum_public.handlungsfeld_id, "status": "aktiv",
            "visibility": "public", "slug": "", **data}  # fmt: skip


def test_an_empty_kuerzel_is_made_from_the_name(client_as, welt):
    client = client_as("koordination")
    response = client.post(
        reverse("foren:forum-create"), _forum_data(welt, name="Übergänge & Schule")
    )
    forum = Forum.objects.get(name="Übergänge & Schule")
    assert forum.slug == "uebergaenge-schule"
    assert response["Location"] == forum.get_absolute_url()


def test_a_made_kuerzel_that_is_taken_or_reserved_gets_a_number(client_as, welt):
    ForumFactory(name="Gesundheit", slug="gesundheit")
    client = client_as("koordination")
    client.post(reverse("foren:forum-create"), _forum_data(welt, name="Gesundheit!"))
    client.post(reverse("foren:forum-create"), _forum_data(welt, name="Neu"))
    assert Forum.objects.get(name="Gesundheit!").slug == "gesundheit-2"
    assert Forum.objects.get(name="Neu").slug == "neu-2"


def test_a_typed_kuerzel_is_kept_and_the_form_proposes_it_while_typing(client_as, welt):
    client = client_as("koordination")
    client.post(reverse("foren:forum-create"), _forum_data(welt, name="Sport", slug="forum-sport"))
    assert Forum.objects.get(name="Sport").slug == "forum-sport"
    page = client.get(reverse("foren:forum-create")).content.decode()
    assert 'data-kuerzel-aus="name"' in page and "/static/js/kuerzel.js" in page
    assert "Leer lassen: wird aus dem Namen gebildet." in page


# --- e. A title the collection has already is pointed out ------------------------------------
def test_a_duplicate_title_is_pointed_out_and_created_only_when_confirmed(client_as, welt):
    forum = welt.forum_public
    vorhanden = BeitragFactory(forum=forum, title="Mehr Sprachförderung in Kitas")
    BeitragFactory(forum=welt.forum_other, title="Anderes Forum")
    client = client_as("partner")
    url = reverse("foren:beitrag-create", args=[forum.slug])
    data = {"art": "bedarf", "title": "mehr sprachförderung  in Kitas", "text": "Mein Text"}

    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and Beitrag.objects.filter(forum=forum).count() == 1
    assert "Diesen Titel gibt es in der Sammlung schon" in page
    assert vorhanden.get_absolute_url() in page
    assert "Trotzdem als neuen Beitrag eintragen" in page
    assert "Mein Text" in page, "what was typed stays in the form"

    response = client.post(url, {**data, "trotzdem": "on"})
    assert response.status_code == 302
    assert Beitrag.objects.filter(forum=forum).count() == 2


def test_a_new_title_needs_no_confirmation(client_as, welt):
    BeitragFactory(forum=welt.forum_other, title="Elterncafé")
    client = client_as("partner")
    url = reverse("foren:beitrag-create", args=[welt.forum_public.slug])
    assert "Trotzdem als neuen" not in client.get(url).content.decode()
    response = client.post(url, {"art": "bedarf", "title": "Elterncafé", "text": ""})
    assert response.status_code == 302


# --- f. Calendar links point where the portal was reached ------------------------------------
@pytest.fixture
def treffen(db):
    start = timezone.now() + timedelta(days=5)
    return Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start,
        end=start + timedelta(hours=2), visibility="public",
    )  # fmt: skip


def _urls(content: bytes) -> list[str]:
    return [str(event["url"]) for event in Calendar.from_ical(content).walk("VEVENT")]


def test_calendar_links_use_the_address_the_portal_was_reached_at(client, treffen, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    ort = {"HTTP_HOST": "127.0.0.1:8123"}
    expected = f"http://127.0.0.1:8123/konferenzen/{treffen.pk}/"
    one = client.get(reverse("konferenzen:veranstaltung-ics", args=[treffen.pk]), **ort)
    feed = client.get(reverse("konferenzen:kalender-public"), **ort)
    assert _urls(one.content) == [expected] and _urls(feed.content) == [expected]


def test_calendar_files_in_mails_keep_the_site_url(settings, treffen):
    from konferenzen import ical

    settings.SITE_URL = "https://portal.example"
    assert _urls(ical.kalender([treffen])) == [f"https://portal.example/konferenzen/{treffen.pk}/"]
