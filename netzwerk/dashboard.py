"""The dashboard is the top floor: it reads the other apps through their selectors."""

from akteure.selectors import organisation_of_user
from foren.selectors import foren_moderated_by, foren_with_member

from .context_processors import Rollen
from .models import Rueckmeldung
from .selectors import accounts_awaiting_approval


def dashboard_context(user) -> dict:
    rollen = Rollen(user)
    context: dict = {"rollen_jetzt": rollen}
    if rollen.koordination:
        context["wartende_freigaben"] = accounts_awaiting_approval().count()
        context["offene_rueckmeldungen"] = Rueckmeldung.objects.filter(done=False).count()
    if rollen.moderation:
        context["moderierte_foren"] = list(foren_moderated_by(user))
    if rollen.approved:
        context["meine_foren"] = list(foren_with_member(user))
        context["meine_organisation"] = organisation_of_user(user)
    return context
