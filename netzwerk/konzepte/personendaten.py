"""Personal data in concept documents, measures and status reports: only who wrote, commented,
noted or asked for what. The texts belong to the network's record (a decided concept, a
consultation); the account behind them is anonymised by erasure."""

from django.utils.translation import gettext_lazy as _

from ..berichte.models import Sachstandsbericht
from ..datenschutz import (
    Loeschung,
    by_user,
    not_personal,
    register,
    register_urheber,
    register_verlauf,
)
from .models import (
    Fortschrittsnotiz,
    Gremium,
    Gremiumseinladung,
    Handlungsschwerpunkt,
    Kapitel,
    KapitelVersion,
    Kommentar,
    Konzept,
    Massnahme,
    Meilenstein,
    Ziel,
)

Mitglied = Gremium.members.through
Mitwirkende = Konzept.mitwirkende.through


register(
    Mitglied,
    label=_("Mitgliedschaft in Gremien"),
    fields=["gremium"],
    rows=by_user(Mitglied),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda m: {"gremium": m.gremium.name},
)
register(
    Kapitel,
    label=_("Zuletzt bearbeitete Kapitel"),
    fields=["updated_by"],
    # Kapitel.alle, as register_urheber but with the chapters removed from a draft, which keep
    # who last wrote them (the default manager leaves them out).
    rows=lambda b: Kapitel.alle.filter(b.user_q("updated_by")),
    loeschung=Loeschung.BEHALTEN,
    grund=_("Nachweis, wer was getan hat; zeigt danach „Gelöschte Person“."),
    export=lambda k: {"kapitel": str(k), "konzept": str(k.konzept)},
)
register_urheber(
    KapitelVersion,
    label=_("Geschriebene Kapitelfassungen"),
    user_fields=["author"],
    export=lambda v: {"kapitel": v.title, "am": v.created_at.isoformat()},
)
register_urheber(
    Kommentar,
    label=_("Kommentare zu Konzepten"),
    user_fields=["author", "answered_by"],
    export=lambda k: {"kapitel": str(k.kapitel), "text": k.text, "antwort": k.answer},
)
register_urheber(
    Fortschrittsnotiz,
    label=_("Fortschrittsnotizen zu Maßnahmen"),
    user_fields=["author"],
    export=lambda n: {"massnahme": str(n.massnahme), "text": n.text},
)
register_urheber(
    Meilenstein,
    label=_("Eingetragene Meilensteine"),
    user_fields=["created_by"],
    export=lambda m: {"meilenstein": m.title},
)
register_urheber(
    Sachstandsbericht,
    label=_("Angeforderte Sachstandsberichte"),
    user_fields=["created_by"],
    export=lambda s: {"bericht": str(s)},
)
for _model in (Handlungsschwerpunkt, Ziel, Massnahme):
    register_verlauf(_model)
register(
    Mitwirkende,
    label=_("Mitwirkung an Konzeptentwürfen"),
    fields=["konzept"],
    rows=by_user(Mitwirkende),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda m: {"konzept": m.konzept.title},
)
register(
    Gremiumseinladung,
    label=_("Einladungen in Gremien"),
    fields=["name", "email", "created_by"],
    rows=lambda b: Gremiumseinladung.objects.filter(b.email_q("email") | b.user_q("created_by")),
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Die Einladung an die Person wird gelöscht; wer eingeladen hat, wird entfernt."),
    erase=lambda qs, b, now: (
        qs.filter(b.email_q("email")).delete(),
        qs.filter(b.user_q("created_by")).update(created_by=None),
    ),
    export=lambda e: {
        "gremium": e.gremium.name,
        "email": e.email,
        "eingeladen": e.created_at.isoformat(),
    },  # fmt: skip
)
not_personal(Gremium, _("Name und Beschreibung eines Gremiums"))
not_personal(Konzept, _("Titel, Beschreibung und Beschluss eines Konzepts"))
not_personal(Handlungsschwerpunkt, _("Titel eines Handlungsschwerpunkts"))
not_personal(Ziel, _("Titel eines Ziels"))
not_personal(Massnahme, _("Titel und Beschreibung einer Maßnahme"))
