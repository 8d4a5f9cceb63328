from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
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


def praeventionskette(*, user, sozialraum=None) -> dict:
    """Current offers per (Lebensphase, Handlungsfeld): the network's map and its gaps.

    One aggregate query, whatever the number of offers; empty cells are the gaps (Lücken).
    """
    phasen = list(Lebensphase.objects.order_by("position", deutsch("name")))
    felder = list(Handlungsfeld.objects.order_by("position", deutsch("name")))
    qs = Angebot.objects.visible_to(user).current()
    if sozialraum is not None:
        qs = qs.filter(sozialraum=sozialraum)
    counts = {
        (row["lebensphasen"], row["handlungsfelder"]): row["n"]
        for row in qs.filter(lebensphasen__isnull=False, handlungsfelder__isnull=False)
        .values("lebensphasen", "handlungsfelder")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    }
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
