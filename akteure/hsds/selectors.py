"""What the open data shows, and the version of it that ETag and Last-Modified name.

Published: an offer with is_public that the guide still shows. Offers not confirmed for
ANGEBOT_STALE_AFTER_DAYS stay published (their assured_date tells how old they are); those older
than WEGWEISER_AUSBLENDEN_TAGE (default: twice the stale period) are hidden in the guide and left
out here too. Organisations appear when they have at least one published offer.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from akteure.models import Angebot, Angebotszeit, Einwilligung, Organisation, Person
from akteure.selectors import angebote_search, organisationen_search
from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache, Zielgruppe
from netzwerk.text import schreibweisen_regex

from . import profil

VOKABULARE = {
    "lebensphasen": Lebensphase,
    "handlungsfelder": Handlungsfeld,
    "zielgruppen": Zielgruppe,
    "sozialraeume": Sozialraum,
}


def hidden_before(now=None):
    days = getattr(settings, "WEGWEISER_AUSBLENDEN_TAGE", 2 * settings.ANGEBOT_STALE_AFTER_DAYS)
    return (now or timezone.now()) - timedelta(days=days)


def _latest(model, **match) -> Subquery:
    return Subquery(
        model.history.model.objects.filter(**match)
        .order_by()
        .values(*match)
        .annotate(m=Max("history_date"))
        .values("m")[:1]
    )


def published() -> QuerySet[Angebot]:
    """The published offers in the feed's stable order, without anything loaded: what pages
    and counts are taken from."""
    return (
        Angebot.objects.public().filter(confirmed_at__gte=hidden_before()).order_by("title", "pk")
    )


def with_last_modified(qs: QuerySet[Angebot]) -> QuerySet[Angebot]:
    """`last_modified`: the latest change of the offer, its organisation, its contact person or
    that person's consent, so an incremental sync (modified_after) also sees a withdrawn
    consent."""
    return qs.annotate(
        last_modified=Greatest(
            "updated_at",
            Coalesce(_latest(Organisation, id=OuterRef("organisation")), "updated_at"),
            Coalesce(_latest(Person, id=OuterRef("contact")), "updated_at"),
            Coalesce(_latest(Einwilligung, person_id=OuterRef("contact")), "updated_at"),
        )
    )


M2M = {
    "lebensphasen": Lebensphase,
    "zielgruppen": Zielgruppe,
    "handlungsfelder": Handlungsfeld,
    "sprachen": Sprache,
}


def _vocab(model, terms: dict) -> dict:
    """All terms of a vocabulary by pk, in their order: loaded once, not once per offer."""
    if model not in terms:
        terms[model] = {t.pk: t for t in model.objects.order_by("position", "name")}
    return terms[model]


def _attach_terms(offers: list[Angebot], names: list[str], terms: dict) -> None:
    """`hsds_<name>`: the offer's terms, from the link table's pairs and the vocabulary loaded
    once (a Prefetch would build one model instance for every link)."""
    pks = [a.pk for a in offers]
    for name in names:
        model = M2M[name]
        vocab = _vocab(model, terms)
        order = {pk: i for i, pk in enumerate(vocab)}
        column = f"{model._meta.model_name}_id"
        found = defaultdict(list)
        through = getattr(Angebot, name).through.objects
        for angebot_id, term_id in through.filter(angebot_id__in=pks).values_list(
            "angebot_id", column
        ):
            found[angebot_id].append(term_id)
        for angebot in offers:
            ids = sorted(found[angebot.pk], key=order.__getitem__)
            setattr(angebot, f"hsds_{name}", [vocab[t] for t in ids])


def services(
    *, full: bool, qs: QuerySet[Angebot] | None = None, terms: dict | None = None
) -> list[Angebot]:
    """Published offers (or those of `qs`) with all a service object shows; `full`: the nested
    parts too (times, languages, terms, contact with its consent). A fixed number of queries;
    `terms` keeps the vocabularies between calls (the package loads in chunks)."""
    terms = {} if terms is None else terms
    consent = Einwilligung.objects.filter(
        person=OuterRef("contact"), purpose=Einwilligung.Zweck.VERZEICHNIS, withdrawn_at=None
    )
    qs = with_last_modified(published() if qs is None else qs)
    qs = qs.select_related("organisation").defer("suchvektor", "organisation__suchvektor")
    if full:
        qs = qs.select_related("contact").annotate(contact_consent=Exists(consent))
    offers = list(qs)
    raeume = _vocab(Sozialraum, terms)
    for angebot in offers:
        # Assigned, not selected: a district's boundary is parsed once, not once per offer.
        angebot.sozialraum = raeume.get(angebot.sozialraum_id)
        angebot.organisation.sozialraum = raeume.get(angebot.organisation.sozialraum_id)
    _attach_terms(offers, [*M2M][: 4 if full else 2], terms)
    if full:
        zeiten = defaultdict(list)
        for zeit in Angebotszeit.objects.filter(angebot__in=[a.pk for a in offers]).order_by(
            "wochentag", "beginn"
        ):
            zeiten[zeit.angebot_id].append(zeit)
        for angebot in offers:
            angebot.hsds_zeiten = zeiten[angebot.pk]
    return offers


_SHARED: dict[str, dict] = {}


def terms_for(digest: str) -> dict:
    """The vocabularies, kept between requests while the data's version stays the same (the
    version covers their content): a page then needs no query for them. Read-only."""
    shared = _SHARED.get(digest)
    if shared is None:  # a new version: the old one is of no use any more
        shared = {}
        _SHARED.clear()
        _SHARED[digest] = shared
    return shared


def load(pks: list[int], *, full: bool, terms: dict | None = None) -> list[Angebot]:
    """The offers of one page, loaded, in the page's order. Pages are cut from published()
    first: the per-row subqueries of last_modified then run for these rows only, not for every
    row an OFFSET skips."""
    offers = services(full=full, qs=Angebot.objects.filter(pk__in=pks), terms=terms)
    rows = {a.pk: a for a in offers}
    return [rows[pk] for pk in pks if pk in rows]


def services_filtered(
    qs: QuerySet[Angebot],
    *,
    search: str = "",
    term: str | None = None,
    taxonomy: str | None = None,
    organisation: str | None = None,
    modified_after: datetime | None = None,
    postcode: str = "",
) -> QuerySet[Angebot]:
    if term:
        qs = qs.filter(_term_q(term))
    if taxonomy:
        qs = qs.filter(_taxonomy_q(taxonomy))
    if organisation:
        qs = qs.filter(organisation__uuid=organisation)
    if modified_after:
        qs = with_last_modified(qs).filter(last_modified__gte=modified_after)
    if postcode:
        qs = qs.filter(organisation__postcode=postcode)
    if search.strip():
        # The directory's German full-text search, then back to the feed's stable order.
        qs = angebote_search(qs, search).order_by("title", "pk")
    return qs


def _term_q(term: str) -> Q:
    if term == profil.barrierefrei_term_id():
        return Q(barrierefrei=True)
    return (
        Q(lebensphasen__uuid=term)
        | Q(handlungsfelder__uuid=term)
        | Q(zielgruppen__uuid=term)
        | Q(sozialraum__uuid=term)
        | Q(sozialraum__isnull=True, organisation__sozialraum__uuid=term)
    )


def _taxonomy_q(taxonomy: str) -> Q:
    field = {profil.taxonomy_id(key): f for key, _n, _d, _l, f in profil.TAXONOMIEN}[taxonomy]
    if field is None:
        return Q(barrierefrei=True)
    if field == "sozialraum":
        return Q(sozialraum__isnull=False) | Q(organisation__sozialraum__isnull=False)
    through = getattr(Angebot, field).through
    return Q(Exists(through.objects.filter(angebot=OuterRef("pk"))))


def organisations(*, search: str = "") -> QuerySet[Organisation]:
    offers = published().filter(organisation=OuterRef("pk"))
    qs = (
        Organisation.objects.filter(Exists(offers.values("pk")))
        .select_related("sozialraum")
        .defer("sozialraum__grenze")
        .defer("suchvektor")
        .order_by("name", "pk")
    )
    if search.strip():
        qs = organisationen_search(qs, search).order_by("name", "pk")
    return qs


@dataclass(frozen=True)
class Term:
    key: str
    term: object


def taxonomy_terms(*, taxonomy: str | None = None, search: str = "") -> list[Term]:
    """Every term of the four vocabularies (inactive ones too: published offers may still
    carry them) and the profile's own feature term, in taxonomy order."""
    out: list[Term] = []
    for key, model in VOKABULARE.items():
        if taxonomy and taxonomy != profil.taxonomy_id(key):
            continue
        qs = model.objects.order_by("position", "name")
        if search.strip():
            # Umlauts and ß however written, as the directory's search (netzwerk.text).
            qs = qs.filter(name__iregex=schreibweisen_regex(search.strip()))
        out += [Term(key, t) for t in qs]
    if taxonomy in (None, profil.taxonomy_id("merkmale")):
        if not search.strip() or search.strip().lower() in profil.MERKMAL_BARRIEREFREI[1]:
            out.append(Term("merkmale", None))
    return out


def term_by_id(term_id: str) -> Term | None:
    if term_id == profil.barrierefrei_term_id():
        return Term("merkmale", None)
    for key, model in VOKABULARE.items():
        if found := model.objects.filter(uuid=term_id).first():
            return Term(key, found)
    return None


# --- The version of the data: ETag and Last-Modified ------------------------------------------
def _aware(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns MAX() of a datetime column as text
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    last_modified: datetime | None
    digest: str


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _version_rows() -> tuple[list, list]:
    stamps = ", ".join(
        [f"(SELECT MAX(updated_at) FROM {_table(Angebot)})"]
        + [
            f"(SELECT MAX(history_date) FROM {_table(m.history.model)})"
            for m in (Angebot, Organisation, Person, Einwilligung)
        ]
        + [f"(SELECT {f}(id) FROM {_table(Angebotszeit)})" for f in ("COUNT", "MAX")]
    )
    text = "CAST(NULL AS TEXT)"
    columns = {
        Lebensphase: f"CAST(alter_von AS TEXT), CAST(alter_bis AS TEXT), {text}",
        Handlungsfeld: f"{text}, {text}, {text}",
        Zielgruppe: f"{text}, {text}, {text}",
        Sozialraum: f"{text}, {text}, CAST(grenze AS TEXT)",
        Sprache: f"code, {text}, {text}",
    }
    vocab = " UNION ALL ".join(
        f"SELECT '{m._meta.model_name}', CAST(uuid AS TEXT), name, slug, active, position, {extra}"
        f" FROM {_table(m)}"
        for m, extra in columns.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {stamps}")
        row = list(cursor.fetchone())
        cursor.execute(f"SELECT * FROM ({vocab}) AS v ORDER BY 1, 2")
        return row, cursor.fetchall()


def version() -> Version:
    """A cheap fingerprint (two queries) of everything the feed shows: the newest change of
    offers (their history records deletions too), organisations, persons and consents, the
    offers' times, and the vocabularies' content (they keep no change date). The day is part of
    it, because offers drop out when they pass the hiding age."""
    row, vocab = _version_rows()
    stamps = [_aware(v) for v in row[:5]]
    parts = [str(v) for v in stamps + row[5:]] + [str(vocab), timezone.localdate().isoformat()]
    known = [v for v in stamps if v is not None]
    return Version(
        last_modified=max(known) if known else None,
        digest=hashlib.sha256("|".join(parts).encode()).hexdigest()[:32],
    )


def located(qs: QuerySet[Angebot]) -> QuerySet[Angebot]:
    """Offers whose organisation has a location (an address or coordinates)."""
    return qs.filter(
        (~Q(organisation__street="") & ~Q(organisation__city=""))
        | Q(organisation__breite__isnull=False, organisation__laenge__isnull=False)
    )


def service_uuid_for_service_at_location(sal_id: str) -> str | None:
    """The offer behind a service_at_location id. Those ids are uuid5 of the offer's uuid and
    cannot be reversed; computing them for the published offers is a few milliseconds."""
    for value in located(published()).values_list("uuid", flat=True):
        if profil.derived_id(value, "service_at_location") == sal_id:
            return str(value)
    return None
