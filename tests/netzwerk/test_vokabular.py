"""Vocabularies maintained on portal pages: add, rename, reorder, deactivate, merge, delete."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from akteure.filters import AngebotFilter
from akteure.forms import AngebotForm, OrganisationForm
from akteure.models import Angebot, Organisation, Organisationstyp
from foren.forms import BeitragForm, ForumForm
from netzwerk import vokabular
from netzwerk.models import (
    Handlungsfeld,
    Lebensphase,
    Querschnittsthema,
    Sozialraum,
    Sprache,
    Zielgruppe,
)
from netzwerk.vokabular import (
    ARTEN,
    term_create,
    term_delete,
    term_merge,
    term_move,
    term_toggle,
    term_update,
    usage_count,
    verwendungen,
)

from ..factories import (
    AngebotFactory,
    BeitragFactory,
    ForumFactory,
    HandlungsfeldFactory,
    OrganisationFactory,
    OrganisationstypFactory,
    SozialraumFactory,
)

pytestmark = pytest.mark.django_db


def _phase(name: str, position: int = 0, **extra) -> Lebensphase:
    return Lebensphase.objects.create(name=name, slug=name.lower(), position=position, **extra)


def _left_on(term) -> dict[str, int]:
    """Every row of any model (history included) that still points at `term`."""
    left = {}
    for v in verwendungen(type(term), history=True):
        n = v.model._base_manager.filter(**{v.field.name: term.pk}).count()
        if n:
            left[f"{v.model._meta.label}.{v.field.name}"] = n
    return left


# --- Merge --------------------------------------------------------------------------------------


def test_merging_life_phases_moves_every_offer_and_entry_and_keeps_double_tags_once():
    alt, neu = _phase("Kleinkind"), _phase("0-3 Jahre")
    nur_alt = AngebotFactory(lebensphasen=[alt])
    beide = AngebotFactory(lebensphasen=[alt, neu])
    nur_neu = AngebotFactory(lebensphasen=[neu])
    beitrag = BeitragFactory()
    beitrag.lebensphasen.set([alt])  # with a history row of the many-to-many field
    before = {a.pk for a in Angebot.objects.filter(lebensphasen__in=[alt, neu])}
    assert usage_count(alt) == 3 and usage_count(neu) == 2

    bewegt = term_merge(source=alt, target=neu)

    assert not Lebensphase.objects.filter(pk=alt.pk).exists()
    assert bewegt == {"Angebote": 1, "Beiträge": 1}  # the double tag was dropped, not moved
    assert {a.pk for a in Angebot.objects.filter(lebensphasen=neu)} == before
    assert list(nur_alt.lebensphasen.all()) == [neu]
    assert list(beide.lebensphasen.all()) == [neu]
    assert list(nur_neu.lebensphasen.all()) == [neu]
    assert list(beitrag.lebensphasen.all()) == [neu]
    # 3 + 2 uses before, one record had both: 4 after.
    assert usage_count(neu) == 4
    assert _left_on(alt) == {}


def test_merging_moves_foreign_keys_and_many_to_many_fields_of_several_models():
    # Fields of action: Forum.handlungsfeld (protected foreign key), Angebot.handlungsfelder.
    alt_feld, neu_feld = HandlungsfeldFactory(name="Bildung"), HandlungsfeldFactory(name="Sprache")
    forum = ForumFactory(handlungsfeld=alt_feld)
    angebot = AngebotFactory(handlungsfelder=[alt_feld])
    # Districts: Organisation.sozialraum (a hidden relation, related_name="+") and Angebot.
    alt_raum, neu_raum = SozialraumFactory(name="Nord"), SozialraumFactory(name="Nordstadt")
    organisation = OrganisationFactory(sozialraum=alt_raum)
    angebot.sozialraum = alt_raum
    angebot.save()
    # Organisation types (akteure, PROTECT, related_name="+"), cross-cutting themes, target
    # groups and languages.
    alt_typ, neu_typ = OrganisationstypFactory(name="KiTa"), OrganisationstypFactory(name="Kita")
    organisation.typ = alt_typ
    organisation.save()
    alt_thema = Querschnittsthema.objects.create(name="Gender", slug="gender")
    neu_thema = Querschnittsthema.objects.create(name="Gleichstellung", slug="gleichstellung")
    forum.themen.set([alt_thema, neu_thema])
    alt_gruppe = Zielgruppe.objects.create(name="Eltern", slug="eltern")
    neu_gruppe = Zielgruppe.objects.create(name="Familien", slug="familien")
    alt_sprache = Sprache.objects.create(name="Türkce", slug="tuerkce", code="tr")
    neu_sprache = Sprache.objects.create(name="Türkisch", slug="tuerkisch", code="tr")
    angebot.zielgruppen.set([alt_gruppe])
    angebot.sprachen.set([alt_sprache, neu_sprache])
    pairs = [
        (alt_feld, neu_feld),
        (alt_raum, neu_raum),
        (alt_typ, neu_typ),
        (alt_thema, neu_thema),
        (alt_gruppe, neu_gruppe),
        (alt_sprache, neu_sprache),
    ]
    totals = {alt: usage_count(alt) + usage_count(neu) for alt, neu in pairs}
    assert totals[alt_feld] == 2 and totals[alt_raum] == 2 and totals[alt_typ] == 1

    for alt, neu in pairs:
        term_merge(source=alt, target=neu)

    forum.refresh_from_db()
    angebot.refresh_from_db()
    organisation.refresh_from_db()
    assert forum.handlungsfeld == neu_feld
    assert list(angebot.handlungsfelder.all()) == [neu_feld]
    assert organisation.sozialraum == neu_raum and angebot.sozialraum == neu_raum
    assert organisation.typ == neu_typ
    assert list(forum.themen.all()) == [neu_thema]
    assert list(angebot.zielgruppen.all()) == [neu_gruppe]
    assert list(angebot.sprachen.all()) == [neu_sprache]
    for alt, neu in pairs:
        assert not type(alt).objects.filter(pk=alt.pk).exists()
        assert _left_on(alt) == {}, alt
        doubles = 1 if alt in (alt_thema, alt_sprache) else 0  # forum/offer had both
        assert usage_count(neu) == totals[alt] - doubles, alt
    # The change history follows too: no history row names a term that is gone.
    assert not Organisation.history.filter(sozialraum_id=alt_raum.pk).exists()
    assert Organisation.history.filter(typ_id=neu_typ.pk).exists()


def test_a_term_cannot_be_merged_into_itself():
    phase = _phase("Kita")
    angebot = AngebotFactory(lebensphasen=[phase])
    with pytest.raises(ValidationError) as error:
        term_merge(source=phase, target=phase)
    assert "nicht mit sich selbst zusammengeführt" in error.value.messages[0]
    assert list(angebot.lebensphasen.all()) == [phase]


def test_terms_of_different_vocabularies_are_not_merged():
    with pytest.raises(ValidationError, match="derselben Liste"):
        term_merge(source=_phase("Kita"), target=HandlungsfeldFactory())


def test_the_merge_page_moves_everything_and_says_where(client_as, welt):
    alt, neu = _phase("Kleinkind"), _phase("0-3 Jahre")
    welt.angebot_public.lebensphasen.set([alt])
    client = client_as("koordination")
    response = client.post(
        reverse("netzwerk:vokabular-merge", args=["lebensphasen", alt.pk]),
        {"ziel": neu.pk, "bestaetigt": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(
        reverse("netzwerk:vokabular", args=["lebensphasen"])
    )
    assert "„Kleinkind“ ist mit „0-3 Jahre“ zusammengeführt (Angebote: 1)" in response.text
    assert list(welt.angebot_public.lebensphasen.all()) == [neu]


def test_the_merge_page_refuses_the_term_itself_in_german(client_as, welt):
    phase = _phase("Kita")
    client = client_as("koordination")
    url = reverse("netzwerk:vokabular-merge", args=["lebensphasen", phase.pk])
    response = client.post(url, {"ziel": phase.pk, "bestaetigt": "on"}, follow=True)
    assert "kann nicht mit sich selbst zusammengeführt werden" in response.text
    assert Lebensphase.objects.filter(pk=phase.pk).exists()
    # Without the confirmation nothing happens either.
    other = _phase("Schule")
    response = client.post(url, {"ziel": other.pk}, follow=True)
    assert "Bitte bestätigen Sie das Zusammenführen." in response.text
    assert Lebensphase.objects.filter(pk=phase.pk).exists()


# --- Delete -------------------------------------------------------------------------------------


def test_a_used_term_is_not_deleted_and_the_message_says_how_often():
    feld = HandlungsfeldFactory(name="Gesundheit")
    ForumFactory(handlungsfeld=feld)
    AngebotFactory(handlungsfelder=[feld])
    AngebotFactory(handlungsfelder=[feld])
    with pytest.raises(ValidationError) as error:
        term_delete(term=feld)
    message = error.value.messages[0]
    assert "„Gesundheit“ wird noch 3-mal verwendet" in message
    assert "Angebote: 2" in message and "Foren: 1" in message
    assert Handlungsfeld.objects.filter(pk=feld.pk).exists()


def test_an_unused_term_is_deleted(client_as, welt):
    raum = SozialraumFactory(name="Weiden")
    response = client_as("koordination").post(
        reverse("netzwerk:vokabular-delete", args=["sozialraeume", raum.pk]), follow=True
    )
    assert "„Weiden“ ist gelöscht." in response.text
    assert not Sozialraum.objects.filter(pk=raum.pk).exists()


def test_the_delete_page_refuses_a_used_term_in_german(client_as, welt):
    feld = welt.forum_public.handlungsfeld
    response = client_as("koordination").post(
        reverse("netzwerk:vokabular-delete", args=["handlungsfelder", feld.pk]), follow=True
    )
    assert "wird noch 1-mal verwendet (Foren: 1) und kann nicht gelöscht werden" in response.text
    assert Handlungsfeld.objects.filter(pk=feld.pk).exists()


# --- Deactivated terms in forms -----------------------------------------------------------------


def test_a_deactivated_term_is_hidden_in_new_forms_and_kept_on_old_records(welt):
    aktiv, alt = _phase("Kita", 10), _phase("Krippe", 20)
    angebot = welt.angebot_public
    angebot.lebensphasen.set([alt])
    term_toggle(term=alt)
    assert alt.active is False

    neu = AngebotForm(organisation=welt.organisation)
    assert list(neu.fields["lebensphasen"].queryset) == [aktiv]
    bearbeiten = AngebotForm(instance=angebot, organisation=welt.organisation)
    assert list(bearbeiten.fields["lebensphasen"].queryset) == [aktiv, alt]
    assert "Krippe (nicht mehr aktiv)" in str(bearbeiten["lebensphasen"])
    # Saving the old record keeps it; a new record cannot pick it.
    feld = HandlungsfeldFactory()
    data = {
        "title": "Spielgruppe",
        "cost": "kostenlos",
        "lebensphasen": [alt.pk],
        "handlungsfelder": [feld.pk],
    }
    form = AngebotForm(data, instance=angebot, organisation=welt.organisation)
    assert form.is_valid(), form.errors
    form = AngebotForm(data, organisation=welt.organisation)
    assert not form.is_valid() and "lebensphasen" in form.errors


def test_deactivated_terms_of_forums_entries_organisations_and_filters(welt):
    alt_feld = welt.forum_public.handlungsfeld
    term_toggle(term=alt_feld)
    assert alt_feld not in ForumForm().fields["handlungsfeld"].queryset
    assert alt_feld in ForumForm(instance=welt.forum_public).fields["handlungsfeld"].queryset

    phase = _phase("Krippe")
    beitrag = BeitragFactory(forum=welt.forum_public)
    beitrag.lebensphasen.set([phase])
    term_toggle(term=phase)
    assert phase not in BeitragForm().fields["lebensphasen"].queryset
    assert phase in BeitragForm(instance=beitrag).fields["lebensphasen"].queryset

    raum = SozialraumFactory(name="Altstadt")
    welt.organisation.sozialraum = raum
    welt.organisation.save()
    term_toggle(term=raum)
    assert raum not in OrganisationForm().fields["sozialraum"].queryset
    assert raum in OrganisationForm(instance=welt.organisation).fields["sozialraum"].queryset

    # A filter offers active terms; an old link to the inactive one still finds its records.
    assert raum not in AngebotFilter({}).form.fields["sozialraum"].queryset
    from django.http import QueryDict

    alt_link = AngebotFilter(QueryDict(f"sozialraum={raum.pk}"), queryset=Angebot.objects.all())
    assert alt_link.is_valid()


def test_a_reactivated_term_is_offered_again():
    phase = _phase("Kita")
    term_toggle(term=phase)
    term_toggle(term=phase)
    assert Lebensphase.objects.get(pk=phase.pk).active
    assert phase in BeitragForm().fields["lebensphasen"].queryset


# --- Create, rename, order ----------------------------------------------------------------------


def test_a_new_term_goes_to_the_end_of_the_list_not_the_top():
    for position, name in enumerate(["Schwangerschaft", "Krippe", "Kita"]):
        _phase(name, position)  # old data: positions 0, 1, 2
    neu = term_create(model=Lebensphase, name="Grundschule")
    assert neu.position == 12
    assert neu.slug == "grundschule"
    assert list(Lebensphase.objects.values_list("name", flat=True))[-1] == "Grundschule"
    assert list(BeitragForm().fields["lebensphasen"].queryset)[-1] == neu
    # An empty list starts at 10.
    assert term_create(model=Sprache, name="Deutsch", code="de").position == 10


def test_slugs_are_made_from_the_name_and_stay_unique():
    Lebensphase.objects.create(name="Kita alt", slug="kita", position=1)
    neu = term_create(model=Lebensphase, name="Kita")
    assert neu.slug == "kita-2"
    assert term_create(model=Sprache, name="Türkisch").slug == "turkisch"


def test_duplicate_names_are_refused_in_any_spelling():
    term_create(model=Handlungsfeld, name="Gesundheit")
    with pytest.raises(ValidationError) as error:
        term_create(model=Handlungsfeld, name="  gesundheit ")
    assert "„gesundheit“ gibt es unter Handlungsfelder schon (als „Gesundheit“)" in str(
        error.value.message_dict["name"]
    )
    # The same name in another vocabulary is fine.
    term_create(model=Zielgruppe, name="Gesundheit")
    other = term_create(model=Handlungsfeld, name="Sport")
    with pytest.raises(ValidationError, match="gibt es unter Handlungsfelder schon"):
        term_update(term=other, name="GESUNDHEIT")
    term_update(term=other, name="Sport und Freizeit")
    other.refresh_from_db()
    assert other.name == "Sport und Freizeit" and other.slug == "sport"  # addresses stay


def test_the_list_page_refuses_a_duplicate_in_german_and_keeps_the_input(client_as, welt):
    term_create(model=Organisationstyp, name="Kita")
    response = client_as("koordination").post(
        reverse("netzwerk:vokabular", args=["organisationstypen"]), {"name": "KITA"}
    )
    assert response.status_code == 400
    assert "„KITA“ gibt es unter Organisationstypen schon (als „Kita“)" in response.text
    assert 'value="KITA"' in response.text
    assert Organisationstyp.objects.filter(name__iexact="kita").count() == 1


def test_the_list_page_adds_a_term_at_the_end(client_as, welt):
    _phase("Kita", 5)
    response = client_as("koordination").post(
        reverse("netzwerk:vokabular", args=["lebensphasen"]),
        {"name": "Grundschule", "alter_von": "72", "alter_bis": "120"},
        follow=True,
    )
    neu = Lebensphase.objects.get(name="Grundschule")
    assert (neu.position, neu.alter_von, neu.alter_bis) == (15, 72, 120)
    assert "„Grundschule“ ist angelegt und steht am Ende der Liste." in response.text
    assert "6 bis unter 10 Jahre" in response.text
    assert response.text.index("Kita") < response.text.index("Grundschule</th>")


def test_a_life_phase_must_end_after_it_begins(client_as, welt):
    response = client_as("koordination").post(
        reverse("netzwerk:vokabular", args=["lebensphasen"]),
        {"name": "Kita", "alter_von": "72", "alter_bis": "36"},
    )
    assert response.status_code == 400
    assert "Das Alter „bis“ muss größer sein als das Alter „von“." in response.text
    assert not Lebensphase.objects.filter(name="Kita").exists()
    with pytest.raises(ValidationError):
        term_create(model=Lebensphase, name="Kita", alter_von=36, alter_bis=36)


def test_a_language_code_has_two_or_three_letters(client_as, welt):
    url = reverse("netzwerk:vokabular", args=["sprachen"])
    client = client_as("koordination")
    response = client.post(url, {"name": "Türkisch", "code": "türk"})
    assert response.status_code == 400
    assert "Bitte geben Sie den Sprachcode mit zwei" in response.text
    client.post(url, {"name": "Türkisch", "code": "TR"})
    assert Sprache.objects.get(name="Türkisch").code == "tr"


def test_the_edit_page_renames_a_term(client_as, welt):
    raum = SozialraumFactory(name="Nord")
    url = reverse("netzwerk:vokabular-edit", args=["sozialraeume", raum.pk])
    client = client_as("koordination")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Nordstadt"})
    assert response.status_code == 302
    raum.refresh_from_db()
    assert raum.name == "Nordstadt"
    SozialraumFactory(name="Süd")
    response = client.post(url, {"name": "süd"})
    assert response.status_code == 400
    assert "gibt es unter Sozialräume schon" in response.text
    assert "<h1>Nordstadt</h1>" in response.text  # the stored name, not the refused one


def test_terms_move_up_and_down_with_buttons_even_from_equal_positions(client_as, welt):
    a, b, c = _phase("A"), _phase("B"), _phase("C")  # all at position 0 (old data)
    assert term_move(term=c, richtung="hoch")
    assert list(Lebensphase.objects.values_list("name", flat=True)) == ["A", "C", "B"]
    assert not term_move(term=a, richtung="hoch")  # already at the top
    client = client_as("koordination")
    url = reverse("netzwerk:vokabular-move", args=["lebensphasen", a.pk])
    response = client.post(url, {"richtung": "runter"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#term-{a.pk}")
    assert list(Lebensphase.objects.values_list("name", flat=True)) == ["C", "A", "B"]
    response = client.post(
        reverse("netzwerk:vokabular-move", args=["lebensphasen", b.pk]),
        {"richtung": "runter"},
        follow=True,
    )
    assert "„B“ steht schon ganz unten." in response.text


def test_the_toggle_button_deactivates_and_reactivates(client_as, welt):
    raum = SozialraumFactory(name="Weiden")
    client = client_as("koordination")
    url = reverse("netzwerk:vokabular-toggle", args=["sozialraeume", raum.pk])
    response = client.post(url, follow=True)
    assert "„Weiden“ ist deaktiviert" in response.text
    assert "deaktiviert</span>" in response.text
    assert not Sozialraum.objects.get(pk=raum.pk).active
    client.post(url)
    assert Sozialraum.objects.get(pk=raum.pk).active


# --- Pages --------------------------------------------------------------------------------------


def test_the_overview_lists_every_vocabulary_with_its_term_counts(client_as, welt):
    _phase("Kita")
    term_toggle(term=_phase("Krippe"))
    response = client_as("koordination").get(reverse("netzwerk:vokabular-list"))
    assert response.status_code == 200
    for art in ARTEN.values():
        assert reverse("netzwerk:vokabular", args=[art.key]) in response.text
        assert art.name in response.text
    row = response.text.split("Lebensphasen</a>")[1].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in row and '<td class="text-end">1</td>' in row


def test_each_list_shows_how_often_a_term_is_used(client_as, welt):
    feld = welt.forum_public.handlungsfeld
    welt.angebot_public.handlungsfelder.set([feld])
    welt.angebot_intern.handlungsfelder.set([feld])
    response = client_as("koordination").get(
        reverse("netzwerk:vokabular", args=["handlungsfelder"])
    )
    row = response.text.split(f'id="term-{feld.pk}"')[1].split("</tr>")[0]
    assert "3" in row and "Angebote: 2" in row and "Foren: 1" in row


def test_the_list_page_needs_the_same_queries_for_few_and_many_terms(
    client_as, welt, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("koordination")
    url = reverse("netzwerk:vokabular", args=["lebensphasen"])
    welt.angebot_public.lebensphasen.add(_phase("A"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        phase = _phase(f"Phase {i}")
        welt.angebot_public.lebensphasen.add(phase)
        BeitragFactory(forum=welt.forum_public).lebensphasen.add(phase)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.text.count('id="term-') == 16


def test_an_unknown_vocabulary_is_404(client_as, welt):
    response = client_as("koordination").get(reverse("netzwerk:vokabular", args=["farben"]))
    assert response.status_code == 404


def test_only_the_coordination_maintains_vocabularies(client_as, welt):
    raum = SozialraumFactory(name="Weiden")
    for role in ("partner", "moderation", "gremium"):
        response = client_as(role).post(
            reverse("netzwerk:vokabular-delete", args=["sozialraeume", raum.pk])
        )
        assert response.status_code == 404
    assert Sozialraum.objects.filter(pk=raum.pk).exists()


# --- Languages on offers ------------------------------------------------------------------------


def test_an_offer_is_tagged_with_languages_and_its_page_shows_them(client_as, welt):
    deutsch = term_create(model=Sprache, name="Deutsch", code="de")
    arabisch = term_create(model=Sprache, name="Arabisch", code="ar")
    angebot = welt.angebot_public
    angebot.languages = "Plattdeutsch"
    angebot.save()
    client = client_as("partner")
    response = client.post(
        reverse("akteure:angebot-edit", args=[angebot.slug]),
        {
            "title": angebot.title,
            "cost": "kostenlos",
            "sprachen": [deutsch.pk, arabisch.pk],
            "handlungsfelder": [HandlungsfeldFactory().pk],
            "lebensphasen": [_phase("Kita").pk],
            "languages": "Plattdeutsch",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert set(angebot.sprachen.all()) == {deutsch, arabisch}
    page = client.get(reverse("akteure:angebot-detail", args=[angebot.slug])).text
    assert "Deutsch, Arabisch" in page  # in the vocabulary's order: a new term comes last
    assert "weitere Angabe: Plattdeutsch" in page


def test_the_age_range_reads_as_people_say_it():
    assert vokabular.altersspanne(Lebensphase(alter_von=36, alter_bis=72)) == "3 bis unter 6 Jahre"
    assert vokabular.altersspanne(Lebensphase(alter_von=None, alter_bis=0)) == "vor der Geburt"
    assert vokabular.altersspanne(Lebensphase(alter_von=192)) == "ab 16 Jahre"
    assert vokabular.altersspanne(Lebensphase(alter_von=0, alter_bis=18)) == "0 bis unter 18 Monate"
    assert vokabular.altersspanne(Lebensphase()) == ""
