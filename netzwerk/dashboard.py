"""The dashboard is the top floor: it reads the other apps through their selectors."""

from akteure.models import Angebot
from akteure.selectors import organisation_of_user, personen_for_review
from foren.selectors import foren_moderated_by, foren_with_member, interessen_open

from .berichte.selectors import berichte_fuer
from .context_processors import Rollen
from .models import Rueckmeldung, Sachstandsbericht
from .selectors import accounts_awaiting_approval


def dashboard_context(user, rollen: Rollen) -> dict:
    context: dict = {}
    if rollen.koordination:
        context["wartende_freigaben"] = accounts_awaiting_approval().count()
        context["offene_rueckmeldungen"] = Rueckmeldung.objects.filter(done=False).count()
        context["veraltete_angebote"] = Angebot.objects.stale().count()
        context["personen_pruefen"] = personen_for_review().count()
        context["neues_interesse"] = interessen_open().count()
    if rollen.moderation:
        context["moderierte_foren"] = list(foren_moderated_by(user))
    if rollen.approved:
        context["meine_foren"] = list(foren_with_member(user))
        organisation = organisation_of_user(user)
        context["meine_organisation"] = organisation
        if organisation is not None:
            context["meine_angebote"] = list(organisation.angebote.order_by("confirmed_at"))
        # Committee members find the reports meant for their committees here.
        context["meine_gremien"] = list(user.gremien.all())
        if context["meine_gremien"]:
            context["gremium_berichte"] = list(
                berichte_fuer(user).filter(
                    gremium__members=user, status=Sachstandsbericht.Status.FERTIG
                )[:10]
            )
    return context
