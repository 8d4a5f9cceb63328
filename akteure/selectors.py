from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from netzwerk import datenschutz
from netzwerk.datenschutz import Betroffene
from netzwerk.models import Handlungsfeld, Lebensphase
from netzwerk.rules import is_koordination, is_partner
from netzwerk.sortierung import deutsch
from netzwerk.text import schreibweisen_regex, umlaute_ausgeschrieben

from . import search
from .models import Angebot, Organisation, Person


def organisation_of_user(user) -> Organisation | None:
    if not user.is_authenticated:
        return None
    return Organisation.objects.filter(personen__user=user).select_related("typ").first()


def _words(q: str) -> list[str]:
    return [w for w in q.split() if w][:10]


def _prefix_query(q: str) -> SearchQuery | None:
    """Every word as a stemmed prefix, all required: "Sprach" finds "Sprachförderung", the
    compounds German is full of. Only letters and digits reach to_tsquery, so no input breaks it.
    A word with umlauts or ß is asked for spelt out too ("Ärzte" as "Aerzte"), which the stored
    vector also holds (migration 0014); "Aerzte" finds "Ärztehaus" by that spelt-out form.
    """
    words = ["".join(ch for ch in w if ch.isalnum()) for w in _words(q)]
    terms = [_prefix_term(w) for w in words if w]
    if not terms:
        return None
    return SearchQuery(" & ".join(terms), config=search.CONFIG, search_type="raw")


def _prefix_term(word: str) -> str:
    ausgeschrieben = umlaute_ausgeschrieben(word)
    if ausgeschrieben == word:
        return f"{word}:*"
    return f"({word}:* | {ausgeschrieben}:*)"


def _fulltext(qs: QuerySet, q: str, title: str) -> QuerySet:
    """German full-text search on the stored vector, ranked (title or name weighs more than the
    description); on SQLite a plain fallback: every word somewhere in title or description, its
    umlauts and ß however written."""
    q = q.strip()
    if not q:
        return qs
    if connection.vendor == "postgresql":
        query = _prefix_query(q)
        if query is None:
            return qs.none()
        return (
            qs.filter(suchvektor=query)
            .annotate(rank=SearchRank(F("suchvektor"), query))
            .order_by("-rank", deutsch(title))
        )
    for word in _words(q):
        rx = schreibweisen_regex(word)
        qs = qs.filter(Q(**{f"{title}__iregex": rx}) | Q(description__iregex=rx))
    return qs


def angebote_search(qs: QuerySet[Angebot], q: str) -> QuerySet[Angebot]:
    return _fulltext(qs, q, "title")


def organisationen_search(qs: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    return _fulltext(qs, q, "name")


def angebote_for_list(user) -> QuerySet[Angebot]:
    """Offers this person may see, with all a list row shows, in a fixed number of queries."""
    return (
        Angebot.objects.visible_to(user)
        .select_related("organisation", "organisation__typ", "sozialraum")
        .prefetch_related("lebensphasen", "handlungsfelder")
        .defer("description", "suchvektor", "organisation__description", "organisation__suchvektor")
        .order_by(deutsch("title"))
    )


class Seiten(Paginator):
    """The pages of a list; those of a ranked search drawn by their ids first. Every match of a
    search is ordered by rank, and whole rows with their joins were sorted for that (spilled to
    disk at 70,000 matches): here the ids and ranks alone are sorted, in a subquery, and only the
    page's rows read whole. Still one query for the rows. A list in its index order (by title or
    name) keeps Django's plain page: the filters' joins would be planned twice over."""

    def page(self, number) -> Page:
        if "rank" not in self.object_list.query.annotations:  # selectors._fulltext's
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Paginator.page: the last page takes the orphans
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids)[: top - bottom], number, self)


def angebote_for_cards(user) -> QuerySet[Angebot]:
    """The offers of angebote_for_list with only the fields a card on the list page shows: a
    fresh page reads and builds 25 rows of a few columns, not whole offers with their
    organisation (and its address) and the Sozialraum's boundary (GeoJSON, decoded per row)."""
    return (
        angebote_for_list(user)
        .only(*ANGEBOT_KARTE)
        .prefetch_related(None)
        .prefetch_related(
            # As plain lists: a related manager per card and field cost more than the rows.
            Prefetch("lebensphasen", Lebensphase.objects.only("name"), to_attr="phasen"),
            Prefetch("handlungsfelder", Handlungsfeld.objects.only("name"), to_attr="felder"),
        )
    )


# What akteure/angebot_list.html shows of an offer; is_public and confirmed_at for its badges.
ANGEBOT_KARTE = (
    "organisation",
    "sozialraum",
    "title",
    "slug",
    "is_public",
    "confirmed_at",
    "organisation__name",
    "organisation__typ",
    "organisation__typ__name",
    "sozialraum__name",
)


def organisationen_for_list() -> QuerySet[Organisation]:
    # A correlated count: computed for the rows of one page only, not grouped over all of them.
    angebote = (
        Angebot.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Organisation.objects.select_related("typ", "sozialraum")
        .defer("description", "suchvektor")
        .annotate(angebot_count=Coalesce(Subquery(angebote), 0))
        .order_by(deutsch("name"))
    )


def organisationen_for_table() -> QuerySet[Organisation]:
    """The organisations of organisationen_for_list with only what a row of the list page shows
    (no address, nor the Sozialraum's boundary)."""
    return organisationen_for_list().only(
        "name", "slug", "typ__name", "sozialraum__name", "typ", "sozialraum"
    )


def organisationen_neu(*, anfang: datetime, ende: datetime) -> QuerySet[Organisation]:
    """The organisations that came in the period [anfang, ende), by name. They have no creation
    date of their own; their history records when they came."""
    neue = Organisation.history.filter(
        history_date__gte=anfang, history_date__lt=ende, history_type="+"
    )
    return (
        Organisation.objects.filter(pk__in=neue.values("id"))
        .select_related("typ", "sozialraum")
        .order_by(deutsch("name"))
    )


def angebote_neu(*, anfang: datetime, ende: datetime, nur_oeffentlich: bool) -> QuerySet[Angebot]:
    """The offers created in the period [anfang, ende), by title, with their organisation and
    Lebensphasen. `nur_oeffentlich`: the public ones only."""
    qs = Angebot.objects.public() if nur_oeffentlich else Angebot.objects.all()
    return (
        qs.filter(created_at__gte=anfang, created_at__lt=ende)
        .select_related("organisation")
        .prefetch_related("lebensphasen")
        .order_by(deutsch("title"))
    )


def personen_visible_to(user, organisation: Organisation) -> QuerySet[Person]:
    """Coordinators and partners, who work with them, see every contact person; everyone else
    (the public, committee members) only those who consented."""
    qs = organisation.personen.active()
    if is_koordination(user) or is_partner(user):
        return qs
    return qs.with_public_consent()


def organisation_detail_angebote(user, organisation: Organisation) -> QuerySet[Angebot]:
    return (
        Angebot.objects.visible_to(user)
        .filter(organisation=organisation)
        .prefetch_related("lebensphasen", "handlungsfelder")
        .order_by(deutsch("title"))
    )


def praeventionskette_zellen(*, user) -> list[tuple[int | None, int, int | None, int]]:
    """(Sozialraum, Lebensphase, Handlungsfeld, offers) for the current offers with a life
    phase: one aggregate, from which the town's map, each Sozialraum's map and its gaps all
    follow. An offer has one Sozialraum, so its rows add up to the town's without counting one
    twice; Handlungsfeld None: offers of that phase without any field."""
    return list(
        Angebot.objects.visible_to(user)
        .current()
        .filter(lebensphasen__isnull=False)
        .values_list("sozialraum", "lebensphasen", "handlungsfelder")
        .annotate(n=Count("*"))
        .order_by()
    )


def praeventionskette(*, user, sozialraum=None, zellen=None) -> dict:
    """Current offers per (Lebensphase, Handlungsfeld): the network's map and its gaps.

    One aggregate query, whatever the number of offers (or none: `zellen` from
    praeventionskette_zellen); empty cells are the gaps (Lücken).
    """
    phasen = list(Lebensphase.objects.order_by("position", deutsch("name")))
    felder = list(Handlungsfeld.objects.order_by("position", deutsch("name")))
    if zellen is None:
        zellen = praeventionskette_zellen(user=user)
    counts: dict[tuple[int, int], int] = {}
    for raum, phase, feld, n in zellen:
        if feld is not None and (sozialraum is None or raum == sozialraum.pk):
            counts[phase, feld] = counts.get((phase, feld), 0) + n
    most = max(counts.values(), default=0)

    def cell(phase, feld) -> dict:
        n = counts.get((phase.pk, feld.pk), 0)
        # Colour level 0 (gap) to 4 (the best-served cell); text always says the number too.
        return {"feld": feld, "n": n, "level": 0 if n == 0 else 1 + (3 * n) // (most + 1)}

    rows = [{"phase": p, "cells": [cell(p, f) for f in felder]} for p in phasen]
    return {
        "phasen": phasen,
        "felder": felder,
        "rows": rows,
        "max": most,
        "luecken": sum(1 for row in rows for c in row["cells"] if c["n"] == 0),
    }


def betroffene_for(*, person: Person | None = None, user=None) -> Betroffene:
    """Whose rows erasure and the access request look for: the contact person, their account,
    every address either has used, and their name as it was written."""
    if person is not None and user is None:
        user = person.user
    if user is not None and person is None:
        person = Person.objects.filter(user=user).first()
    emails, names = set(), set()
    for who in (person, user):
        if who is None:
            continue
        if who.email:
            emails.add(who.email.strip().lower())
        full = f"{who.first_name} {who.last_name}".strip()
        if full and not who.email.endswith("@invalid"):
            names.add(full)
    if user is not None:
        # Verified addresses only: anyone can add a stranger's address to their account.
        emails |= {
            e.lower()
            for e in user.emailaddress_set.filter(verified=True).values_list("email", flat=True)
        }
    emails = {e for e in emails if not e.endswith("@invalid")}
    return Betroffene(
        person_id=person.pk if person else None,
        user_id=user.pk if user else None,
        emails=frozenset(emails),
        names=frozenset(names),
    )


def person_export(*, person: Person | None = None, user=None) -> dict:
    """Everything the portal holds on a person, for an access request (Art. 15 DSGVO): every
    entry of the registry of personal data (netzwerk.datenschutz), with what erasure does."""
    return datenschutz.auskunft(betroffene_for(person=person, user=user))


def erase_plan(*, person: Person | None = None, user=None):
    """What erasure will do, with counts, for the confirmation page."""
    return datenschutz.plan(betroffene_for(person=person, user=user))


def personen_for_review(*, now=None) -> QuerySet[Person]:
    """Contact persons without activity for longer than the retention period (DSGVO review)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PERSON_RETENTION_DAYS)
    first_seen = Subquery(
        Person.history.model.objects.filter(id=OuterRef("pk"))
        .values("id")
        .annotate(first=Min("history_date"))
        .values("first")[:1]
    )
    return (
        Person.objects.active()
        .select_related("organisation")
        .annotate(aktiv=Coalesce("last_activity_at", "user__last_login", first_seen))
        .filter(aktiv__lt=cutoff)
        .order_by("aktiv")
    )
