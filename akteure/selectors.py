from .models import Organisation


def organisation_of_user(user) -> Organisation | None:
    if not user.is_authenticated:
        return None
    return Organisation.objects.filter(personen__user=user).select_related("typ").first()
