"""Placeholder until this part is built (issue 5)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import verwaltet


@verwaltet
def nachbereitung(request: HttpRequest, veranstaltung) -> HttpResponse:
    return render(
        request,
        "konferenzen/verwaltung/nachbereitung.html",
        {"veranstaltung": veranstaltung, "bereich": "nachbereitung"},
    )
