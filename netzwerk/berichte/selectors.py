"""Reading status reports: who sees which."""

from django.db.models import QuerySet

from ..rules import is_approved, is_koordination
from .models import Sachstandsbericht


def berichte_fuer(user) -> QuerySet[Sachstandsbericht]:
    """The reports this person may read: all for the coordination, else their committees'."""
    qs = Sachstandsbericht.objects.select_related("gremium", "konzept", "created_by")
    if is_koordination(user):
        return qs
    if not is_approved(user):
        return qs.none()
    return qs.filter(gremium__members=user)
