"""The guide's search: public offers, freely combinable filters, and a count for every choice.

Facets follow the usual rule of faceted search: the counts of one group are computed with every
filter applied except the group's own, so a parent sees what choosing another option would give.
One aggregate query per group, whatever the number of offers.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple
from uuid import UUID

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TimeField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext
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


class Begriff(NamedTuple):
    """A term of a vocabulary as the guide uses it (filter choice, facet option): plain values,
    read with values_list, since a fresh page needs forty of them and nothing of the model."""

    pk: int
    slug: str
    name: str
    alter_von: int | None = None  # life phases only
    alter_bis: int | None = None


def uebersetzt(name: str) -> str:
    """A term's name in the active language, looked up as `{% translate name %}` does (with
    its percent signs doubled in the msgid): the names are msgids of the catalogues."""
    return gettext(name.replace("%", "%%")).replace("%%", "%")


# The vocabularies of the filters, by their name in Vokabular.
VOKABULARE = {
    "lebensphasen": Lebensphase,
    "sozialraeume": Sozialraum,
    "handlungsfelder": Handlungsfeld,
    "sprachen": Sprache,
}


def _vokabular_zeilen() -> list[tuple]:
    """Every term of the four vocabularies in one query (UNION ALL): (vocabulary, pk, slug,
    name, active, alter_von, alter_bis, rank), the rank its place in the vocabulary's own order
    (position, then the German order of names), numbered by the database since only it has
    that collation. Four tables of a few dozen rows: one round trip where four cost a
    millisecond more."""
    sql, params = _vokabular_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _vokabular_sql(vendor: str) -> tuple[str, tuple]:
    # The statement is the same for every request: compiled once, since compiling it cost the
    # ORM more than the database took to answer it.
    leer = Value(None, output_field=IntegerField())
    teile = [
        model.objects.order_by().values_list(
            Value(art, output_field=CharField()), "pk", "slug", "name", "active",
            *(("alter_von", "alter_bis") if model is Lebensphase else (leer, leer)),
            Window(RowNumber(), order_by=[F("position").asc(), sortierung.deutsch("name").asc()]),
        )
        for art, model in VOKABULARE.items()
    ]  # fmt: skip
    return _sql(teile[0].union(*teile[1:], all=True))


@dataclass
class Vokabular:
    """The active terms the guide offers as filters, read once per request, each list in the
    vocabulary's own order; and every life phase by pk, inactive ones too, for the results
    (an offer keeps a phase that is no longer offered as a filter)."""

    lebensphasen: list[Begriff]
    sozialraeume: list[Begriff]
    handlungsfelder: list[Begriff]
    sprachen: list[Begriff]
    alle_phasen: dict[int, tuple[int, str]] = field(default_factory=dict)  # pk: (rank, name)

    @classmethod
    def laden(cls) -> "Vokabular":
        listen: dict[str, list[Begriff]] = {art: [] for art in VOKABULARE}
        alle_phasen = {}
        for art, pk, slug, name, active, von, bis, rang in sorted(
            _vokabular_zeilen(), key=lambda z: z[-1]
        ):
            if art == "lebensphasen":
                alle_phasen[pk] = (rang, name)
            if active:
                listen[art].append(Begriff(pk, slug, name, von, bis))
        return cls(**listen, alle_phasen=alle_phasen)


@dataclass
class Option:
    value: str
    label: str  # already in the page's language
    n: int
    checked: bool
    id: str = ""  # of its checkbox, for the label's `for`


@dataclass
class Facette:
    """A filter group as the search form shows it: a disclosure titled `titel` with one
    checkbox named `param` per option."""

    name: str
    options: list[Option] = field(default_factory=list)
    param: str = ""
    titel: str = ""

    def __post_init__(self):
        # Counted once here: the template reads it twice per group.
        self.aktiv = sum(1 for o in self.options if o.checked)
        for o in self.options:
            o.id = f"f-{self.param}-{o.value}"


def markieren_vor(now: datetime | None = None) -> datetime:
    """Offers last confirmed before this moment carry the note "not confirmed for over a year"."""
    return (now or timezone.now()) - timedelta(days=settings.WEGWEISER_MARKIEREN_TAGE)


def ausblenden_vor(now: datetime | None = None) -> datetime:
    """Offers last confirmed before this moment are no longer shown to families at all."""
    return (now or timezone.now()) - timedelta(days=settings.WEGWEISER_AUSBLENDEN_TAGE)


def sichtbar(now: datetime | None = None) -> QuerySet[Angebot]:
    """Every offer the guide may show: public, and confirmed recently enough."""
    return Angebot.objects.public().filter(confirmed_at__gte=ausblenden_vor(now))


def phasen_fuer_alter(phasen: list[Begriff], monate: int) -> list[int]:
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
    return Q(pk__in=Angebotszeit.objects.filter(slot).values("angebot_id"))


def _ids(items, slugs: tuple[str, ...]) -> list[int]:
    wanted = set(slugs)
    return [i.pk for i in items if i.slug in wanted]


def _mit(through, spalte: str, ids: list[int]) -> Q:
    """The offers with a row in the link table `through` naming one of `ids`: IN over the
    subquery, which PostgreSQL reads once into a hash, where EXISTS per offer probed the table
    once for each of them (a second for 70,000 offers)."""
    if not ids:  # none: a plain false, which the facet statement can still test
        return Q(Value(False, output_field=BooleanField()))
    return Q(pk__in=through.objects.filter(**{f"{spalte}__in": ids}).values("angebot_id"))


def _filter(suche: Suche, vok: Vokabular) -> dict[str, Q]:
    """One condition per filter group, so that a facet can leave out its own."""
    through = Angebot.lebensphasen.through
    conditions: dict[str, Q] = {}
    if suche.alter_monate is not None:
        phasen = phasen_fuer_alter(vok.lebensphasen, suche.alter_monate)
        conditions["alter"] = _mit(through, "lebensphase_id", phasen)
    if suche.lebensphasen:
        phasen = _ids(vok.lebensphasen, suche.lebensphasen)
        conditions["lebensphasen"] = _mit(through, "lebensphase_id", phasen)
    if suche.sozialraeume:
        conditions["sozialraeume"] = Q(ort_id__in=_ids(vok.sozialraeume, suche.sozialraeume))
    if suche.handlungsfelder:
        conditions["handlungsfelder"] = _mit(
            Angebot.handlungsfelder.through,
            "handlungsfeld_id",
            _ids(vok.handlungsfelder, suche.handlungsfelder),
        )
    if suche.sprachen:
        conditions["sprachen"] = _mit(
            Angebot.sprachen.through, "sprache_id", _ids(vok.sprachen, suche.sprachen)
        )
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
    tag_sql, tag_params, tz_sql, tz_params = _zeiten_sql(
        suche.tageszeiten, suche.wochentage, connection.vendor
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


# The filter groups of the form in their order: (key in the facets, query parameter, title).
GRUPPEN = [
    ("sozialraeume", "sozialraum", _("Sozialraum (Stadtteil)")),
    ("lebensphasen", "phase", _("Lebensphase")),
    ("handlungsfelder", "thema", _("Thema")),
    ("sprachen", "angebotssprache", _("Sprache des Angebots")),
    ("wochentage", "tag", _("Wochentag")),
    ("tageszeiten", "zeit", _("Tageszeit")),
]
PARAM = {name: param for name, param, _titel in GRUPPEN}


def _facetten(suche: Suche, vok: Vokabular, zahlen: dict[tuple[str, str], int]) -> dict:
    """The facets by group, and under "gruppen" those of the form in its order. Labels are
    translated here, in the language the page is drawn in (the terms' names are msgids too)."""

    def option(name: str, value, label: str, checked: bool) -> Option:
        return Option(str(value), uebersetzt(label), zahlen.get((name, str(value)), 0), checked)

    def facette(name: str, items, slugs) -> Facette:
        # The count is keyed by the term's pk, the checkbox's value is its slug.
        return Facette(
            name,
            [
                Option(
                    i.slug, uebersetzt(i.name), zahlen.get((name, str(i.pk)), 0), i.slug in slugs
                )
                for i in items
            ],
            param=PARAM[name],
        )

    facetten = {
        "lebensphasen": facette("lebensphasen", vok.lebensphasen, suche.lebensphasen),
        "handlungsfelder": facette("handlungsfelder", vok.handlungsfelder, suche.handlungsfelder),
        "sprachen": facette("sprachen", vok.sprachen, suche.sprachen),
        "sozialraeume": facette("sozialraeume", vok.sozialraeume, suche.sozialraeume),
        "orte": {
            int(v): n for (g, v), n in zahlen.items() if g == "sozialraeume" and v
        },
        "wochentage": Facette(
            "wochentage",
            [option("wochentage", value, str(label), value in suche.wochentage)
             for value, label in Angebotszeit.Wochentag.choices],
            param=PARAM["wochentage"],
        ),
        "tageszeiten": Facette(
            "tageszeiten",
            [option("tageszeiten", name, str(TAGESZEIT_NAMEN[name]), name in suche.tageszeiten)
             for name in TAGESZEITEN],
            param=PARAM["tageszeiten"],
        ),
        "kostenlos": Option("1", "", zahlen.get(("kostenlos", ""), 0), suche.kostenlos),
        "barrierefrei": Option("1", "", zahlen.get(("barrierefrei", ""), 0), suche.barrierefrei),
    }  # fmt: skip
    for name, _param, titel in GRUPPEN:
        facetten[name].titel = titel
    facetten["gruppen"] = [facetten[name] for name, _param, _titel in GRUPPEN]
    return facetten


@functools.lru_cache(maxsize=256)
def _zeiten_sql(
    tageszeiten: tuple[str, ...], wochentage: tuple[int, ...], vendor: str
) -> tuple[str, tuple, str, tuple]:
    """The weekly times meeting the time-of-day choice (for the weekday counts) and those
    meeting the weekday choice, with their time of day (for the time-of-day counts). They
    depend on these two choices only: compiled once for each."""
    zeiten = Angebotszeit.objects.annotate(tz=_tageszeit_case()).order_by()
    tag = zeiten.filter(_zeit_q(tageszeiten)).values("angebot_id", "wochentag")
    tz = zeiten.filter(Q(wochentag__in=wochentage) if wochentage else Q()).values(
        "angebot_id", "tz"
    )
    return *_sql(tag), *_sql(tz)


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


@dataclass
class Treffer:
    """One result as the list shows it, read as plain values: the list needs a few columns of
    twenty offers, and model instances with their prefetches cost more than the facet
    statement itself. `lebensphasen` in the vocabulary's order, `zeiten` (weekday, start, end)
    by weekday and start, `uebersetzung` the title in the page's language if there is one."""

    pk: int
    uuid: UUID
    title: str
    organisation_name: str
    ort: str | None  # the offer's Sozialraum, else its organisation's
    cost: str
    barrierefrei: bool
    confirmed_at: datetime
    hat_leichte_sprache: bool
    uebersetzung: str | None = None
    lebensphasen: list[str] = field(default_factory=list)
    zeiten: list[tuple[int, time, time]] = field(default_factory=list)


def _treffer_lesen(ids: list[int], sprache: str, vok: Vokabular) -> list[Treffer]:
    """The rows of the page `ids`, in that order: two queries, whatever the language."""
    if not ids:
        return []
    spalten = {
        "organisation_name": F("organisation__name"),
        "ort": Coalesce("sozialraum__name", "organisation__sozialraum__name"),
        "hat_leichte_sprache": ExpressionWrapper(
            ~Q(leichte_sprache=""), output_field=BooleanField()
        ),
    }
    if sprache in Angebotsuebersetzung.Sprache.values:
        spalten["uebersetzung"] = Subquery(
            Angebotsuebersetzung.objects.filter(angebot=OuterRef("pk"), sprache=sprache).values(
                "title"
            )[:1]
        )
    zeilen = {
        z["pk"]: Treffer(**z)
        for z in Angebot.objects.filter(pk__in=ids)
        .order_by()
        .values("pk", "uuid", "title", "cost", "barrierefrei", "confirmed_at", **spalten)
    }
    # Life phases and weekly times in one query: (offer, phase, None, None) and (offer,
    # weekday, start, end); a time always has a start.
    leer = Value(None, output_field=TimeField())
    phasen = Angebot.lebensphasen.through.objects.filter(angebot_id__in=ids).values_list(
        "angebot_id", "lebensphase_id", leer, leer
    )
    zeiten = Angebotszeit.objects.filter(angebot_id__in=ids).order_by()
    for angebot_id, wert, beginn, ende in phasen.union(
        zeiten.values_list("angebot_id", "wochentag", "beginn", "ende"), all=True
    ):
        if beginn is None:
            zeilen[angebot_id].lebensphasen.append(vok.alle_phasen[wert])
        else:
            zeilen[angebot_id].zeiten.append((wert, beginn, ende))
    for zeile in zeilen.values():
        zeile.lebensphasen = [name for _rang, name in sorted(zeile.lebensphasen)]
        zeile.zeiten.sort(key=lambda z: z[:2])
    return [zeilen[pk] for pk in ids if pk in zeilen]


def treffer(
    suche: Suche, vok: Vokabular, sprache: str, now: datetime | None = None, *, seite=None
) -> tuple[Page, dict]:
    """The page `seite` of the offers matching every filter (ordered by rank when searching,
    else by title; a page out of range gives the last, as Paginator.get_page does) as Treffer
    rows, and the facets: a fixed number of queries."""
    basis = _basis(suche, now)
    cond = _filter(suche, vok)
    nummer = _seitenzahl(seite)
    zahlen, ids = _zaehlen(suche, basis, cond, seite=nummer)
    seiten = Seiten(PAGE_SIZE, count=zahlen.get(("treffer", ""), 0))
    if nummer > seiten.num_pages:  # an old link to a page that is gone: the last one
        nummer = seiten.num_pages
        zahlen, ids = _zaehlen(suche, basis, cond, seite=nummer)
    return Page(_treffer_lesen(ids, sprache, vok), nummer, seiten), _facetten(suche, vok, zahlen)


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
