"""Placeholder until this part is built (issue 5)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import verwaltet


@verwaltet
def tag(request: HttpRequest, veranstaltung) -> HttpResponse:
    return render(
        request,
        "konferenzen/verwaltung/tag.html",
        {"veranstaltung": veranstaltung, "bereich": "tag"},
    )
