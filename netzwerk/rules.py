"""Network-wide roles as django-rules predicates: views, templates and tests ask these."""

import rules

from .models import Rolle


@rules.predicate
def is_approved(user) -> bool:
    return bool(user.is_authenticated and user.is_approved)


def _has_rolle(rolle: str):
    @rules.predicate(name=f"has_rolle_{rolle.lower()}")
    def predicate(user) -> bool:
        return bool(user.is_authenticated and user.is_approved and rolle in user.rollen())

    return predicate


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


is_koordination = is_superuser | _has_rolle(Rolle.KOORDINATION)
is_partner = _has_rolle(Rolle.PARTNER)
is_gremium = _has_rolle(Rolle.GREMIUM)

rules.add_perm("netzwerk.see_dashboard", rules.is_authenticated)
rules.add_perm("netzwerk.approve_accounts", is_koordination)
rules.add_perm("netzwerk.read_feedback", is_koordination)
rules.add_perm("netzwerk.read_outbox", is_koordination)
