from django.db import transaction

from netzwerk.services import user_approve

from .models import Organisation, Person


@transaction.atomic
def person_link_account(*, user, organisation: Organisation) -> Person:
    """Make an account the contact person of an organisation (one person per account)."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.filter(
            organisation=organisation, email__iexact=user.email, user__isnull=True
        ).first()
    if person is None:
        person = Person(user=user, email=user.email)
    person.user = user
    person.organisation = organisation
    person.first_name = person.first_name or user.first_name
    person.last_name = person.last_name or user.last_name
    person.save()
    return person


@transaction.atomic
def account_approve(*, user, approved_by, rolle: str, organisation: Organisation | None = None):
    """Approve an account with a role; with an organisation the account becomes its contact
    person, which is what lets a partner edit their own organisation."""
    user_approve(user=user, approved_by=approved_by, rolle=rolle)
    if organisation is not None:
        person_link_account(user=user, organisation=organisation)
    return user
