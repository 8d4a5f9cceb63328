from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from netzwerk.access import get_object_for_user

from .models import Forum
from .selectors import foren_visible_to


def forum_list(request: HttpRequest) -> HttpResponse:
    foren = foren_visible_to(request.user).order_by("status", "name")
    return render(request, "foren/forum_list.html", {"foren": foren})


def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    forum = get_object_for_user(
        request, Forum.objects.select_related("handlungsfeld"), "foren.read_forum", slug=slug
    )
    return render(
        request,
        "foren/forum_detail.html",
        {
            "forum": forum,
            "moderators": forum.moderators.all(),
            "member_count": forum.members.count(),
            "darf_moderieren": request.user.has_perm("foren.moderate_forum", forum),
        },
    )
