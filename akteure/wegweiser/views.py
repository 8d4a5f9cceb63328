"""The family guide's pages: public, no login, in the language the query string names."""

import operator
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from akteure import stand
from akteure.models import Angebot, Angebotszeit
from netzwerk.datenstand import abfrage

from . import selectors, sprachen
from .forms import SucheForm
from .selectors import Suche, Treffer, Vokabular


def _darstellen(angebot: Angebot, sprache: str, markieren_vor) -> Angebot:
    """Which text a family reads: the translation into its language, the Leichte Sprache
    summary, or the German text with a note (`text_lang` marks German inside another page)."""
    angebot.text_titel = angebot.title
    angebot.text_beschreibung = angebot.description
    angebot.titel_lang = angebot.text_lang = ""
    angebot.nur_deutsch = False
    if sprache == sprachen.LEICHT:
        if angebot.leichte_sprache:
            angebot.text_beschreibung = angebot.leichte_sprache
        else:
            angebot.nur_deutsch = True
    elif sprache != sprachen.DEUTSCH:
        if (ue := selectors.uebersetzung(angebot)) is not None:
            angebot.text_titel = ue.title
            angebot.text_beschreibung = ue.description or angebot.description
            angebot.text_lang = "" if ue.description else "de"
        else:
            angebot.nur_deutsch = True
            angebot.titel_lang = angebot.text_lang = "de"
    angebot.veraltet = angebot.confirmed_at < markieren_vor
    return angebot


def _treffer_darstellen(t: Treffer, sprache: str, markieren_vor, such_query: str) -> None:
    """A result row as _darstellen does an offer, and its lines as text, so the list's loop
    body only prints them: the names of life phases, weekdays and costs translated here, in
    the page's language (selectors.uebersetzt)."""
    t.text_titel, t.titel_lang, t.nur_deutsch = t.title, "", False
    if sprache == sprachen.LEICHT:
        t.nur_deutsch = not t.hat_leichte_sprache
    elif sprache != sprachen.DEUTSCH:
        if t.uebersetzung is not None:
            t.text_titel = t.uebersetzung
        else:
            t.nur_deutsch = True
            t.titel_lang = "de"
    t.veraltet = t.confirmed_at < markieren_vor
    t.url = reverse("wegweiser:angebot-detail", args=[t.uuid]) + such_query
    t.phasen = ", ".join(selectors.uebersetzt(name) for name in t.lebensphasen)
    t.kosten = KOSTEN[t.cost]
    t.termine = "; ".join(
        f"{WOCHENTAGE[tag]} {beginn:%H:%M}–{ende:%H:%M}" for tag, beginn, ende in t.zeiten
    )


KOSTEN = dict(Angebot.Kosten.choices)
WOCHENTAGE = dict(Angebotszeit.Wochentag.choices)


def _link_sozialraum(request: HttpRequest):
    """The map's link for a district: the same search, in that district only."""

    def link(sozialraum) -> str:
        params = request.GET.copy()
        params.setlist("sozialraum", [sozialraum.slug])
        params.pop("page", None)
        return f"{request.path}?{params.urlencode()}"

    return link


def _karte(request: HttpRequest, orte: dict[int, int], suche: Suche, vok: Vokabular) -> str:
    """The district map (akteure.karten, when it is there): offers per district, the chosen
    one highlighted. Without it the guide works as a list alone."""
    try:
        from akteure.karten import wegweiser_karte
    except (ImportError, AttributeError):
        return ""
    gewaehlt = None
    if len(suche.sozialraeume) == 1:
        gewaehlt = next((s.pk for s in vok.sozialraeume if s.slug == suche.sozialraeume[0]), None)
    return wegweiser_karte(orte, gewaehlt, _link_sozialraum(request))


SUCHWERT_LAENGE = SucheForm.base_fields["q"].max_length  # the longest value the form takes


def _such_query(request: HttpRequest) -> str:
    """The search a family came from, as a query string ("" for none): the result links carry
    it to the offer's page, whose "Zurück zur Suche" leads back to the same results."""
    params = [
        (name, wert)
        for name in request.GET
        if name in SucheForm.PARAMETER
        for wert in request.GET.getlist(name)
        if len(wert) <= SUCHWERT_LAENGE  # no value the form would accept is longer
    ]
    return f"?{urlencode(params)}" if params else ""


def _context(request: HttpRequest, sprache: str) -> dict:
    return {
        "sprache": sprache,
        "leicht": sprache == sprachen.LEICHT,
        "sprachen": sprachen.SPRACHEN,
        "sprach_query": sprachen.query(sprache),
        "markieren_tage": settings.WEGWEISER_MARKIEREN_TAGE,
        "markieren_jahr": settings.WEGWEISER_MARKIEREN_TAGE == 365,
    }


def _antwort(response: HttpResponse, sprache: str) -> HttpResponse:
    # The locale middleware would say "de" after the view; this page is in its own language.
    response["Content-Language"] = dict((c, t) for c, _n, t in sprachen.SPRACHEN)[sprache]
    return response


def _suchen(request: HttpRequest, sprache: str) -> dict:
    now = timezone.now()
    vok = Vokabular.laden()
    form = SucheForm(request.GET, vok=vok)
    suche = form.suche()
    page, facetten = selectors.treffer(suche, vok, sprache, now, seite=request.GET.get("page"))
    markieren_vor = selectors.markieren_vor(now)
    such_query = _such_query(request)
    for t in page.object_list:
        _treffer_darstellen(t, sprache, markieren_vor, such_query)
    return {
        "form": form,
        "suche": suche,
        "page": page,
        "facetten": facetten,
        "karte": _karte(request, facetten["orte"], suche, vok),
    }


def angebot_list(request: HttpRequest) -> HttpResponse:
    sprache = sprachen.sprache_aus(request)
    with sprachen.aktiv(sprache):
        # The search is the same for every family: cached per language and query string
        # (akteure.stand); the search runs only when the cached fragment is stale.
        ergebnis = SimpleLazyObject(lambda: _suchen(request, sprache))
        context = {
            **_context(request, sprache),
            **{
                name: SimpleLazyObject(partial(operator.getitem, ergebnis, name))
                for name in ("form", "suche", "page", "facetten", "karte")
            },
            "gefiltert": any(v for k, v in request.GET.items() if k not in ("sprache", "page")),
            "fragment": stand.fragment_key(sprache, abfrage(request)),
            "ttl": stand.TTL,
        }
        return _antwort(render(request, "wegweiser/angebot_list.html", context), sprache)


def angebot_detail(request: HttpRequest, uuid) -> HttpResponse:
    sprache = sprachen.sprache_aus(request)
    now = timezone.now()
    with sprachen.aktiv(sprache):
        angebot = selectors.angebot_fuer_familien(uuid, sprache, now)
        if angebot is None:
            raise Http404(_("Dieses Angebot gibt es im Wegweiser nicht (mehr)."))
        _darstellen(angebot, sprache, selectors.markieren_vor(now))
        context = {
            **_context(request, sprache),
            "angebot": angebot,
            "zurueck": reverse("wegweiser:angebot-list") + _such_query(request),
        }
        return _antwort(render(request, "wegweiser/angebot_detail.html", context), sprache)
