"""Planning an event in the portal: create (once or as a series), edit, copy, cancel; the
programme page with the agenda and the working groups. Coordinators plan every event, moderators
the meetings of their own forums (konferenzen.rules); the writes are konferenzen.planung's."""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from foren.models import Forum
from foren.services import stand_erneuern
from netzwerk.rules import is_koordination

from .. import einladungen, planung, selectors
from ..forms_planung import (
    AbsagenForm,
    BearbeitenForm,
    GruppeForm,
    GruppeLoeschenForm,
    KopierenForm,
    NeueVeranstaltungForm,
    TopForm,
)
from ..models import Anmeldung, Arbeitsgruppe, Tagesordnungspunkt, Veranstaltung
from . import verwaltet

# The planning pages: the coordination, and a forum's moderators for its meetings.
geplant = verwaltet(perm=planung.PLAN)


def _errors_to_form(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: field messages to their fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _invite_members(request, veranstaltungen, forum) -> None:
    """The forum's members and moderators to every date, but not the person planning."""
    empfaenger = [
        e for e in einladungen.recipients_forum(forum) if e.email != request.user.email.lower()
    ]
    for veranstaltung in veranstaltungen:
        einladungen.einladungen_create(
            veranstaltung=veranstaltung,
            recipients=empfaenger,
            label=_("Mitglieder des Forums „%(forum)s“") % {"forum": forum.name},
            user=request.user,
        )
    text = ngettext(
        "%(n)s Mitglied wird eingeladen",
        "%(n)s Mitglieder werden eingeladen",
        len(empfaenger),
    ) % {"n": len(empfaenger)}
    if len(veranstaltungen) > 1:
        text += " " + _("(zu jedem der %(t)s Termine eine E-Mail)") % {"t": len(veranstaltungen)}
    messages.info(request, text + _("; den Fortschritt sehen Sie unter „Einladungen“."))


@login_required
def veranstaltung_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("konferenzen.create_veranstaltung"):
        raise Http404
    forum = None
    if slug := request.GET.get("forum"):
        forums = Forum.objects.all()
        if not is_koordination(request.user):
            forums = forums.filter(moderators=request.user)
        forum = forums.filter(slug=slug).first()
    form = NeueVeranstaltungForm(
        request.POST or None, user=request.user, forum=forum,
        initial={"wiederholung": "", "abstand": 1, "anzahl": 6},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        vorlage = form.save()
        data = form.cleaned_data
        try:
            if data.get("wiederholung"):
                created = planung.serie_create(
                    vorlage=vorlage, einheit=data["wiederholung"], abstand=data["abstand"],
                    anzahl=data["anzahl"], by=request.user,
                )  # fmt: skip
                stand_erneuern()  # a series is written at once, without signals; forums show it
            else:
                created = [planung.veranstaltung_save(veranstaltung=vorlage, by=request.user)[0]]
            if data.get("mitglieder_einladen"):
                _invite_members(request, created, vorlage.forum)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            first = created[0]
            if len(created) > 1:
                messages.success(
                    request,
                    _("%(n)s Termine angelegt, vom %(von)s bis %(bis)s. Jeder lässt sich einzeln "
                      "bearbeiten oder absagen.")
                    % {
                        "n": len(created),
                        "von": timezone.localtime(created[0].start).strftime("%d.%m.%Y"),
                        "bis": timezone.localtime(created[-1].start).strftime("%d.%m.%Y"),
                    },
                )  # fmt: skip
            else:
                messages.success(
                    request, _("Angelegt. Jetzt Tagesordnung und Arbeitsgruppen planen.")
                )
            return redirect("konferenzen:programm", pk=first.pk)
    return render(
        request,
        "konferenzen/planung/veranstaltung_form.html",
        {"form": form, "neu": True, "forum": forum},
    )


@geplant
def veranstaltung_edit(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    if veranstaltung.cancelled_at:
        messages.error(
            request, _("Die Veranstaltung ist abgesagt und kann nicht mehr geändert werden.")
        )
        return redirect(veranstaltung)
    form = BearbeitenForm(request.POST or None, instance=veranstaltung, user=request.user)
    angemeldet = planung._registered(veranstaltung).count()
    if not angemeldet:
        del form.fields["benachrichtigen"]
    if request.method == "POST" and form.is_valid():
        try:
            _event, told = planung.veranstaltung_save(
                veranstaltung=form.save(), by=request.user,
                notify=form.cleaned_data.get("benachrichtigen", False),
            )  # fmt: skip
        except ValidationError as error:
            _errors_to_form(form, error)
            veranstaltung.refresh_from_db()
        else:
            text = _("Gespeichert.")
            if told:
                text += " " + ngettext(
                    "%(n)s angemeldete Person wird über die Änderung informiert.",
                    "%(n)s angemeldete Personen werden über die Änderung informiert.",
                    told,
                ) % {"n": told}
            messages.success(request, text)
            return redirect("konferenzen:programm", pk=veranstaltung.pk)
    return render(
        request,
        "konferenzen/planung/veranstaltung_form.html",
        {"form": form, "neu": False, "veranstaltung": veranstaltung, "angemeldet": angemeldet,
         "bereich": "planung"},
    )  # fmt: skip


def _next_year_title(title: str, start) -> str:
    year = str(timezone.localtime(start).year)
    return title.replace(year, str(int(year) + 1)) if year in title else title


@geplant
def veranstaltung_copy(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    vorschlag = timezone.localtime(veranstaltung.start) + relativedelta(years=1)
    form = KopierenForm(
        request.POST or None,
        initial={
            "title": _next_year_title(veranstaltung.title, veranstaltung.start),
            "start": vorschlag.replace(tzinfo=None),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = planung.veranstaltung_copy(
                original=veranstaltung, start=form.cleaned_data["start"],
                title=form.cleaned_data["title"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Kopie angelegt, mit Tagesordnung und Arbeitsgruppen, ohne Anmeldungen. "
                  "Bitte prüfen Sie Ort und Fristen."),
            )  # fmt: skip
            return redirect("konferenzen:veranstaltung-edit", pk=copy.pk)
    return render(
        request,
        "konferenzen/planung/veranstaltung_copy.html",
        {"form": form, "veranstaltung": veranstaltung, "bereich": "planung"},
    )


@geplant
def veranstaltung_cancel(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    form = AbsagenForm(request.POST or None)
    angemeldet = planung._registered(veranstaltung).count()
    if request.method == "POST" and form.is_valid():
        try:
            told = planung.veranstaltung_cancel(
                veranstaltung=veranstaltung, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Abgesagt. %(n)s Person wird per E-Mail benachrichtigt.",
                    "Abgesagt. %(n)s Personen werden per E-Mail benachrichtigt.",
                    told,
                )
                % {"n": told},
            )
            return redirect(veranstaltung)
    return render(
        request,
        "konferenzen/planung/veranstaltung_cancel.html",
        {"form": form, "veranstaltung": veranstaltung, "angemeldet": angemeldet,
         "bereich": "planung"},
    )  # fmt: skip


# --- Programme: agenda and working groups ------------------------------------------------------
@geplant
def programm(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    top_form = TopForm(prefix="top")
    gruppe_form = GruppeForm(prefix="gruppe")
    if request.method == "POST":
        if request.POST.get("aktion") == "top":
            top_form = TopForm(request.POST, prefix="top")
            form, save = top_form, planung.top_save
            key = "top"
        else:
            gruppe_form = GruppeForm(request.POST, prefix="gruppe")
            form, save = gruppe_form, planung.gruppe_save
            key = "gruppe"
        if form.is_valid():
            item = form.save(commit=False)
            item.veranstaltung = veranstaltung
            try:
                save(**{key: item, "by": request.user})
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("„%(titel)s“ hinzugefügt.") % {"titel": item})
                return redirect("konferenzen:programm", pk=veranstaltung.pk)
    return render(
        request,
        "konferenzen/planung/programm.html",
        {
            "veranstaltung": veranstaltung,
            "bereich": "planung",
            "tagesordnung": list(veranstaltung.tagesordnung.order_by("position", "time", "pk")),
            "gruppen": selectors.arbeitsgruppen_of(veranstaltung),
            "top_form": top_form,
            "gruppe_form": gruppe_form,
            "serie": Veranstaltung.objects.filter(serie=veranstaltung.serie).order_by("start")
            if veranstaltung.serie else [],
        },
    )  # fmt: skip


def _top(veranstaltung, top_pk) -> Tagesordnungspunkt:
    return get_object_or_404(Tagesordnungspunkt, pk=top_pk, veranstaltung=veranstaltung)


def _item_edit(request, veranstaltung, form, save, titel: str) -> HttpResponse:
    """Edit one agenda item or working group on its own page; the service checks and saves."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("konferenzen:programm", pk=veranstaltung.pk)
    return render(
        request,
        "konferenzen/planung/item_form.html",
        {"form": form, "veranstaltung": veranstaltung, "bereich": "planung", "titel": titel},
    )


@geplant
def top_edit(request: HttpRequest, veranstaltung: Veranstaltung, top_pk: int) -> HttpResponse:
    form = TopForm(request.POST or None, instance=_top(veranstaltung, top_pk))
    return _item_edit(
        request, veranstaltung, form, lambda top: planung.top_save(top=top, by=request.user),
        _("Tagesordnungspunkt bearbeiten"),
    )  # fmt: skip


@require_POST
@geplant
def top_move(request: HttpRequest, veranstaltung: Veranstaltung, top_pk: int) -> HttpResponse:
    top = _top(veranstaltung, top_pk)
    delta = -1 if request.POST.get("richtung") == "hoch" else 1
    try:
        planung.top_move(top=top, delta=delta, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{_programm_url(veranstaltung)}#top-{top.pk}")


@require_POST
@geplant
def top_delete(request: HttpRequest, veranstaltung: Veranstaltung, top_pk: int) -> HttpResponse:
    top = _top(veranstaltung, top_pk)
    try:
        planung.top_delete(top=top, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("„%(titel)s“ entfernt.") % {"titel": top.title})
    return redirect("konferenzen:programm", pk=veranstaltung.pk)


def _programm_url(veranstaltung) -> str:
    return reverse("konferenzen:programm", kwargs={"pk": veranstaltung.pk})


def _gruppe(veranstaltung, gruppe_pk) -> Arbeitsgruppe:
    return get_object_or_404(Arbeitsgruppe, pk=gruppe_pk, veranstaltung=veranstaltung)


@geplant
def gruppe_edit(request: HttpRequest, veranstaltung: Veranstaltung, gruppe_pk: int) -> HttpResponse:
    form = GruppeForm(request.POST or None, instance=_gruppe(veranstaltung, gruppe_pk))
    return _item_edit(
        request, veranstaltung, form, lambda g: planung.gruppe_save(gruppe=g, by=request.user),
        _("Arbeitsgruppe bearbeiten"),
    )  # fmt: skip


@geplant
def gruppe_delete(
    request: HttpRequest, veranstaltung: Veranstaltung, gruppe_pk: int
) -> HttpResponse:
    gruppe = _gruppe(veranstaltung, gruppe_pk)
    form = GruppeLoeschenForm(request.POST or None, gruppe=gruppe)
    betroffen = gruppe.anmeldungen.filter(status__in=Anmeldung.AKTIV).count()
    if request.method == "POST" and form.is_valid():
        ziel = form.cleaned_data["ziel"]
        try:
            moved = planung.gruppe_delete(gruppe=gruppe, ziel=ziel, by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            text = _("Die Arbeitsgruppe „%(name)s“ ist entfernt.") % {"name": gruppe.name}
            if ziel is not None and moved:
                text += " " + ngettext(
                    "%(n)s Person ist jetzt in „%(ziel)s“.",
                    "%(n)s Personen sind jetzt in „%(ziel)s“.",
                    moved,
                ) % {"n": moved, "ziel": ziel.name}
            messages.success(request, text)
            return redirect("konferenzen:programm", pk=veranstaltung.pk)
    return render(
        request,
        "konferenzen/planung/gruppe_delete.html",
        {"form": form, "veranstaltung": veranstaltung, "gruppe": gruppe, "betroffen": betroffen,
         "bereich": "planung"},
    )  # fmt: skip
