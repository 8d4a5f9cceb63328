"""The registry of personal data: every model that stores data about people declares it here.

Each app fills the registry from its own `datenschutz.py` (imported in its AppConfig.ready), so a
lower floor never needs to know the apps above it: erasure (akteure.services.person_erase), the
access request (Art. 15 DSGVO) and the retention periods all walk this one list. A model that has
a name, e-mail, phone or free-text field, or points at an account, and is neither registered nor
declared `not_personal` with a reason, fails tests/netzwerk/test_datenschutz.py.

What erasure does with a model's rows is one of three things, said on the confirmation page:
- LOESCHEN: the rows are deleted;
- ANONYMISIEREN: the rows stay (a count, a forum's collection, an attendance figure needs them),
  everything that names the person is overwritten;
- BEHALTEN: the rows stay as they are, with the legal reason why; they refer to the person only
  through the account, which erasure anonymises ("Gelöschte Person").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

GELOESCHT = "Gelöschte Person"
GELOESCHT_TEXT = "[gelöscht]"


class Loeschung(models.TextChoices):
    LOESCHEN = "loeschen", _("werden gelöscht")
    ANONYMISIEREN = "anonymisieren", _("werden anonymisiert")
    BEHALTEN = "behalten", _("bleiben ohne Namen erhalten")


@dataclass(frozen=True)
class Betroffene:
    """Whose data: the contact person (akteure.Person), the account, and the addresses and names
    under which rows without a link (an invitation, a feedback form) were written."""

    person_id: int | None = None
    user_id: int | None = None
    emails: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    def user_q(self, *fields: str) -> Q:
        """Rows whose account field (a foreign key to the user) is the person's account."""
        q = Q(pk__in=[])
        if self.user_id is not None:
            for name in fields:
                q |= Q(**{f"{name}_id": self.user_id})
        return q

    def email_q(self, *fields: str) -> Q:
        """Rows whose address field is one of the person's addresses (case does not matter)."""
        q = Q(pk__in=[])
        for name in fields:
            for email in self.emails:
                q |= Q(**{f"{name}__iexact": email})
        return q

    def text_q(self, *fields: str) -> Q:
        """Candidate rows whose text contains the person's name or address somewhere; `mentions`
        keeps those that name them as a whole word."""
        q = Q(pk__in=[])
        for name in fields:
            for needle in self.needles:
                q |= Q(**{f"{name}__icontains": needle})
        return q

    @property
    def needles(self) -> list[str]:
        """Names and addresses to look for, longest first; a name shorter than five letters
        ("e d") would match ordinary words and is left out."""
        names = {n for n in self.names if len(n.replace(" ", "")) >= 5}
        return sorted(self.emails | names, key=len, reverse=True)

    @property
    def muster(self) -> re.Pattern | None:
        if not self.needles:
            return None
        alternatives = "|".join(re.escape(n) for n in self.needles)
        return re.compile(rf"(?<![\w.@-])(?:{alternatives})(?![\w@-])", re.IGNORECASE)

    def mentions(self, queryset: QuerySet, *fields: str) -> QuerySet:
        """The rows of `queryset` whose fields name the person as a whole word: "Max Muster" is
        not found in "Max Mustermann", "max@x.de" not in "felix.max@x.de"."""
        muster = self.muster
        if muster is None:
            return queryset.none()
        ids = [
            row["pk"]
            for row in queryset.filter(self.text_q(*fields)).values("pk", *fields)
            if any(muster.search(str(row[f] or "")) for f in fields)
        ]
        return queryset.filter(pk__in=ids)

    def redact(self, text: str) -> str:
        """The text with the person's names and addresses replaced, whole words only."""
        muster = self.muster
        return muster.sub(GELOESCHT_TEXT, text) if muster and text else text


Rows = Callable[[Betroffene], QuerySet]
Erase = Callable[[QuerySet, Betroffene, datetime], None]
Export = Callable[[models.Model], dict]


@dataclass(frozen=True)
class Datenart:
    """One model's personal data: its fields, how to find a person's rows, what erasure does."""

    model: type[models.Model]
    label: str
    fields: tuple[str, ...]
    rows: Rows
    loeschung: str
    grund: str
    erase: Erase | None = None
    export: Export | None = None
    # Erasure runs the entries in this order (lower first): registrations are cancelled through
    # their service before the mails are scrubbed, the account is anonymised last.
    order: int = 50

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def loeschung_label(self) -> str:
        return str(Loeschung(self.loeschung).label)

    def export_row(self, row: models.Model) -> dict:
        if self.export is not None:
            return self.export(row)
        return {name: _plain(getattr(row, name, None)) for name in ("pk", *self.fields)}

    def run_erase(self, betroffene: Betroffene, now: datetime) -> None:
        queryset = self.rows(betroffene)
        if self.erase is not None:
            self.erase(queryset, betroffene, now)
        elif self.loeschung == Loeschung.LOESCHEN:
            queryset.delete()


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


@dataclass
class Register:
    eintraege: dict[str, Datenart] = field(default_factory=dict)
    nicht_personenbezogen: dict[str, str] = field(default_factory=dict)
    fristen: dict[str, Frist] = field(default_factory=dict)

    def ordered(self) -> list[Datenart]:
        return sorted(self.eintraege.values(), key=lambda d: (d.order, d.key))


REGISTER = Register()


def register(
    model: type[models.Model],
    *,
    label: str,
    fields: Iterable[str],
    rows: Rows,
    loeschung: str,
    grund: str,
    erase: Erase | None = None,
    export: Export | None = None,
    order: int = 50,
) -> None:
    REGISTER.eintraege[model._meta.label_lower] = Datenart(
        model=model,
        label=str(label),
        fields=tuple(fields),
        rows=rows,
        loeschung=loeschung,
        grund=str(grund),
        erase=erase,
        export=export,
        order=order,
    )


def by_user(model, *fields: str) -> Rows:
    """The rows of `model` whose account fields (default: `user`) are the person's account."""
    return lambda b: model._default_manager.filter(b.user_q(*(fields or ("user",))))


def register_urheber(model, *, label: str, user_fields: Iterable[str], export=None) -> None:
    """A model that only records which account did something (wrote, uploaded, decided): the
    rows stay, the account behind them is anonymised by erasure, so they show 'Gelöschte
    Person'. Accountability (Art. 5(2) DSGVO) and the work of others need the rows."""
    user_fields = tuple(user_fields)
    register(
        model,
        label=label,
        fields=user_fields,
        rows=by_user(model, *user_fields),
        loeschung=Loeschung.BEHALTEN,
        grund=_("Nachweis, wer was getan hat; zeigt danach „Gelöschte Person“."),
        export=export,
    )


def not_personal(model: type[models.Model], grund: str) -> None:
    """Declare a model with name or text fields that are not about people, and why."""
    REGISTER.nicht_personenbezogen[model._meta.label_lower] = str(grund)


# --- Access request and erasure -------------------------------------------------------------
@dataclass(frozen=True)
class Schritt:
    datenart: Datenart
    anzahl: int


def plan(betroffene: Betroffene) -> list[Schritt]:
    """What erasure will do, with counts, for the confirmation page (entries with rows only)."""
    schritte = [Schritt(d, d.rows(betroffene).count()) for d in REGISTER.ordered()]
    return [s for s in schritte if s.anzahl]


def auskunft(betroffene: Betroffene) -> dict[str, dict]:
    """Every registered row of the person, grouped by model, with what erasure would do."""
    daten = {}
    for datenart in REGISTER.ordered():
        rows = [datenart.export_row(row) for row in datenart.rows(betroffene)]
        daten[datenart.key] = {
            "bezeichnung": datenart.label,
            "anzahl": len(rows),
            "bei_loeschung": datenart.loeschung_label,
            "grund": datenart.grund,
            "eintraege": rows,
        }
    return daten


def erase(betroffene: Betroffene, now: datetime) -> None:
    """Run every entry's erasure; the caller holds the transaction."""
    for datenart in REGISTER.ordered():
        datenart.run_erase(betroffene, now)


# --- Retention periods -------------------------------------------------------------------------
@dataclass(frozen=True)
class Frist:
    """A retention period: after `tage` days (from a setting), `apply(now, tage)` deletes or
    anonymises what is older and returns how many rows it changed."""

    key: str
    label: str
    setting: str
    default: int
    was: str
    apply: Callable[[datetime, int], int]

    @property
    def tage(self) -> int:
        from django.conf import settings

        return int(getattr(settings, self.setting, self.default))


def register_frist(*, key: str, label: str, setting: str, default: int, was: str, apply) -> None:
    REGISTER.fristen[key] = Frist(key, str(label), setting, default, str(was), apply)


def fristen() -> list[Frist]:
    return sorted(REGISTER.fristen.values(), key=lambda f: f.label)


def fristen_apply(now: datetime) -> dict[str, int]:
    return {frist.key: frist.apply(now, frist.tage) for frist in fristen()}


def register_verlauf(model, *, label: str | None = None, user_fields: Iterable[str] = ()) -> None:
    """The change history (django-simple-history) of a model: who changed it, kept like the
    other records of who did what."""
    historical = model.history.model
    register_urheber(
        historical,
        label=label or _("Verlauf: %(was)s") % {"was": model._meta.verbose_name_plural},
        user_fields=("history_user", *user_fields),
        export=lambda h: {
            "wann": h.history_date.isoformat(),
            "art": h.get_history_type_display(),
            "objekt": str(h.instance),
        },
    )
