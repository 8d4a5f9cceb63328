"""One vocabulary of states (issue 17): every status a page shows means one of six things, and
each meaning has one colour and one icon everywhere. The status text is always printed beside
them, so colour never carries the meaning alone (WCAG 1.4.1).

The badge is `{% status_badge obj %}` or `{% status_badge value kind %}`
(netzwerk/templatetags/status.py); tests/netzwerk/test_status_badges.py fails when a model gains
a status value this module does not map."""

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Bedeutung:
    name: str
    # Bootstrap 5.3 text-bg-* pairs its own text colour: white on success 4.53:1, on danger
    # 4.53:1, on secondary 4.69:1; black on info 10.7:1, warning 12.9:1, light 19.9:1. Primary
    # (4.50:1, white) is left out: it rounds to the threshold.
    css: str
    # A text symbol, aria-hidden: the status word beside it is what a screen reader says.
    icon: str


POSITIV = Bedeutung("positiv", "text-bg-success", "✓")  # done, confirmed, accepted
IN_ARBEIT = Bedeutung("in-arbeit", "text-bg-info", "↻")  # running, being worked on
OFFEN = Bedeutung("offen", "text-bg-light border border-secondary", "○")  # waits for someone
WARNUNG = Bedeutung("warnung", "text-bg-warning", "!")  # needs attention soon
FEHLER = Bedeutung("fehler", "text-bg-danger", "✕")  # failed, cancelled, refused
NEUTRAL = Bedeutung("neutral", "text-bg-secondary", "–")  # draft, set aside, closed, withdrawn

BEDEUTUNGEN = (POSITIV, IN_ARBEIT, OFFEN, WARNUNG, FEHLER, NEUTRAL)

# Model (app_label.model_name) -> status value -> meaning. The same word means the same thing:
# "abgesagt"/"abgelehnt" is FEHLER, "offen" is OFFEN, "fertig"/"erledigt" is POSITIV.
STATUS: dict[str, dict[str, Bedeutung]] = {
    "konferenzen.veranstaltung": {"abgesagt": FEHLER},
    "akteure.angebot": {"veraltet": WARNUNG},
    "konferenzen.anmeldung": {
        "bestaetigt": POSITIV,
        "warteliste": OFFEN,
        "storniert": FEHLER,
        "teilgenommen": POSITIV,
    },
    "konferenzen.einladung": {"offen": OFFEN, "angenommen": POSITIV, "abgelehnt": FEHLER},
    "konferenzen.druck": {"wartet": IN_ARBEIT, "fertig": POSITIV, "fehler": FEHLER},
    "netzwerk.konzept": {
        "entwurf": NEUTRAL,
        "beteiligung": IN_ARBEIT,
        "beschlussvorlage": OFFEN,
        "beschlossen": POSITIV,
    },
    "netzwerk.kommentar": {"offen": OFFEN, "aufgenommen": POSITIV, "nicht_aufgenommen": NEUTRAL},
    "netzwerk.massnahme": {
        "geplant": OFFEN,
        "in_umsetzung": IN_ARBEIT,
        "umgesetzt": POSITIV,
        "zurueckgestellt": NEUTRAL,
    },
    "netzwerk.sachstandsbericht": {
        "wartet": OFFEN,
        "laeuft": IN_ARBEIT,
        "fertig": POSITIV,
        "fehler": FEHLER,
    },
    "netzwerk.mail": {
        "queued": OFFEN,
        "sending": IN_ARBEIT,
        "sent": POSITIV,
        "failed": FEHLER,
        "withdrawn": NEUTRAL,
    },
    "akteure.import": {
        "hochgeladen": OFFEN,
        "geprueft": OFFEN,
        "laeuft": IN_ARBEIT,
        "fertig": POSITIV,
        "fehlgeschlagen": FEHLER,
    },
    "akteure.wegweiserheft": {
        "wartet": OFFEN,
        "laeuft": IN_ARBEIT,
        "fertig": POSITIV,
        "fehler": FEHLER,
    },
    "akteure.datenschutzantrag": {"offen": OFFEN, "erledigt": POSITIV, "abgelehnt": FEHLER},
    "foren.forum": {"aktiv": POSITIV, "ruhend": NEUTRAL},
    "foren.beitrittsanfrage": {"offen": OFFEN, "angenommen": POSITIV, "abgelehnt": FEHLER},
    "foren.beitrag": {
        "offen": OFFEN,
        "in_bearbeitung": IN_ARBEIT,
        "aufgegriffen": IN_ARBEIT,
        "erledigt": POSITIV,
    },
    "foren.abstimmung": {"offen": OFFEN, "geschlossen": NEUTRAL},
}

# States without a status field of their own: derived from the row, labelled here.
ABGELEITET = {
    "konferenzen.veranstaltung": (
        lambda v: "abgesagt" if v.cancelled_at else None,
        {"abgesagt": _("abgesagt")},
    ),
    "akteure.angebot": (
        lambda a: "veraltet" if a.is_stale() else None,
        {"veraltet": _("nicht mehr bestätigt")},
    ),
}


@dataclass(frozen=True)
class Badge:
    value: str
    label: str
    bedeutung: Bedeutung


def status_choices(kind: str) -> type[models.TextChoices] | None:
    """The model's Status choices, or None for a derived state."""
    return getattr(apps.get_model(kind), "Status", None)


def badge(value: str | None, kind: str) -> Badge | None:
    """The badge for one status value; None when there is nothing to show. An unmapped value
    (the test stops that) still shows its text, as neutral, rather than break the page."""
    if not value:
        return None
    if kind in ABGELEITET:
        label = ABGELEITET[kind][1][value]
    else:
        label = status_choices(kind)(value).label
    return Badge(value, str(label), STATUS[kind].get(value, NEUTRAL))


def badge_for(obj: models.Model) -> Badge | None:
    kind = obj._meta.label_lower
    if kind in ABGELEITET:
        return badge(ABGELEITET[kind][0](obj), kind)
    return badge(obj.status, kind)
