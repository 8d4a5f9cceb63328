"""Access helpers for views: what a person may not see is absent (404), not just hidden."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)


def require_perm(perm: str) -> Callable:
    """Anonymous visitors are sent to the login; signed-in people without the right get 404."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_object_for_user(request: HttpRequest, queryset: QuerySet[M], perm: str, **lookup) -> M:
    """The object, if this person may see it; 404 otherwise, whether or not it exists."""
    obj = get_object_or_404(queryset, **lookup)
    if not request.user.has_perm(perm, obj):
        raise Http404
    return obj
