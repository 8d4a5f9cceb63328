"""The guide's search: public offers, freely combinable filters, and a count for every choice.

Facets follow the usual rule of faceted search: the counts of one group are computed with every
filter applied except the group's own, so a parent sees what choosing another option would give.
One aggregate query per group, whatever the number of offers.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from akteure.models import Angebot, Angebotsuebersetzung, Angebotszeit
from akteure.selectors import angebote_search
from netzwerk import sortierung
from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache

PAGE_SIZE = 20
KOSTENLOS = Angebot.Kosten.KOSTENLOS
# Time of day by the start of a slot: before noon, noon to five, from five.
TAGESZEITEN = {
    "vormittags": (None, time(12)),
    "nachmittags": (time(12), time(17)),
    "abends": (time(17), None),
}
TAGESZEIT_NAMEN = {
    "vormittags": _("vormittags (vor 12 Uhr)"),
    "nachmittags": _("nachmittags (12 bis 17 Uhr)"),
    "abends": _("abends (ab 17 Uhr)"),
}


@dataclass(frozen=True)
class Suche:
    """What a family asked for, as read from the query string (slugs, not ids)."""

    q: str = ""
    alter_monate: int | None = None
    lebensphasen: tuple[str, ...] = ()
    sozialraeume: tuple[str, ...] = ()
    handlungsfelder: tuple[str, ...] = ()
    sprachen: tuple[str, ...] = ()
    wochentage: tuple[int, ...] = ()
    tageszeiten: tuple[str, ...] = ()
    kostenlos: bool = False
    barrierefrei: bool = False


@dataclass
class Vokabular:
    """The active terms the guide offers as filters, each list read once per request."""

    lebensphasen: list[Lebensphase]
    sozialraeume: list[Sozialraum]
    handlungsfelder: list[Handlungsfeld]
    sprachen: list[Sprache]

    @classmethod
    def laden(cls) -> "Vokabular":
        return cls(
            lebensphasen=list(Lebensphase.objects.filter(active=True)),
            sozialraeume=list(Sozialraum.objects.filter(active=True).defer("grenze")),
            handlungsfelder=list(Handlungsfeld.objects.filter(active=True)),
            sprachen=list(Sprache.objects.filter(active=True)),
        )


@dataclass
class Option:
    value: str
    label: str
    n: int
    checked: bool


@dataclass
class Facette:
    name: str
    options: list[Option] = field(default_factory=list)

    @property
    def aktiv(self) -> int:
        return sum(1 for o in self.options if o.checked)


def markieren_vor(now: datetime | None = None) -> datetime:
    """Offers last confirmed before this moment carry the note "not confirmed for over a year"."""
    return (now or timezone.now()) - timedelta(days=settings.WEGWEISER_MARKIEREN_TAGE)


def ausblenden_vor(now: datetime | None = None) -> datetime:
    """Offers last confirmed before this moment are no longer shown to families at all."""
    return (now or timezone.now()) - timedelta(days=settings.WEGWEISER_AUSBLENDEN_TAGE)


def sichtbar(now: datetime | None = None) -> QuerySet[Angebot]:
    """Every offer the guide may show: public, and confirmed recently enough."""
    return Angebot.objects.public().filter(confirmed_at__gte=ausblenden_vor(now))


def phasen_fuer_alter(phasen: list[Lebensphase], monate: int) -> list[int]:
    """The life phases whose age range [alter_von, alter_bis) holds this age; an empty bound is
    open. Phases without any range (no ages at all) do not match an age."""
    return [
        p.pk
        for p in phasen
        if (p.alter_von is not None or p.alter_bis is not None)
        and (p.alter_von is None or p.alter_von <= monate)
        and (p.alter_bis is None or monate < p.alter_bis)
    ]


def _zeit_q(tageszeiten: tuple[str, ...], prefix: str = "") -> Q:
    q = Q()
    for name in tageszeiten:
        von, bis = TAGESZEITEN[name]
        bedingung = Q()
        if von is not None:
            bedingung &= Q(**{f"{prefix}beginn__gte": von})
        if bis is not None:
            bedingung &= Q(**{f"{prefix}beginn__lt": bis})
        q |= bedingung
    return q


def _termin_q(wochentage: tuple[int, ...], tageszeiten: tuple[str, ...]) -> Q:
    """Weekday and time of day must hold for the same slot: "Monday afternoon" is one slot."""
    slot = Q()
    if wochentage:
        slot &= Q(wochentag__in=wochentage)
    if tageszeiten:
        slot &= _zeit_q(tageszeiten)
    return Q(Exists(Angebotszeit.objects.filter(slot, angebot=OuterRef("pk"))))


def _ids(items, slugs: tuple[str, ...]) -> list[int]:
    wanted = set(slugs)
    return [i.pk for i in items if i.slug in wanted]


def _filter(suche: Suche, vok: Vokabular) -> dict[str, Q]:
    """One condition per filter group, so that a facet can leave out its own."""
    through = Angebot.lebensphasen.through
    conditions: dict[str, Q] = {}
    if suche.alter_monate is not None:
        phasen = phasen_fuer_alter(vok.lebensphasen, suche.alter_monate)
        conditions["alter"] = Q(
            Exists(through.objects.filter(angebot=OuterRef("pk"), lebensphase_id__in=phasen))
        )
    if suche.lebensphasen:
        phasen = _ids(vok.lebensphasen, suche.lebensphasen)
        conditions["lebensphasen"] = Q(
            Exists(through.objects.filter(angebot=OuterRef("pk"), lebensphase_id__in=phasen))
        )
    if suche.sozialraeume:
        conditions["sozialraeume"] = Q(ort_id__in=_ids(vok.sozialraeume, suche.sozialraeume))
    if suche.handlungsfelder:
        felder = Angebot.handlungsfelder.through.objects.filter(
            angebot=OuterRef("pk"),
            handlungsfeld_id__in=_ids(vok.handlungsfelder, suche.handlungsfelder),
        )
        conditions["handlungsfelder"] = Q(Exists(felder))
    if suche.sprachen:
        sprachen = Angebot.sprachen.through.objects.filter(
            angebot=OuterRef("pk"), sprache_id__in=_ids(vok.sprachen, suche.sprachen)
        )
        conditions["sprachen"] = Q(Exists(sprachen))
    if suche.wochentage or suche.tageszeiten:
        conditions["termin"] = _termin_q(suche.wochentage, suche.tageszeiten)
    if suche.kostenlos:
        conditions["kostenlos"] = Q(cost=KOSTENLOS)
    if suche.barrierefrei:
        conditions["barrierefrei"] = Q(barrierefrei=True)
    return conditions


def _basis(suche: Suche, now: datetime | None) -> QuerySet[Angebot]:
    # The offer's own Sozialraum, else its organisation's (set by hand or from its coordinates).
    qs = sichtbar(now).annotate(ort_id=Coalesce("sozialraum_id", "organisation__sozialraum_id"))
    return angebote_search(qs, suche.q) if suche.q.strip() else qs


# Facet counting in one statement: a CTE computes, once per visible offer, whether it meets each
# filter group (m_<group>); every count is then a GROUP BY over the offers that meet all groups
# but its own. The parts are compiled by the ORM, so the statement runs on PostgreSQL and SQLite.
M2M = {
    "lebensphasen": (Angebot.lebensphasen.through, "lebensphase_id"),
    "handlungsfelder": (Angebot.handlungsfelder.through, "handlungsfeld_id"),
    "sprachen": (Angebot.sprachen.through, "sprache_id"),
}


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _wo(cond: dict[str, Q], *weg: str) -> str:
    teile = [f"m.m_{name}" for name in cond if name not in weg]
    return " AND ".join(teile) or "1 = 1"


def _zaehlen(
    suche: Suche, basis: QuerySet, cond: dict[str, Q], *, seite: int
) -> tuple[dict[tuple[str, str], int], list[int]]:
    """{(group, value): count} for every facet, and ("treffer", ""): the number of results;
    and the ids of the results on page `seite`, in their order (by rank when searching, else by
    title), so the page itself is read by primary key."""
    markiert = basis.annotate(
        **{
            f"m_{name}": ExpressionWrapper(q, output_field=BooleanField())
            for name, q in cond.items()
        },
        f_kostenlos=ExpressionWrapper(Q(cost=KOSTENLOS), output_field=BooleanField()),
    ).order_by()
    rang = "rank" in basis.query.annotations  # the full-text search's (PostgreSQL)
    m_sql, params = _sql(
        markiert.values(
            "id", "title", "ort_id", "barrierefrei", "f_kostenlos",
            *(["rank"] if rang else []), *(f"m_{n}" for n in cond),
        )
    )  # fmt: skip
    # With two filter groups or more, m holds only the offers that miss at most one: read
    # their rows of the link tables one by one (a lateral join through the angebot_id index,
    # 0.2 ms for 300 offers, where the planner would hash the whole table, 3 ms). With fewer, m
    # is every visible offer and one pass over the table wins.
    lateral = connection.vendor == "postgresql" and len(cond) >= 2

    def je_angebot(quelle: str, alias: str, wo: str) -> str:
        if lateral:  # OFFSET 0 keeps the planner from flattening it into the plain join
            return (
                f"FROM m CROSS JOIN LATERAL (SELECT * FROM {quelle} q "
                f"WHERE q.angebot_id = m.id OFFSET 0) {alias} WHERE {wo}"
            )
        return f"FROM m JOIN {quelle} {alias} ON {alias}.angebot_id = m.id WHERE {wo}"

    teile = []
    for name, (through, spalte) in M2M.items():
        teile.append(
            f"SELECT '{name}' AS g, CAST(t.{spalte} AS TEXT) AS v, COUNT(*) AS n "
            f"{je_angebot(through._meta.db_table, 't', _wo(cond, name))} GROUP BY t.{spalte}"
        )
    teile.append(
        f"SELECT 'sozialraeume', CAST(m.ort_id AS TEXT), COUNT(*) FROM m "
        f"WHERE {_wo(cond, 'sozialraeume')} GROUP BY m.ort_id"
    )
    # Weekday and time of day: offers with a slot that also meets the other group's choice.
    zeiten = Angebotszeit.objects.annotate(tz=_tageszeit_case()).order_by()
    tag_sql, tag_params = _sql(
        zeiten.filter(_zeit_q(suche.tageszeiten)).values("angebot_id", "wochentag")
    )
    tz_sql, tz_params = _sql(
        zeiten.filter(Q(wochentag__in=suche.wochentage) if suche.wochentage else Q()).values(
            "angebot_id", "tz"
        )
    )
    termin = _wo(cond, "termin")
    teile.append(
        f"SELECT 'wochentage', CAST(z.wochentag AS TEXT), COUNT(DISTINCT m.id) "
        f"{je_angebot(f'({tag_sql})', 'z', termin)} GROUP BY z.wochentag"
    )
    teile.append(
        f"SELECT 'tageszeiten', z.tz, COUNT(DISTINCT m.id) "
        f"{je_angebot(f'({tz_sql})', 'z', termin)} GROUP BY z.tz"
    )
    # Each checkbox keeps the other's filter, not its own.
    rest = _wo(cond, "kostenlos", "barrierefrei")
    frei = " AND m.barrierefrei" if suche.barrierefrei else ""
    kosten = " AND m.f_kostenlos" if suche.kostenlos else ""
    teile.append(f"SELECT 'kostenlos', '', COUNT(*) FROM m WHERE {rest} AND m.f_kostenlos{frei}")
    teile.append(
        f"SELECT 'barrierefrei', '', COUNT(*) FROM m WHERE {rest} AND m.barrierefrei{kosten}"
    )
    teile.append(f"SELECT 'treffer', '', COUNT(*) FROM m WHERE {_wo(cond)}")
    # German order (netzwerk.sortierung): ICU on PostgreSQL, the registered collation on SQLite.
    if connection.vendor == "postgresql":
        titel = f'm.title COLLATE "{sortierung.COLLATION}"'
    else:
        titel = f"m.title COLLATE {sortierung.SQLITE_COLLATION}"
    ordnung = f"m.rank DESC, {titel}, m.id" if rang else f"{titel}, m.id"
    von = (seite - 1) * PAGE_SIZE
    teile.append(
        f"SELECT 'seite', CAST(p.id AS TEXT), p.pos FROM (SELECT m.id, ROW_NUMBER() OVER "
        f"(ORDER BY {ordnung}) AS pos FROM m WHERE {_wo(cond)}) p "
        f"WHERE p.pos > {von} AND p.pos <= {von + PAGE_SIZE}"
    )
    # Only offers that miss at most one group can count anywhere: the rest is dropped at once.
    verfehlt = " + ".join(f"CASE WHEN a.m_{name} THEN 0 ELSE 1 END" for name in cond) or "0"
    sql = (
        f"WITH a AS ({m_sql}), m AS (SELECT * FROM a WHERE {verfehlt} <= 1) "
        + " UNION ALL ".join(teile)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + tag_params + tz_params)
        rows = cursor.fetchall()
    zahlen = {(g, v or ""): n for g, v, n in rows if g != "seite"}
    return zahlen, [int(v) for _p, v in sorted((n, v) for g, v, n in rows if g == "seite")]


def _facetten(suche: Suche, vok: Vokabular, zahlen: dict[tuple[str, str], int]) -> dict:
    def facette(name, items, slugs) -> Facette:
        return Facette(
            name,
            [
                Option(i.slug, i.name, zahlen.get((name, str(i.pk)), 0), i.slug in slugs)
                for i in items
            ],
        )

    return {
        "lebensphasen": facette("lebensphasen", vok.lebensphasen, suche.lebensphasen),
        "handlungsfelder": facette("handlungsfelder", vok.handlungsfelder, suche.handlungsfelder),
        "sprachen": facette("sprachen", vok.sprachen, suche.sprachen),
        "sozialraeume": facette("sozialraeume", vok.sozialraeume, suche.sozialraeume),
        "orte": {
            int(v): n for (g, v), n in zahlen.items() if g == "sozialraeume" and v
        },
        "wochentage": Facette(
            "wochentage",
            [Option(str(value), label, zahlen.get(("wochentage", str(value)), 0),
                    value in suche.wochentage)
             for value, label in Angebotszeit.Wochentag.choices],
        ),
        "tageszeiten": Facette(
            "tageszeiten",
            [Option(name, TAGESZEIT_NAMEN[name], zahlen.get(("tageszeiten", name), 0),
                    name in suche.tageszeiten)
             for name in TAGESZEITEN],
        ),
        "kostenlos": Option("1", "", zahlen.get(("kostenlos", ""), 0), suche.kostenlos),
        "barrierefrei": Option("1", "", zahlen.get(("barrierefrei", ""), 0), suche.barrierefrei),
    }  # fmt: skip


def _tageszeit_case() -> Case:
    whens = [When(_zeit_q((name,)), then=Value(name)) for name in TAGESZEITEN if name != "abends"]
    return Case(*whens, default=Value("abends"), output_field=CharField())


class Seiten(Paginator):
    """A paginator that knows its count already (from the facet statement)."""

    def __init__(self, per_page, *, count: int):
        super().__init__([], per_page)
        self.__dict__["count"] = count


def _seitenzahl(wert) -> int:
    try:
        return max(1, int(wert))
    except (TypeError, ValueError):
        return 1


def treffer(
    suche: Suche, vok: Vokabular, sprache: str, now: datetime | None = None, *, seite=None
) -> tuple[Page, dict]:
    """The page `seite` of the offers matching every filter (ordered by rank when searching,
    else by title; a page out of range gives the last, as Paginator.get_page does), with what a
    result row shows prefetched, and the facets: a fixed number of queries."""
    basis = _basis(suche, now)
    cond = _filter(suche, vok)
    nummer = _seitenzahl(seite)
    zahlen, ids = _zaehlen(suche, basis, cond, seite=nummer)
    seiten = Seiten(PAGE_SIZE, count=zahlen.get(("treffer", ""), 0))
    if nummer > seiten.num_pages:  # an old link to a page that is gone: the last one
        nummer = seiten.num_pages
        zahlen, ids = _zaehlen(suche, basis, cond, seite=nummer)
    qs = Angebot.objects.filter(pk__in=ids).select_related(
        "organisation", "organisation__sozialraum", "sozialraum"
    ).defer(
        "suchvektor", "organisation__suchvektor", "organisation__description",
        "organisation__sozialraum__grenze", "sozialraum__grenze",
    )  # fmt: skip
    geladen = {a.pk: a for a in _mit_anzeige(qs, sprache)}
    return Page([geladen[pk] for pk in ids if pk in geladen], nummer, seiten), _facetten(
        suche, vok, zahlen
    )


def _mit_anzeige(qs: QuerySet[Angebot], sprache: str) -> QuerySet[Angebot]:
    prefetches = [
        "lebensphasen",
        "sprachen",
        Prefetch("zeiten", queryset=Angebotszeit.objects.order_by("wochentag", "beginn")),
    ]
    if sprache in Angebotsuebersetzung.Sprache.values:
        prefetches.append(
            Prefetch(
                "uebersetzungen",
                queryset=Angebotsuebersetzung.objects.filter(sprache=sprache),
                to_attr="uebersetzung_liste",
            )
        )
    return qs.prefetch_related(*prefetches)


def angebot_fuer_familien(uuid, sprache: str, now: datetime | None = None) -> Angebot | None:
    """One offer of the guide with all its page shows, or None if the guide does not show it.
    The contact person comes along only with a consent to the public directory."""
    from akteure.models import Person

    qs = (
        sichtbar(now)
        .filter(uuid=uuid)
        .select_related("organisation", "organisation__sozialraum", "sozialraum")
        .prefetch_related("handlungsfelder", "zielgruppen")
    )
    angebot = _mit_anzeige(qs, sprache).first()
    if angebot is None:
        return None
    angebot.kontakt = None
    if angebot.contact_id is not None:
        angebot.kontakt = (
            Person.objects.active().with_public_consent().filter(pk=angebot.contact_id).first()
        )
    return angebot


def uebersetzung(angebot: Angebot) -> Angebotsuebersetzung | None:
    """The offer's text in the chosen language, if its owner wrote one (see _mit_anzeige)."""
    liste = getattr(angebot, "uebersetzung_liste", None)
    return liste[0] if liste else None
