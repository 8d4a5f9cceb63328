from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Rolle, User


def anzahl_je(queryset: QuerySet, spalte: str) -> Coalesce:
    """A correlated COUNT of the rows of `queryset` whose `spalte` is the annotated row: one
    subquery each, so counts of different tables never multiply each other as joins would."""
    counted = (
        queryset.filter(**{spalte: OuterRef("pk")})
        .order_by()
        .values(spalte)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def koordination_users() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, approved_at__isnull=False)
        .filter(Q(groups__name=Rolle.KOORDINATION) | Q(is_superuser=True))
        .distinct()
    )


def koordination_emails() -> list[str]:
    return list(koordination_users().values_list("email", flat=True))


def accounts_awaiting_approval() -> QuerySet[User]:
    """Accounts that signed up and confirmed their address, but wait for a coordinator."""
    return (
        User.objects.filter(is_active=True, approved_at__isnull=True, is_superuser=False)
        .filter(emailaddress__verified=True)
        .order_by("date_joined")
        .distinct()
    )
