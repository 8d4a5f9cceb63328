"""The event pages, by who uses them: `oeffentlich` (everyone: list, page, registration,
calendars, personal links), `einladung` (the invitation link), `verwaltung` (registrations and
invitations), `tag` (lists, badges, check-in) and `nachbereitung` (minutes, statistics) for those
who manage an event."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from netzwerk.access import get_object_for_user

from ..models import Veranstaltung


def verwaltet(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For those who manage the event (konferenzen.manage_veranstaltung): the view gets the event
    instead of its pk. Anonymous visitors go to the login; everyone else gets 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        veranstaltung = get_object_for_user(
            request,
            Veranstaltung.objects.select_related("forum"),
            "konferenzen.manage_veranstaltung",
            pk=pk,
        )
        return view(request, veranstaltung, *args, **kwargs)

    return wrapped
