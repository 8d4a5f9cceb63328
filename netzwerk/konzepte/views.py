"""Concept pages: the list (current ones and the archive), a concept with its chapters and
comments, a new concept (empty or from another one's outline), the outline (rename, reorder,
delete), editing a chapter (with the conflict shown), its versions and the difference between any
two, the status flow, archiving and co-authors. Chapters removed from the draft show only on the
outline (to restore them) and on their versions page."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_object_for_user, require_perm
from ..fragmente import fragmente
from ..rules import is_approved
from ..verlauf import verlauf
from . import selectors, services
from .diff import diff_html
from .forms import (
    AntwortForm,
    BeschlussForm,
    KapitelForm,
    KapitelNeuForm,
    KapitelTitelForm,
    KommentarForm,
    KonzeptForm,
    MitwirkendeForm,
    NotizForm,
)
from .models import Kapitel, Kommentar, Konzept, Massnahme

EDIT = "netzwerk.edit_konzept"


def konzept_list(request: HttpRequest) -> HttpResponse:
    """The concepts this person may read (netzwerk.read_konzept); archived ones in their own
    section. The coordination creates one here, empty or with another one's outline
    (?vorlage=<slug> preselects it)."""
    form = None
    if request.user.has_perm(EDIT):
        initial = {}
        vorlage = Konzept.objects.filter(slug=request.GET.get("vorlage", "")).first()
        if vorlage is not None:
            initial["vorlage"] = vorlage.pk
        form = KonzeptForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                konzept = services.konzept_create(
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    vorlage=form.cleaned_data["vorlage"],
                    mit_text=form.cleaned_data["mit_text"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Das Konzept ist angelegt, mit der Gliederung von „%(t)s“.")
                    % {"t": form.cleaned_data["vorlage"].title}
                    if form.cleaned_data["vorlage"]
                    else _("Das Konzept ist angelegt; fügen Sie Kapitel hinzu."),
                )
                return redirect(konzept)
    aktuell, archiv = selectors.konzept_liste(request.user)
    return render(
        request,
        "netzwerk/konzepte/konzept_list.html",
        {"konzepte": aktuell, "archiv": archiv, "form": form},
    )


def _konzept(request, slug: str, perm: str = "netzwerk.read_konzept") -> Konzept:
    return get_object_for_user(request, Konzept.objects.select_related("gremium"), perm, slug=slug)


# What a viewer may do in a chapter: part of its fragment's key.
SICHT_FLAGS = ("kommentare_sichtbar", "kommentieren", "bearbeiten", "edit")


def _name(user) -> str | None:
    return None if user is None else str(user.display_name)


def _gezeigt(k, kommentare: tuple) -> tuple:
    """What templates/netzwerk/konzepte/_kapitel.html shows of a chapter and its comments
    (selectors.kommentare_kurz): the key of its fragment (netzwerk.fragmente). The version and
    the time of the last change stand for the text: every change of the text is a new version,
    and a version number that a restored older backup hands out again comes with another time.
    So the text is read only to draw."""
    return (
        k.pk, k.nummer, k.ueberschrift, k.version, k.updated_at, _name(k.updated_by), kommentare,
    )  # fmt: skip


def _zum_zeichnen(kontexte: list[dict]) -> None:
    """What only drawing a chapter needs, for the chapters about to be drawn: their texts and
    their comments as objects, in two queries (the cached ones need neither)."""
    kapitel = {c["k"].pk: c["k"] for c in kontexte}
    for pk, text in Kapitel.objects.filter(pk__in=kapitel).values_list("pk", "text"):
        kapitel[pk].text = text
    for pk, kommentare in selectors.kommentare_je_kapitel(kapitel).items():
        kapitel[pk].kommentar_liste = kommentare


def konzept_detail(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    edit = request.user.has_perm(EDIT)
    offen = not konzept.frozen and konzept.archived_at is None
    kapitel = selectors.kapitel_liste(konzept, ohne_text=True)
    kurz = selectors.kommentare_kurz(kapitel)
    sicht = {
        "konzept": konzept,
        "kommentare_sichtbar": is_approved(request.user),
        "kommentieren": request.user.has_perm("netzwerk.comment_konzept", konzept),
        "bearbeiten": request.user.has_perm("netzwerk.write_kapitel", konzept),
        "edit": edit,
    }
    # Each chapter drawn once per content and viewer (netzwerk.fragmente): the page was 324 KB
    # of HTML, and drawing it most of its time (bench/konzept.py).
    flags = (konzept.slug, *(bool(sicht[f]) for f in SICHT_FLAGS))
    antwort_form = AntwortForm()
    for k, html in zip(
        kapitel,
        fragmente(
            request,
            "netzwerk/konzepte/_kapitel.html",
            (
                ({**sicht, "k": k, "antwort_form": antwort_form}, (flags, *_gezeigt(k, kurz[k.pk])))
                for k in kapitel
            ),
            vorbereiten=_zum_zeichnen,
        ),
        strict=True,
    ):
        k.fragment = html
    return render(
        request,
        "netzwerk/konzepte/konzept_detail.html",
        {
            **sicht,
            "kapitel": kapitel,
            "gliedern": edit and offen,
            "offen": offen,
            "mitwirkende": list(konzept.mitwirkende.all()) if edit else [],
            "kapitel_form": KapitelNeuForm(),
            "beschluss_form": BeschlussForm(),
            "weiter": services.FOLGT.get(konzept.status),
            "zurueck": services.REIHENFOLGE[: services.REIHENFOLGE.index(konzept.status)],
            "offene": Kommentar.objects.filter(
                kapitel__konzept=konzept,
                kapitel__entfernt_am__isnull=True,
                status=Kommentar.Status.OFFEN,
            ).count(),
        },
    )


@require_POST
@require_perm("netzwerk.edit_konzept")
def kapitel_create(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    form = KapitelNeuForm(request.POST)
    if form.is_valid():
        try:
            kapitel = services.kapitel_create(
                konzept=konzept, title=form.cleaned_data["title"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("netzwerk:kapitel-edit", slug=konzept.slug, pk=kapitel.pk)
    else:
        messages.error(request, _("Bitte geben Sie eine Überschrift an."))
    return redirect(konzept)


def kapitel_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The coordination until the decision; the invited co-authors while it is a draft."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    konzept = _konzept(request, slug)
    # Removed ones too: a save on a chapter removed while its editor was open says so and keeps
    # the typed text (services.kapitel_save), instead of a 404 that loses it.
    kapitel = get_object_or_404(Kapitel.alle.filter(konzept=konzept), pk=pk)
    konflikt = None
    if not request.user.has_perm("netzwerk.write_kapitel", konzept):
        if not request.user.has_perm(EDIT):
            raise Http404
        if konzept.frozen:
            meldung = _("Das Konzept ist beschlossen; sein Text bleibt, wie er beschlossen wurde.")
        else:
            meldung = _("Das Konzept ist archiviert; holen Sie es zuerst aus dem Archiv zurück.")
        messages.info(request, meldung)
        return redirect(konzept)
    if kapitel.entfernt_am is not None and request.method != "POST":
        messages.info(request, _("Dieses Kapitel ist aus dem Konzept entfernt worden."))
        return redirect(konzept)
    form = KapitelForm(request.POST or None, instance=kapitel, initial={"version": kapitel.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.kapitel_save(
                kapitel=kapitel,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                base_version=form.cleaned_data["version"],
                user=request.user,
            )
        except services.Konflikt as error:
            konflikt = error.current
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect(f"{konzept.get_absolute_url()}#kapitel-{kapitel.pk}")
    return render(
        request,
        "netzwerk/konzepte/kapitel_edit.html",
        {"konzept": konzept, "kapitel": kapitel, "form": form, "konflikt": konflikt},
    )


def kapitel_versionen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The versions of a chapter; ?a=&b= shows the difference between two of them. Those of a
    chapter removed from the draft are read by the coordination only (from the outline)."""
    konzept = _konzept(request, slug)
    if not is_approved(request.user):
        return redirect(konzept)
    kapitel = get_object_or_404(Kapitel.alle.filter(konzept=konzept), pk=pk)
    if kapitel.entfernt_am is not None and not request.user.has_perm(EDIT):
        raise Http404
    versionen = list(kapitel.versionen.select_related("author"))
    nummern = {v.number: v for v in versionen}
    a, b = _nummer(request.GET.get("a")), _nummer(request.GET.get("b"))
    if b not in nummern:
        b = versionen[0].number if versionen else None
    if a not in nummern:
        a = b - 1 if b and b - 1 in nummern else b
    diff = None
    if a in nummern and b in nummern:
        diff = {
            "a": nummern[a],
            "b": nummern[b],
            "title": diff_html(nummern[a].title, nummern[b].title),
            "text": diff_html(nummern[a].text, nummern[b].text),
        }
    return render(
        request,
        "netzwerk/konzepte/kapitel_versionen.html",
        {"konzept": konzept, "kapitel": kapitel, "versionen": versionen, "diff": diff},
    )


def _nummer(value) -> int | None:
    return int(value) if value and value.isascii() and value.isdecimal() else None


@require_POST
@require_perm("netzwerk.edit_konzept")
def konzept_status(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    status = request.POST.get("status", "")
    extra = {}
    if status == Konzept.Status.BESCHLOSSEN:
        form = BeschlussForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(konzept)
        extra = form.cleaned_data
    try:
        services.konzept_status_set(konzept=konzept, status=status, **extra)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        konzept.refresh_from_db()
        messages.success(request, _("Status: %(s)s.") % {"s": konzept.get_status_display()})
    return redirect(konzept)


@require_POST
def kommentar_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug, "netzwerk.comment_konzept")
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    form = KommentarForm(request.POST)
    if form.is_valid():
        try:
            services.kommentar_create(
                kapitel=kapitel, text=form.cleaned_data["text"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Danke, Ihr Kommentar ist gespeichert."))
    else:
        messages.error(request, _("Bitte schreiben Sie Ihren Kommentar (höchstens 5.000 Zeichen)."))
    return redirect(f"{konzept.get_absolute_url()}#kapitel-{kapitel.pk}")


@require_POST
@require_perm("netzwerk.edit_konzept")
def kommentar_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    kommentar = get_object_or_404(
        Kommentar, pk=pk, kapitel__konzept=konzept, kapitel__entfernt_am__isnull=True
    )
    form = AntwortForm(request.POST)
    if form.is_valid():
        try:
            services.kommentar_answer(kommentar=kommentar, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Die Antwort ist gespeichert."))
    else:
        messages.error(request, _("Bitte wählen Sie: aufgenommen oder nicht aufgenommen."))
    return redirect(f"{konzept.get_absolute_url()}#kapitel-{kommentar.kapitel_id}")


# --- The outline: rename, reorder, delete (the coordination) -----------------------------------


def _gliederung_url(konzept: Konzept, kapitel_pk: int | None = None) -> str:
    url = reverse("netzwerk:konzept-gliederung", args=[konzept.slug])
    return f"{url}#kapitel-{kapitel_pk}" if kapitel_pk else url


def _gliederung_page(
    request: HttpRequest, konzept: Konzept, *, fehler: dict | None = None, status: int = 200
) -> HttpResponse:
    """`fehler`: {chapter pk: (typed title, message)}, shown at that chapter's field."""
    kapitel = selectors.kapitel_liste(konzept)
    for k in kapitel:
        k.eingabe, k.fehler = (fehler or {}).get(k.pk, (k.title, ""))
    return render(
        request,
        "netzwerk/konzepte/konzept_gliederung.html",
        {
            "konzept": konzept,
            "kapitel": kapitel,
            "entfernt": selectors.entfernte_kapitel(konzept),
            "entwurf": konzept.status == "entwurf",
        },
        status=status,
    )


def _gliederung_offen(request: HttpRequest, konzept: Konzept) -> HttpResponse | None:
    """A decided or archived concept's outline stays as it is: back to its page, saying why."""
    if konzept.frozen:
        messages.info(
            request, _("Das Konzept ist beschlossen; seine Gliederung bleibt, wie sie ist.")
        )
    elif konzept.archived_at is not None:
        messages.info(request, _("Das Konzept ist archiviert; holen Sie es zuerst zurück."))
    else:
        return None
    return redirect(konzept)


@require_perm(EDIT)
def konzept_gliederung(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug, EDIT)
    return _gliederung_offen(request, konzept) or _gliederung_page(request, konzept)


@require_POST
@require_perm(EDIT)
def kapitel_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug, EDIT)
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    form = KapitelTitelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["title"])
        services.kapitel_rename(
            kapitel=kapitel, title=form.cleaned_data["title"], user=request.user
        )
    except ValidationError as error:
        fehler = {kapitel.pk: (request.POST.get("title", ""), " ".join(error.messages))}
        return _gliederung_page(request, konzept, fehler=fehler)
    messages.success(request, _("Die Überschrift ist gespeichert."))
    return redirect(_gliederung_url(konzept, kapitel.pk))


@require_POST
@require_perm(EDIT)
def kapitel_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug, EDIT)
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    try:
        services.kapitel_move(
            kapitel=kapitel, richtung=request.POST.get("richtung", ""), user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        nummer = [k.pk for k in konzept.kapitel.all()].index(kapitel.pk) + 1
        messages.success(
            request,
            _("„%(t)s“ ist jetzt Kapitel %(n)s.")
            % {"t": selectors.ohne_nummer(kapitel.title), "n": nummer},
        )
    return redirect(_gliederung_url(konzept, kapitel.pk))


@require_POST
@require_perm(EDIT)
def kapitel_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug, EDIT)
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    try:
        entfernt = services.kapitel_delete(kapitel=kapitel, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_gliederung_url(konzept, kapitel.pk))
    if entfernt is None:
        meldung = _("„%(t)s“ ist gelöscht.")
    else:
        meldung = _("„%(t)s“ ist aus dem Konzept entfernt. Seine Versionen bleiben lesbar, unten "
                    "unter „Entfernte Kapitel“.")  # fmt: skip
    messages.success(request, meldung % {"t": selectors.ohne_nummer(kapitel.title)})
    return redirect(
        f"{_gliederung_url(konzept)}#entfernt" if entfernt else _gliederung_url(konzept)
    )


@require_POST
@require_perm(EDIT)
def kapitel_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug, EDIT)
    kapitel = get_object_or_404(Kapitel.alle.filter(konzept=konzept), pk=pk)
    try:
        kapitel = services.kapitel_restore(kapitel=kapitel, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{_gliederung_url(konzept)}#entfernt")
    nummer = [k.pk for k in konzept.kapitel.all()].index(kapitel.pk) + 1
    messages.success(
        request,
        _("„%(t)s“ ist wieder im Konzept, als Kapitel %(n)s, mit allen seinen Versionen.")
        % {"t": selectors.ohne_nummer(kapitel.title), "n": nummer},
    )
    return redirect(_gliederung_url(konzept, kapitel.pk))


@require_POST
@require_perm(EDIT)
def konzept_archive(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug, EDIT)
    aktion = request.POST.get("aktion")
    if aktion not in ("archivieren", "zurueckholen"):
        messages.error(request, _("Bitte wählen Sie: archivieren oder zurückholen."))
        return redirect(konzept)
    services.konzept_archive(konzept=konzept, archiviert=aktion == "archivieren", user=request.user)
    if aktion == "archivieren":
        messages.success(
            request,
            _("Das Konzept ist archiviert: es steht im Archiv der Konzepte, bleibt lesbar und "
              "lässt sich nicht mehr ändern."),
        )  # fmt: skip
    else:
        messages.success(request, _("Das Konzept ist zurück aus dem Archiv."))
    return redirect(konzept)


@require_perm(EDIT)
def konzept_mitwirkende(request: HttpRequest, slug: str) -> HttpResponse:
    """The co-authors of a draft, chosen from the approved accounts."""
    konzept = _konzept(request, slug, EDIT)
    if konzept.archived_at is not None:
        messages.info(request, _("Das Konzept ist archiviert und lässt sich nicht mehr ändern."))
        return redirect(konzept)
    form = MitwirkendeForm(
        # Unchecking everyone sends no field at all: still a POST.
        request.POST if request.method == "POST" else None,
        konzept=konzept,
        initial={"mitwirkende": list(konzept.mitwirkende.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.konzept_mitwirkende_set(
                konzept=konzept, mitwirkende=form.cleaned_data["mitwirkende"], user=request.user
            )
        except ValidationError as error:
            form.add_error("mitwirkende", error)
        else:
            messages.success(request, _("Die Mitwirkenden sind gespeichert."))
            return redirect(konzept)
    return render(
        request,
        "netzwerk/konzepte/konzept_mitwirkende.html",
        {"konzept": konzept, "form": form, "entwurf": konzept.status == "entwurf"},
    )


def massnahmen(request: HttpRequest, slug: str) -> HttpResponse:
    """The measures of a concept as a tree, progress rolled up to goals and focal points."""
    konzept = _konzept(request, slug)
    pflegen = request.user.has_perm(EDIT, konzept)
    # The districts' need figures only for those who read the indicators (approved accounts):
    # a decided concept's measures are public, the statistics office's figures are not.
    zahlen = request.user.has_perm("netzwerk.read_indikatoren")
    baum = selectors.massnahmen_baum(konzept, kennzahlen=zahlen)
    sicht = {"konzept": konzept, "pflegen": pflegen}
    for s, html in zip(
        baum,
        fragmente(
            request,
            "netzwerk/konzepte/_schwerpunkt.html",
            (({**sicht, "s": s}, (konzept.slug, pflegen, *_gezeigt_baum(s))) for s in baum),
        ),
        strict=True,
    ):
        s.fragment = html
    return render(request, "netzwerk/konzepte/massnahmen.html", {**sicht, "baum": baum})


def _gezeigt_baum(s) -> tuple:
    """What templates/netzwerk/konzepte/_schwerpunkt.html shows of a focal point, its goals and
    their measures: the key of its fragment (netzwerk.fragmente)."""
    return (
        s.objekt.pk,
        s.objekt.title,
        s.progress,
        tuple(
            (
                z.objekt.pk,
                z.objekt.title,
                z.progress,
                tuple(
                    (
                        m.pk,
                        m.title,
                        m.status,
                        m.progress,
                        m.forum.name if m.forum else None,
                        tuple(m.zustaendige),
                        tuple((b.name, tuple(b.kennzahlen)) for b in m.bezirke),
                    )
                    for m in z.kinder
                ),
            )
            for z in s.kinder
        ),
    )


def massnahme_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    massnahme = get_object_or_404(
        Massnahme.objects.select_related("ziel__schwerpunkt", "forum"),
        pk=pk,
        ziel__schwerpunkt__konzept=konzept,
    )
    darf = request.user.has_perm("netzwerk.note_massnahme", massnahme)
    form = None
    if darf:
        form = NotizForm(
            request.POST or None,
            initial={"progress": massnahme.progress, "status": massnahme.status},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.notiz_create(massnahme=massnahme, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Die Notiz ist gespeichert."))
                return redirect("netzwerk:massnahme-detail", slug=konzept.slug, pk=massnahme.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "netzwerk/konzepte/massnahme_detail.html",
        {
            "konzept": konzept,
            "massnahme": massnahme,
            "notizen": massnahme.notizen.select_related("author"),
            "organisationen": massnahme.organisationen.all(),
            "bedarfe": massnahme.bedarfe.all() if is_approved(request.user) else [],
            "angebote": massnahme.angebote.filter(is_public=True),
            "form": form,
            "verlauf": verlauf(massnahme.history.all())
            if request.user.has_perm("netzwerk.edit_konzept")
            else [],
        },
    )
