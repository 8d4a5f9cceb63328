from django.db.models import Count, Q, QuerySet

from netzwerk.rules import is_approved, is_koordination

from .models import Forum


def foren_visible_to(user) -> QuerySet[Forum]:
    """The forums this person may see: public ones, their own ones, all for coordinators."""
    qs = Forum.objects.select_related("handlungsfeld").annotate(
        member_count=Count("members", distinct=True)
    )
    if is_koordination(user):
        return qs
    visible = Q(visibility=Forum.Sichtbarkeit.PUBLIC)
    if is_approved(user):
        visible |= Q(members=user) | Q(moderators=user)
    return qs.filter(visible).distinct()


def foren_moderated_by(user) -> QuerySet[Forum]:
    return Forum.objects.filter(moderators=user).order_by("name")


def foren_with_member(user) -> QuerySet[Forum]:
    return Forum.objects.filter(members=user).order_by("name")
