import rules
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .rules import is_approved, is_gremium, is_koordination, is_partner, is_superuser


class Rollen:
    """What the navigation needs to know about the current person, asked once per request."""

    def __init__(self, user):
        self.approved = is_approved(user)
        self.koordination = is_koordination(user)
        self.partner = is_partner(user)
        self.gremium = is_gremium(user)
        # Asked by name: netzwerk sits below foren and never imports it. Asked of the rules
        # alone: user.has_perm() would go on to the model backend whenever the answer is no, two
        # queries of Django permissions on every page (no such Django permission exists).
        self.moderation = is_superuser(user) or rules.has_perm("foren.moderate_any_forum", user)
        self.pending = user.is_authenticated and not self.approved


def rollen_for(request) -> Rollen:
    """The request's roles, computed once: navigation and dashboard ask the same object."""
    if not hasattr(request, "_rollen"):
        request._rollen = Rollen(request.user)
    return request._rollen


def portal(request) -> dict:
    return {
        "portal_name": settings.PORTAL_NAME,
        "traeger": settings.PORTAL_TRAEGER,
        "adresse": settings.PORTAL_ADRESSE,
        "kontakt": settings.PORTAL_KONTAKT_EMAIL,
        "kontakt_telefon": settings.PORTAL_KONTAKT_TELEFON,
        "rollen": SimpleLazyObject(lambda: rollen_for(request)),
    }
