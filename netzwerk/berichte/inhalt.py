"""What a status report says: the figures of each section, read at one moment (the report's
`stand`). This module is netzwerk's top floor: it reads the other apps through their selectors
(tests/test_floors.py allows it, and only it and the dashboard, to import them).

Every report names events and offers only if they are public (the others count in the figures).
A committee's report also names draft concepts, every forum, the needs of public forums (which
approved accounts read) and the entered milestones; a report for the public (`oeffentlich`, the
only kind that may get a public link) names only what the portal shows everybody: decided
concepts, public forums, no needs, no entered milestones, not who asked for it.
A constant number of queries per section, whatever the size of the network.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from akteure import bedarf as akteure_bedarf
from akteure.selectors import angebote_neu, organisationen_neu, praeventionskette
from foren.selectors import bedarfe_top, foren_count, foren_kennzahlen
from konferenzen.selectors import (
    teilnahme_statistik,
    veranstaltungen_im_zeitraum,
    veranstaltungen_kommend,
    veranstaltungen_mit_teilnahme,
)

from ..konzepte.models import Konzept, Massnahme
from ..konzepte.selectors import massnahmen_baum
from ..konzepte.zeitleiste import zeitleiste
from ..pdf import SCHRIFTEN
from ..sozialmonitoring.diagramme import verlaeufe_gezeichnet
from . import diagramme
from .models import Sachstandsbericht

Abschnitt = Sachstandsbericht.Abschnitt
TOP_BEDARFE = 3
AUSBLICK_TAGE = 120


@dataclass(frozen=True)
class Zeitraum:
    von: date
    bis: date

    @property
    def anfang(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.von, time.min))

    @property
    def ende(self) -> datetime:
        """The first moment after the period (its last day counts whole)."""
        return timezone.make_aware(datetime.combine(self.bis + timedelta(days=1), time.min))

    def q(self, feld: str) -> Q:
        return Q(**{f"{feld}__gte": self.anfang, f"{feld}__lt": self.ende})


def _zeitleiste(bericht, zeitraum: Zeitraum, now) -> dict:
    # Entered milestones are read by approved accounts only (the timeline's page).
    eintraege = [
        (eintrag, zeitraum.von <= eintrag.date <= zeitraum.bis)
        for eintrag in zeitleiste(bis=min(zeitraum.bis, timezone.localdate(now)), user=None)
        if not (bericht.oeffentlich and eintrag.meilenstein is not None)
    ]
    return {"eintraege": eintraege, "im_zeitraum": sum(im for _eintrag, im in eintraege)}


def _foren(bericht, zeitraum: Zeitraum, now) -> dict:
    foren = foren_kennzahlen(
        anfang=zeitraum.anfang, ende=zeitraum.ende, now=now, nur_oeffentlich=bericht.oeffentlich
    )
    # The most discussed open needs of the public forums (for the committee; a forum's collection
    # is for approved accounts, so the public report shows figures only).
    bedarfe = {} if bericht.oeffentlich else bedarfe_top(je_forum=TOP_BEDARFE)
    for forum in foren:
        forum.top_bedarfe = bedarfe.get(forum.pk, [])
    aktiv = [f for f in foren if not f.is_ruhend]
    return {
        "foren": foren,
        "aktiv": len(aktiv),
        "mitglieder": sum(f.mitglieder for f in aktiv),
        "sitzungen": sum(f.sitzungen for f in foren),
        "nicht_genannt": foren_count() - len(foren),
        "offene_bedarfe": sum(f.offene_bedarfe for f in foren),
    }


def _veranstaltungen(bericht, zeitraum: Zeitraum, now) -> dict:
    im_zeitraum = veranstaltungen_im_zeitraum(anfang=zeitraum.anfang, ende=zeitraum.ende, now=now)
    statistik = teilnahme_statistik(im_zeitraum, now=now)
    liste = list(veranstaltungen_mit_teilnahme(im_zeitraum, nur_oeffentlich=True))
    anzahl = im_zeitraum.count()
    nach_typ = [(g.name, g.teilgenommen) for g in statistik.nach_typ]
    nach_phase = [(g.name, g.teilgenommen) for g in statistik.nach_lebensphase]
    return {
        "statistik": statistik,
        "liste": liste,
        "anzahl": anzahl,
        "nicht_oeffentlich": anzahl - len(liste),
        "balken_typ": diagramme.balken(nach_typ),
        "balken_phase": diagramme.balken(nach_phase),
    }


def _massnahmen(bericht, zeitraum: Zeitraum, now) -> dict:
    konzepte = (
        [bericht.konzept]
        if bericht.konzept_id
        else list(
            # A draft is the coordination's (and its co-authors') alone, an archived concept
            # was replaced: neither goes to a committee.
            Konzept.objects.filter(schwerpunkte__isnull=False, archived_at__isnull=True)
            .exclude(status=Konzept.Status.ENTWURF)
            .distinct()
        )
    )
    if bericht.oeffentlich:  # drafts are read by approved accounts only
        konzepte = [konzept for konzept in konzepte if konzept.frozen]
    letzte = dict(
        Massnahme.objects.filter(ziel__schwerpunkt__konzept__in=konzepte)
        .annotate(letzte=Max("notizen__created_at"))
        .values_list("pk", "letzte")
    )
    notizen_im_zeitraum = Massnahme.objects.filter(
        ziel__schwerpunkt__konzept__in=konzepte
    ).aggregate(n=Count("notizen", filter=zeitraum.q("notizen__created_at")))["n"]
    baeume, status = [], dict.fromkeys(Massnahme.Status.values, 0)
    for konzept in konzepte:
        baum = massnahmen_baum(konzept, kennzahlen=False)  # the report lists no figures there
        for schwerpunkt in baum:
            for ziel in schwerpunkt.kinder:
                for massnahme in ziel.kinder:
                    massnahme.letzte_notiz = letzte.get(massnahme.pk)
                    status[massnahme.status] += 1
        diagramm = [(k.objekt.title, k.progress or 0) for k in baum]
        baeume.append(
            {"konzept": konzept, "baum": baum, "balken": diagramme.balken(diagramm, maximum=100)}
        )
    labels = dict(Massnahme.Status.choices)
    zaehlend = [
        m.progress
        for b in baeume
        for s in b["baum"]
        for z in s.kinder
        for m in z.kinder
        if m.status != Massnahme.Status.ZURUECKGESTELLT
    ]
    return {
        "konzepte": baeume,
        "status": [(labels[key], n) for key, n in status.items()],
        "anzahl": sum(status.values()),
        "umgesetzt": status[Massnahme.Status.UMGESETZT],
        "fortschritt": round(sum(zaehlend) / len(zaehlend)) if zaehlend else None,
        "notizen_im_zeitraum": notizen_im_zeitraum,
    }


def _praeventionskette(bericht, zeitraum: Zeitraum, now) -> dict:
    karte = praeventionskette(user=AnonymousUser())
    # Per Lebensphase, the Handlungsfelder without an offer.
    luecken = [
        (row["phase"].name, [cell["feld"].name for cell in row["cells"] if cell["n"] == 0])
        for row in karte["rows"]
    ]
    return {
        "karte": karte,
        "luecken": [(phase, felder) for phase, felder in luecken if felder],
        "anzahl": karte["luecken"],
    }


def _bedarf(bericht, zeitraum: Zeitraum, now) -> dict:
    """Need beside the public offers per Sozialraum (issue 19): the page's table in rank order,
    its map and each need indicator's trend. The pictures go to the PDF as images of their own
    (`bilder`), each with its text alternative; the figures stand in the tables."""
    if bericht.oeffentlich:
        # The statistics office's figures are for approved accounts (netzwerk.read_indikatoren),
        # not for everybody: a public report leaves them out and says so.
        return {"oeffentlich": True}
    daten = akteure_bedarf.bedarf_je_sozialraum(user=AnonymousUser())
    karte = akteure_bedarf.bedarf_karte(daten, link=lambda s: "#")
    # The map's labels in the report's own typeface, embedded like the rest of its text.
    karte = re.sub(r'font-family="[^"]*"', 'font-family="Source Sans Pro"', karte)
    # The labels' white halo is drawn below the letters by paint-order, which WeasyPrint does not
    # know: it would paint over them. On paper the black letters stand on the light fills alone.
    karte = re.sub(r' stroke="#ffffff" stroke-width="[^"]*" paint-order="stroke"', "", karte)
    bilder = {"bedarf-karte.svg": karte.encode()}
    verlaeufe = verlaeufe_gezeichnet(daten.indikatoren, schrift="Source Sans Pro")
    for v in verlaeufe:
        v["bild"] = f"verlauf-{v['indikator'].pk}.svg" if v["diagramm"] else ""
        if v["bild"]:
            bilder[v["bild"]] = str(v["diagramm"]).encode()
    tabelle = akteure_bedarf.tabelle(daten, "rang")
    kopf = [
        (f"{tabelle.gruppen[sp.gruppe][0]}: " if sp.gruppe is not None else "") + str(sp.label)
        for sp in tabelle.spalten
    ]
    return {
        "kopf": list(zip(kopf, (sp.hinweis for sp in tabelle.spalten), strict=True)),
        "tabelle": tabelle,
        "verlaeufe": verlaeufe,
        "mindestzahl": settings.SOZIALMONITORING_MINDESTZAHL,
        "bilder": bilder,
    }


def _neue_akteure(bericht, zeitraum: Zeitraum, now) -> dict:
    organisationen = list(organisationen_neu(anfang=zeitraum.anfang, ende=zeitraum.ende))
    angebote = list(angebote_neu(anfang=zeitraum.anfang, ende=zeitraum.ende, nur_oeffentlich=True))
    return {"organisationen": organisationen, "angebote": angebote}


def _ausblick(bericht, zeitraum: Zeitraum, now) -> dict:
    bis = now + timedelta(days=AUSBLICK_TAGE)
    veranstaltungen = list(veranstaltungen_kommend(now=now, bis=bis, nur_oeffentlich=True))
    massnahmen = Massnahme.objects.filter(
        status__in=[Massnahme.Status.GEPLANT, Massnahme.Status.IN_UMSETZUNG]
    ).select_related("ziel__schwerpunkt__konzept")
    if bericht.konzept_id:
        massnahmen = massnahmen.filter(ziel__schwerpunkt__konzept=bericht.konzept)
    else:
        massnahmen = massnahmen.filter(
            ziel__schwerpunkt__konzept__archived_at__isnull=True
        ).exclude(ziel__schwerpunkt__konzept__status=Konzept.Status.ENTWURF)
    if bericht.oeffentlich:
        massnahmen = massnahmen.filter(
            ziel__schwerpunkt__konzept__status=Konzept.Status.BESCHLOSSEN
        )
    heute, spaeter = timezone.localdate(now), timezone.localdate(bis)
    return {
        "tage": AUSBLICK_TAGE,
        "veranstaltungen": veranstaltungen,
        "enden": list(massnahmen.filter(end__gte=heute, end__lt=spaeter).order_by("end")),
        "beginnen": list(massnahmen.filter(start__gte=heute, start__lt=spaeter).order_by("start")),
    }


def _zusammenfassung(daten: dict) -> list[tuple[str, str]]:
    """The key figures of the sections the report contains."""
    zahlen = []
    if foren := daten.get(Abschnitt.FOREN):
        zahlen += [
            (_("Aktive Foren"), foren["aktiv"]),
            (_("Mitgliedschaften in aktiven Foren"), foren["mitglieder"]),
            (_("Forumssitzungen und Treffen im Zeitraum"), foren["sitzungen"]),
            (_("Offene Bedarfe"), foren["offene_bedarfe"]),
        ]
    if v := daten.get(Abschnitt.VERANSTALTUNGEN):
        zahlen += [
            (_("Veranstaltungen im Zeitraum"), v["anzahl"]),
            (_("Teilnehmende (eingecheckt)"), v["statistik"].teilgenommen),
            (_("Beteiligte Organisationen"), v["statistik"].organisationen),
        ]
    if m := daten.get(Abschnitt.MASSNAHMEN):
        zahlen += [
            (_("Maßnahmen"), m["anzahl"]),
            (_("davon umgesetzt"), m["umgesetzt"]),
            (
                _("Mittlerer Fortschritt"),
                f"{m['fortschritt']} %" if m["fortschritt"] is not None else "–",
            ),
            (_("Fortschrittsnotizen im Zeitraum"), m["notizen_im_zeitraum"]),
        ]
    if k := daten.get(Abschnitt.PRAEVENTIONSKETTE):
        zahlen.append((_("Lücken in der Präventionskette"), k["anzahl"]))
    if n := daten.get(Abschnitt.NEUE_AKTEURE):
        zahlen += [
            (_("Neue Organisationen"), len(n["organisationen"])),
            (_("Neue Angebote"), len(n["angebote"])),
        ]
    if z := daten.get(Abschnitt.ZEITLEISTE):
        zahlen.append((_("Meilensteine im Zeitraum"), z["im_zeitraum"]))
    return [(label, str(wert)) for label, wert in zahlen]


BAUSTEINE = {
    Abschnitt.ZEITLEISTE: _zeitleiste,
    Abschnitt.FOREN: _foren,
    Abschnitt.VERANSTALTUNGEN: _veranstaltungen,
    Abschnitt.MASSNAHMEN: _massnahmen,
    Abschnitt.PRAEVENTIONSKETTE: _praeventionskette,
    Abschnitt.BEDARF: _bedarf,
    Abschnitt.NEUE_AKTEURE: _neue_akteure,
    Abschnitt.AUSBLICK: _ausblick,
}


def bericht_inhalt(bericht: Sachstandsbericht, *, now: datetime) -> dict:
    """The template context of the report: the chosen sections in their fixed order."""
    zeitraum = Zeitraum(bericht.period_start, bericht.period_end)
    gewaehlt = [key for key in Abschnitt.values if key in bericht.sections]
    daten = {
        str(key): BAUSTEINE[key](bericht, zeitraum, now) for key in gewaehlt if key in BAUSTEINE
    }
    if Abschnitt.ZUSAMMENFASSUNG in gewaehlt:
        daten[str(Abschnitt.ZUSAMMENFASSUNG)] = {"kennzahlen": _zusammenfassung(daten)}
    labels = dict(Abschnitt.choices)
    # The sections' pictures, by name, for render_pdf (each section keeps its own names).
    bilder = {name: b for teil in daten.values() for name, b in teil.pop("bilder", {}).items()}
    return {
        "bilder": bilder,
        "bericht": bericht,
        "portal_name": settings.PORTAL_NAME,
        "schriften": SCHRIFTEN,
        "stand": now,
        "zeitraum": zeitraum,
        "abschnitte": [(key, labels[key]) for key in gewaehlt],
        **daten,
    }
