"""The network's vocabularies, maintained by the coordination on portal pages.

Every vocabulary inherits netzwerk.models.Vokabular. Who uses a term is found generically: every
foreign key that points at the vocabulary's model (model._meta), including the tables behind
many-to-many fields, so a model added later is counted, merged and protected without a change here.
The change history (django-simple-history) is not a use: it neither counts nor blocks a deletion,
but a merge moves it along, so no history row is left pointing at a term that no longer exists.
"""

from dataclasses import dataclass

import rules
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges

from .models import Vokabular
from .rules import is_koordination
from .selectors import anzahl_je
from .text import unique_slug

MANAGE = "netzwerk.manage_vokabular"
rules.set_perm(MANAGE, is_koordination)

# A new term goes to the end of its list, this far behind the last one.
SCHRITT = 10


@dataclass(frozen=True)
class Art:
    """One vocabulary as its pages name it: the key in the address and the model behind it."""

    key: str
    model_label: str
    hinweis: str

    @cached_property
    def model(self) -> type[Vokabular]:
        # By name: organisation types belong to akteure, a floor above netzwerk.
        return apps.get_model(self.model_label)

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def name_singular(self) -> str:
        return str(self.model._meta.verbose_name)


ARTEN: dict[str, Art] = {
    art.key: art
    for art in [
        Art(
            "lebensphasen",
            "netzwerk.Lebensphase",
            gettext_lazy("Die Abschnitte der Präventionskette, mit Altersspanne."),
        ),
        Art(
            "handlungsfelder",
            "netzwerk.Handlungsfeld",
            gettext_lazy("Themen der Foren und Angebote."),
        ),
        Art(
            "sozialraeume",
            "netzwerk.Sozialraum",
            gettext_lazy("Stadtteile und Quartiere für die Lückenanalyse."),
        ),
        Art(
            "querschnittsthemen",
            "netzwerk.Querschnittsthema",
            gettext_lazy("Themen, die jedes Forum im Blick behält."),
        ),
        Art(
            "zielgruppen",
            "netzwerk.Zielgruppe",
            gettext_lazy("Für wen ein Angebot gedacht ist."),
        ),
        Art(
            "organisationstypen",
            "akteure.Organisationstyp",
            gettext_lazy("Die Arten der Mitgliedsorganisationen."),
        ),
        Art(
            "sprachen",
            "netzwerk.Sprache",
            gettext_lazy("Sprachen, in denen Angebote stattfinden (mit Sprachcode)."),
        ),
    ]
}


def art_for(model: type[Vokabular]) -> Art:
    return next(art for art in ARTEN.values() if art.model is model)


# --- Who uses a term ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verwendung:
    """One foreign key to a vocabulary: `model.field` (a many-to-many field's table included)."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def key(self) -> str:
        return f"n_{self.model._meta.db_table}_{self.field.column}"

    @property
    def owner(self) -> type[models.Model]:
        # The table behind Angebot.lebensphasen counts as Angebote.
        return self.model._meta.auto_created or self.model

    @property
    def label(self) -> str:
        return str(self.owner._meta.verbose_name_plural)

    @property
    def is_history(self) -> bool:
        return issubclass(self.model, HistoricalChanges)

    @property
    def is_m2m_table(self) -> bool:
        return bool(self.model._meta.auto_created)


def verwendungen(model: type[Vokabular], *, history: bool = False) -> list[Verwendung]:
    """Every foreign key that points at `model`, found through model._meta (hidden ones too:
    `related_name="+"` and the tables behind many-to-many fields)."""
    found = [
        Verwendung(rel.related_model, rel.field)
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and isinstance(rel, models.ManyToOneRel)
    ]
    return [v for v in found if history or not v.is_history]


def _zaehler(verwendung: Verwendung) -> Coalesce:
    return anzahl_je(verwendung.model._base_manager.all(), verwendung.field.name)


def terms_with_usage(model: type[Vokabular]) -> QuerySet:
    """All terms of a vocabulary in their order, each annotated with one count per use (see
    `verwendung_of`): a single query however many terms and uses there are."""
    return model.objects.annotate(**{v.key: _zaehler(v) for v in verwendungen(model)}).order_by(
        "position", "name"
    )


def verwendung_of(term: Vokabular) -> list[tuple[str, int]]:
    """(label, count) of every use of an annotated term (from `terms_with_usage`), uses with the
    same label summed: [("Angebote", 12), ("Foren", 1)]."""
    summen: dict[str, int] = {}
    for v in verwendungen(type(term)):
        n = getattr(term, v.key, None)
        if n is None:  # not annotated: count it now
            n = v.model._base_manager.filter(**{v.field.name: term}).count()
        summen[v.label] = summen.get(v.label, 0) + n
    return [(label, n) for label, n in summen.items() if n]


def usage_count(term: Vokabular) -> int:
    return sum(n for _wo, n in verwendung_of(term))


def _verwendung_text(verwendung: list[tuple[str, int]]) -> str:
    return ", ".join(f"{label}: {n}" for label, n in verwendung)


# --- Terms offered in forms ---------------------------------------------------------------------


def angeboten(queryset: QuerySet, *, behalten=()) -> QuerySet:
    """The active terms of `queryset`, and those in `behalten` (what the edited record already
    has, a list of primary keys or a subquery): an old record keeps a deactivated term."""
    return queryset.filter(Q(active=True) | Q(pk__in=behalten))


def _vorhanden(instance, name: str):
    if instance is None or instance.pk is None:
        return []
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if field.many_to_many:
        return getattr(instance, name).values("pk")
    if field.many_to_one or field.one_to_one:
        value = getattr(instance, field.attname)
        return [] if value is None else [value]
    return []


def term_label(term: Vokabular) -> str:
    return str(term) if term.active else _("%(name)s (nicht mehr aktiv)") % {"name": term}


def nur_aktive_begriffe(form, *, behalten: dict | None = None) -> None:
    """Every vocabulary field of `form` offers the active terms only, plus those its record
    (a ModelForm's instance) already has, or those given in `behalten` ({field name: pks}); a kept
    inactive term is marked as such."""
    instance = getattr(form, "instance", None)
    behalten = behalten or {}
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not issubclass(queryset.model, Vokabular):
            continue
        keep = behalten[name] if name in behalten else _vorhanden(instance, name)
        field.queryset = angeboten(queryset, behalten=keep)
        if "label_from_instance" not in vars(field):
            field.label_from_instance = term_label


def nur_aktive_filter(filterset) -> None:
    """The same for a django-filter FilterSet: active terms, and the one that is selected (an old
    link to a deactivated term still finds its records)."""
    for name, flt in filterset.filters.items():
        queryset = getattr(flt, "queryset", None)
        if not isinstance(queryset, QuerySet) or not issubclass(queryset.model, Vokabular):
            continue
        values = filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else []
        keep = [int(v) for v in values if str(v).isdigit()]
        flt.queryset = angeboten(queryset, behalten=keep)


# --- Writes ---------------------------------------------------------------------------------------


def _pruefe_name(model: type[Vokabular], name: str, *, ausser: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Bitte geben Sie einen Namen an.")})
    doppelt = model.objects.filter(name__iexact=name).exclude(pk=ausser).first()
    if doppelt is not None:
        raise ValidationError(
            {
                "name": _(
                    "„%(name)s“ gibt es unter %(art)s schon (als „%(da)s“). Bitte wählen Sie "
                    "einen anderen Namen oder führen Sie die Begriffe zusammen."
                )
                % {"name": name, "art": model._meta.verbose_name_plural, "da": doppelt.name}
            }
        )
    return name


def _felder(model: type[Vokabular], fields: dict) -> dict:
    erlaubt = {f.name for f in model._meta.concrete_fields} - {"id", "name", "slug", "position"}
    if unbekannt := set(fields) - erlaubt:
        raise TypeError(f"{model.__name__} hat keine Felder {sorted(unbekannt)}")
    von, bis = fields.get("alter_von"), fields.get("alter_bis")
    if von is not None and bis is not None and von >= bis:
        raise ValidationError(
            {"alter_bis": _("Das Alter „bis“ muss größer sein als das Alter „von“.")}
        )
    return fields


@transaction.atomic
def term_create(*, model: type[Vokabular], name: str, **fields) -> Vokabular:
    """A new term, at the END of its list (position after the last one), with a unique slug made
    from the name; a name that exists in another spelling (case) is refused."""
    name = _pruefe_name(model, name)
    last = model.objects.aggregate(m=Max("position"))["m"]
    term = model(
        name=name,
        slug=unique_slug(model, name, model._meta.model_name, cut=110),
        position=(last or 0) + SCHRITT,
        **_felder(model, fields),
    )
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError as error:  # the same name, entered at the same moment
        raise ValidationError({"name": _("„%(name)s“ gibt es schon.") % {"name": name}}) from error
    return term


@transaction.atomic
def term_update(*, term: Vokabular, name: str, **fields) -> Vokabular:
    """Rename a term (and change its other fields). The slug stays: addresses that name the term
    (the prevention chain's ?sozialraum=nord) keep working."""
    term.name = _pruefe_name(type(term), name, ausser=term.pk)
    for key, value in _felder(type(term), fields).items():
        setattr(term, key, value)
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError as error:
        raise ValidationError({"name": _("„%(name)s“ gibt es schon.") % {"name": name}}) from error
    return term


@transaction.atomic
def term_move(*, term: Vokabular, richtung: str) -> bool:
    """Move a term one place up ("hoch") or down ("runter"). The list is renumbered in steps of
    ten on the way, so equal positions (old data) cannot block a move. False at either end."""
    if richtung not in ("hoch", "runter"):
        raise ValueError(richtung)
    model = type(term)
    liste = list(model.objects.select_for_update().order_by("position", "name", "pk"))
    index = next(i for i, t in enumerate(liste) if t.pk == term.pk)
    anderer = index - 1 if richtung == "hoch" else index + 1
    if not 0 <= anderer < len(liste):
        return False
    liste[index], liste[anderer] = liste[anderer], liste[index]
    geaendert = []
    for i, t in enumerate(liste, start=1):
        if t.position != i * SCHRITT:
            t.position = i * SCHRITT
            geaendert.append(t)
    model.objects.bulk_update(geaendert, ["position"])
    term.position = next(t.position for t in liste if t.pk == term.pk)
    return True


@transaction.atomic
def term_toggle(*, term: Vokabular, active: bool | None = None) -> Vokabular:
    """Deactivate (or reactivate) a term: inactive terms are no longer offered in new forms;
    records that have one keep it, and their edit forms still offer it."""
    term.active = (not term.active) if active is None else active
    term.save(update_fields=["active"])
    return term


@transaction.atomic
def term_merge(*, source: Vokabular, target: Vokabular) -> dict[str, int]:
    """Merge `source` into `target`: every reference to source (foreign keys and many-to-many
    fields of any model, the change history included) moves to target, a record that had both
    keeps target once; then source is deleted. All in one transaction: all or nothing.
    Returns the number of moved references per use (label: count)."""
    model = type(source)
    if type(target) is not model:
        raise ValidationError(_("Nur Begriffe derselben Liste lassen sich zusammenführen."))
    if source.pk == target.pk:
        raise ValidationError(
            _("Ein Begriff kann nicht mit sich selbst zusammengeführt werden. Bitte wählen Sie "
              "einen anderen Zielbegriff.")
        )  # fmt: skip
    # Both rows locked: nobody tags a record with source while it is moving away.
    locked = {
        t.pk: t for t in model.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    if len(locked) != 2:
        raise ValidationError(_("Einer der beiden Begriffe ist inzwischen gelöscht."))
    bewegt: dict[str, int] = {}
    for v in verwendungen(model, history=True):
        name = v.field.name
        rows = v.model._base_manager.filter(**{name: source.pk})
        partner = _partner_feld(v)
        if partner is not None:
            # A record tagged with both keeps target once.
            hat_ziel = v.model._base_manager.filter(**{name: target.pk}).values(partner)
            rows.filter(**{f"{partner}__in": hat_ziel}).delete()
        try:
            with transaction.atomic():
                n = rows.update(**{name: target.pk})
        except IntegrityError as error:
            raise ValidationError(
                _("„%(a)s“ und „%(b)s“ lassen sich nicht zusammenführen: %(wo)s erlauben jeden "
                  "Begriff nur einmal.")
                % {"a": source, "b": target, "wo": v.label}
            ) from error  # fmt: skip
        if n and not v.is_history:  # only the uses that moved (an indicator may have none)
            bewegt[v.label] = bewegt.get(v.label, 0) + n
    locked[source.pk].delete()
    return bewegt


def _partner_feld(v: Verwendung) -> str | None:
    """For a many-to-many table, the field naming the other side (angebot for
    Angebot_lebensphasen); for a history table of one, the history row."""
    if v.is_m2m_table:
        return next(
            f.name
            for f in v.model._meta.concrete_fields
            if f.is_relation and f.name != v.field.name
        )
    if v.is_history and not hasattr(v.model, "history_date"):
        return "history"  # simple_history's table of a many-to-many field at one point in time
    return None


@transaction.atomic
def term_delete(*, term: Vokabular) -> None:
    """Delete a term nobody uses; a term in use is refused with how often and where."""
    term = type(term).objects.select_for_update().get(pk=term.pk)
    if verwendung := verwendung_of(term):
        anzahl = sum(n for _wo, n in verwendung)
        raise ValidationError(
            _("„%(name)s“ wird noch %(n)s-mal verwendet (%(wo)s) und kann nicht gelöscht werden. "
              "Deaktivieren Sie den Begriff oder führen Sie ihn mit einem anderen zusammen.")
            % {"name": term.name, "n": anzahl, "wo": _verwendung_text(verwendung)}
        )  # fmt: skip
    term.delete()


def altersspanne(term: Vokabular) -> str:
    """A life phase's ages as people say them: "3 bis unter 6 Jahre", "ab 16 Jahre", "unter 18
    Monate"; in months where the months do not make whole years."""
    von, bis = getattr(term, "alter_von", None), getattr(term, "alter_bis", None)
    if von is None and bis is None:
        return ""
    if bis == 0 and von is None:
        return _("vor der Geburt")
    jahre = all(m % 12 == 0 for m in (von, bis) if m is not None)
    einheit = _("Jahre") if jahre else _("Monate")
    zahl = (lambda m: m // 12) if jahre else (lambda m: m)
    if von is None:
        return _("unter %(b)s %(e)s") % {"b": zahl(bis), "e": einheit}
    if bis is None:
        return _("ab %(a)s %(e)s") % {"a": zahl(von), "e": einheit}
    return _("%(a)s bis unter %(b)s %(e)s") % {"a": zahl(von), "b": zahl(bis), "e": einheit}
