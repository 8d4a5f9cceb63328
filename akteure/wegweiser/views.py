"""The family guide's pages: public, no login, in the language the query string names."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from akteure.models import Angebot

from . import selectors, sprachen
from .forms import SucheForm
from .selectors import Suche, Vokabular


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


def angebot_list(request: HttpRequest) -> HttpResponse:
    sprache = sprachen.sprache_aus(request)
    now = timezone.now()
    with sprachen.aktiv(sprache):
        vok = Vokabular.laden()
        form = SucheForm(request.GET, vok=vok)
        suche = form.suche()
        page, facetten = selectors.treffer(suche, vok, sprache, now, seite=request.GET.get("page"))
        markieren_vor = selectors.markieren_vor(now)
        for angebot in page.object_list:
            _darstellen(angebot, sprache, markieren_vor)
        context = {
            **_context(request, sprache),
            "form": form,
            "suche": suche,
            "page": page,
            "facetten": facetten,
            "karte": _karte(request, facetten["orte"], suche, vok),
            "gefiltert": any(v for k, v in request.GET.items() if k not in ("sprache", "page")),
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
        context = {**_context(request, sprache), "angebot": angebot}
        return _antwort(render(request, "wegweiser/angebot_detail.html", context), sprache)
