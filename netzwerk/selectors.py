from django.db.models import Q, QuerySet

from .models import Rolle, User


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
