"""Personal data in forums: memberships and requests go with the person; what they contributed
to a forum's collection stays for the forum, shown as by "Gelöschte Person"."""

from django.utils.translation import gettext_lazy as _

from netzwerk.datenschutz import (
    Loeschung,
    by_user,
    not_personal,
    register,
    register_frist,
    register_urheber,
    register_verlauf,
)

from .models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Forum,
    Interessensbekundung,
    Kommentar,
    Mitgliedschaft,
    Stimme,
)

Moderation = Forum.moderators.through


register(
    Mitgliedschaft,
    label=_("Mitgliedschaften in Foren"),
    fields=["forum", "joined_at", "digest"],
    rows=by_user(Mitgliedschaft),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda m: {"forum": m.forum.name, "seit": m.joined_at.isoformat()},
    order=30,
)
register(
    Moderation,
    label=_("Moderation von Foren"),
    fields=["forum"],
    rows=by_user(Moderation),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda m: {"forum": m.forum.name},
    order=30,
)
register(
    Beitrittsanfrage,
    label=_("Anfragen, einem Forum beizutreten"),
    fields=["forum", "message", "status", "answer"],
    rows=by_user(Beitrittsanfrage),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda a: {
        "forum": a.forum.name,
        "nachricht": a.message,
        "status": a.get_status_display(),
        "antwort": a.answer,
    },
    order=30,
)
register(
    Interessensbekundung,
    label=_("Interesse an einem Forum (ohne Konto)"),
    fields=["name", "organisation", "email", "message"],
    rows=lambda b: Interessensbekundung.objects.filter(b.email_q("email")),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda i: {
        "forum": i.forum.name,
        "name": i.name,
        "organisation": i.organisation,
        "email": i.email,
        "nachricht": i.message,
        "eingegangen": i.created_at.isoformat(),
    },
    order=30,
)
register_urheber(
    Beitrag,
    label=_("Beiträge in der Sammlung eines Forums"),
    user_fields=["author"],
    export=lambda b: {"forum": b.forum.name, "titel": b.title, "text": b.text},
)
register_verlauf(Beitrag, label=_("Verlauf: Beiträge"), user_fields=["author"])
register_urheber(
    Kommentar,
    label=_("Kommentare zu Beiträgen"),
    user_fields=["author"],
    export=lambda k: {"beitrag": k.beitrag.title, "text": k.text},
)
register_urheber(
    Stimme,
    label=_("Punkte in Abstimmungsrunden"),
    user_fields=["user"],
    export=lambda s: {"runde": s.abstimmung.title, "beitrag": s.beitrag.title},
)
register_urheber(
    Abstimmung,
    label=_("Eröffnete Abstimmungsrunden"),
    user_fields=["created_by"],
    export=lambda a: {"runde": a.title, "forum": a.forum.name},
)
register_urheber(
    Dokument,
    label=_("Hochgeladene Dokumente"),
    user_fields=["uploaded_by"],
    export=lambda d: {"dokument": d.title, "forum": d.forum.name},
)
not_personal(Forum, _("Name und Beschreibung eines Forums"))


def _interessen_expire(now, tage: int) -> int:
    from .services import interessen_cleanup

    return interessen_cleanup(now=now)


register_frist(
    key="interessen",
    label=_("Unbestätigtes Interesse an einem Forum"),
    # As long as the confirmation link in the mail works (foren.services.INTERESSE_MAX_AGE).
    setting="FRIST_INTERESSE_TAGE",
    default=7,
    was=_("wird gelöscht, wenn die Adresse nicht bestätigt wurde"),
    apply=_interessen_expire,
)
