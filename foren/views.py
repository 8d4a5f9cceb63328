from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netzwerk import ratelimit
from netzwerk.access import get_object_for_user, require_perm
from netzwerk.dateien import dokument_response
from netzwerk.datenstand import abfrage
from netzwerk.exports import export_format, lokaldatum, table_response
from netzwerk.models import User
from netzwerk.sortierung import deutsch
from netzwerk.verlauf import verlauf

from . import selectors, services
from .filters import BeitragFilter
from .forms import (
    AbstimmungForm,
    BeitragForm,
    BeitrittForm,
    DokumentForm,
    EntscheidungForm,
    ForumForm,
    InteresseForm,
    KommentarForm,
    MitgliedAddForm,
    VerteilungForm,
)
from .models import Abstimmung, Beitrag, Beitrittsanfrage, Dokument, Forum, Interessensbekundung

PAGE_SIZE = 25


def _forum(request: HttpRequest, slug: str, perm: str = "foren.read_forum") -> Forum:
    """The forum, if this person has `perm` on it; 404 otherwise. (Pages that need an account
    send anonymous visitors to the login first, by require_perm.)"""
    return get_object_for_user(
        request, Forum.objects.select_related("handlungsfeld"), perm, slug=slug
    )


# --- Forums ------------------------------------------------------------------------------------
def forum_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    foren = selectors.foren_visible_to(user).order_by("status", deutsch("name"))
    eigene = SimpleLazyObject(
        lambda: (
            set(user.mitgliedschaften.values_list("forum_id", flat=True))
            if user.is_authenticated
            else set()
        )
    )
    # Which forums, and which are one's own, differ by account: the table is cached for each.
    # The querysets run only when it is stale.
    return render(
        request,
        "foren/forum_list.html",
        {
            "foren": foren,
            "eigene": eigene,
            "fragment": selectors.fragment_key(user.pk or "anonym"),
            "ttl": selectors.STAND_DAUER,
        },
    )


def forum_detail(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug)
    user = request.user
    insider = user.has_perm("foren.contribute", forum)
    darf_lesen = user.has_perm("foren.read_collection", forum)
    darf_moderieren = user.has_perm("foren.moderate_forum", forum)
    context = {
        "forum": forum,
        # The main column is cached for each kind of viewer it differs for; what it shows is
        # read only when it is stale.
        "fragment": selectors.fragment_key(
            forum.pk, insider, darf_lesen, darf_moderieren, user.is_authenticated
        ),
        "ttl": selectors.STAND_ZEITNAH,
        "moderators": forum.moderators.order_by(deutsch("last_name"), deutsch("first_name")),
        "themen": forum.themen.all(),
        "member_count": SimpleLazyObject(forum.members.count),
        "darf_moderieren": darf_moderieren,
        "darf_lesen": darf_lesen,
        "insider": insider,
        "mitgliedschaft": selectors.mitgliedschaft_of(forum, user),
        "anfrage": selectors.anfrage_open_of(forum, user),
        "darf_anfragen": user.has_perm("foren.ask_to_join", forum),
        "sitzungen": SimpleLazyObject(lambda: selectors.forum_meetings(forum, insider=insider)),
        "dokumente": selectors.dokumente_visible(forum, insider=insider)[:10],
        "beitritt_form": BeitrittForm(),
    }
    if darf_lesen:
        context["zahlen"] = SimpleLazyObject(
            lambda: forum.beitraege.aggregate(
                bestand=Count("pk", filter=Q(art=Beitrag.Art.BESTAND)),
                bedarf=Count("pk", filter=Q(art=Beitrag.Art.BEDARF)),
                loesungsansatz=Count("pk", filter=Q(art=Beitrag.Art.LOESUNGSANSATZ)),
            )
        )
        context["abstimmungen"] = forum.abstimmungen.all()[:5]
    return render(request, "foren/forum_detail.html", context)


@require_perm("foren.manage_foren")
def forum_create(request: HttpRequest) -> HttpResponse:
    form = ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        forum = services.forum_save(form=form, by=request.user)
        messages.success(request, _("Das Forum ist angelegt."))
        return redirect(forum)
    return render(request, "foren/forum_form.html", {"form": form})


@require_perm("foren.manage_foren")
def forum_edit(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.manage_foren")
    form = ForumForm(request.POST or None, instance=forum)
    if request.method == "POST" and form.is_valid():
        forum = services.forum_save(form=form, by=request.user)
        messages.success(request, _("Das Forum ist gespeichert."))
        return redirect(forum)
    return render(request, "foren/forum_form.html", {"form": form, "forum": forum})


@require_perm("foren.manage_foren")
def forum_overview(request: HttpRequest) -> HttpResponse:
    if fmt := export_format(request):
        foren = selectors.forum_overview()
        return table_response(
            fmt=fmt,
            filename="foren-uebersicht",
            sheet=_("Foren"),
            headers=[
                _("Forum"),
                _("Status"),
                _("Mitglieder"),
                _("Moderation"),
                _("Letzte Sitzung"),
                _("Nächste Sitzung"),
                _("Offene Bedarfe"),
                _("Beiträge (90 Tage)"),
                _("Kommentare (90 Tage)"),
                _("Dokumente (90 Tage)"),
                _("Offene Anfragen"),
                _("Neues Interesse"),
            ],  # fmt: skip
            rows=(
                [
                    f.name,
                    f.get_status_display(),
                    f.member_count,
                    ", ".join(m.display_name for m in f.moderators.all()),
                    f.letzte_sitzung,
                    f.naechste_sitzung,
                    f.offene_bedarfe,
                    f.neue_beitraege,
                    f.neue_kommentare,
                    f.neue_dokumente,
                    f.offene_anfragen,
                    f.neues_interesse,
                ]
                for f in foren
            ),
        )
    return render(
        request,
        "foren/forum_overview.html",
        {
            # Drawn only when the cached table is stale (fragment_key).
            "foren": SimpleLazyObject(selectors.forum_overview),
            "fragment": selectors.fragment_key(),
            "ttl": selectors.STAND_ZEITNAH,
            "interessen": selectors.interessen_open(),
        },
    )


# --- Membership --------------------------------------------------------------------------------
@require_POST
@require_perm("netzwerk.see_dashboard")
def beitritt_request(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug)
    if selectors.mitgliedschaft_of(forum, request.user):
        messages.info(request, _("Sie sind bereits Mitglied dieses Forums."))
        return redirect(forum)
    if not request.user.has_perm("foren.ask_to_join", forum):
        raise Http404
    form = BeitrittForm(request.POST)
    if form.is_valid():
        services.beitritt_request(
            forum=forum, user=request.user, message=form.cleaned_data["message"]
        )
        messages.success(
            request,
            _("Ihre Anfrage ist bei der Moderation. Sie erhalten eine E-Mail, sobald sie "
              "entschieden ist."),
        )  # fmt: skip
        return redirect(forum)
    messages.error(request, _("Die Nachricht ist zu lang (höchstens 2.000 Zeichen)."))
    return redirect(forum)


@require_POST
@require_perm("netzwerk.see_dashboard")
def forum_leave(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.leave")
    services.mitglied_remove(forum=forum, user=request.user, by=request.user)
    messages.success(request, _("Sie sind aus dem Forum ausgetreten."))
    if not request.user.has_perm("foren.read_forum", forum):
        return redirect("foren:forum-list")  # a members-only forum is gone for them now
    return redirect(forum)


@require_POST
@require_perm("netzwerk.see_dashboard")
def digest_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.leave")
    on = request.POST.get("digest") == "on"
    services.digest_set(forum=forum, user=request.user, on=on)
    messages.success(
        request,
        _("Sie erhalten die Wochenübersicht per E-Mail.")
        if on
        else _("Sie erhalten keine Wochenübersicht mehr."),
    )
    return redirect(forum)


@require_perm("netzwerk.see_dashboard")
def mitglied_list(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.moderate_forum")
    add_form = MitgliedAddForm(request.POST or None, candidates=selectors.candidates_for(forum))
    if request.method == "POST" and add_form.is_valid():
        user = add_form.cleaned_data["user"]
        services.mitglied_add(forum=forum, user=user, by=request.user)
        messages.success(request, _("%(name)s ist jetzt Mitglied.") % {"name": user.display_name})
        return redirect("foren:mitglied-list", slug=forum.slug)
    anfragen = [
        (anfrage, EntscheidungForm(prefix=f"a{anfrage.pk}"))
        for anfrage in selectors.anfragen_open(forum)
    ]
    return render(
        request,
        "foren/mitglied_list.html",
        {
            "forum": forum,
            "mitglieder": selectors.mitglieder(forum),
            "moderator_ids": set(forum.moderators.values_list("pk", flat=True)),
            "anfragen": anfragen,
            "add_form": add_form,
        },
    )


@require_POST
@require_perm("netzwerk.see_dashboard")
def beitritt_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    forum = _forum(request, slug, "foren.moderate_forum")
    anfrage = get_object_or_404(Beitrittsanfrage.objects.select_related("user"), pk=pk, forum=forum)
    form = EntscheidungForm(request.POST, prefix=f"a{anfrage.pk}")
    decision = request.POST.get("decision")
    accept = decision == "accept"
    if decision not in ("accept", "decline"):
        # Declining mails a refusal: it happens only when someone chose it.
        messages.error(request, _("Bitte wählen Sie „Aufnehmen“ oder „Ablehnen“."))
    elif form.is_valid():
        decided = services.beitritt_decide(
            anfrage=anfrage, accept=accept, answer=form.cleaned_data["answer"], by=request.user
        )
        if not decided:
            messages.info(request, _("Über diese Anfrage ist schon entschieden."))
        elif accept:
            messages.success(
                request,
                _("%(name)s ist jetzt Mitglied.") % {"name": anfrage.user.display_name},
            )
        else:
            messages.success(
                request,
                _("Die Anfrage ist abgelehnt; die Person erhält Ihre Nachricht per E-Mail.")
                if form.cleaned_data["answer"]
                else _("Die Anfrage ist abgelehnt; die Person wird per E-Mail informiert."),
            )
    else:
        messages.error(request, _("Die Nachricht ist zu lang (höchstens 2.000 Zeichen)."))
    return redirect("foren:mitglied-list", slug=forum.slug)


@require_POST
@require_perm("netzwerk.see_dashboard")
def mitglied_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    forum = _forum(request, slug, "foren.moderate_forum")
    user = get_object_or_404(User, pk=user_pk, mitgliedschaften__forum=forum)
    services.mitglied_remove(forum=forum, user=user, by=request.user)
    messages.success(request, _("%(name)s ist kein Mitglied mehr.") % {"name": user.display_name})
    return redirect("foren:mitglied-list", slug=forum.slug)


# --- Interest from the public ------------------------------------------------------------------
def interesse_create(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug)
    if forum.visibility != Forum.Sichtbarkeit.PUBLIC:
        raise Http404
    form = InteresseForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow(
            request, action="foren-interesse", limit=settings.FOREN_INTERESSE_PRO_STUNDE
        ):
            # What was typed stays in the form; the person can send it later.
            return render(
                request,
                "foren/interesse_form.html",
                {"forum": forum, "form": form, "zu_oft": True},
                status=429,
            )
        if form.is_valid():
            if not form.is_spam():
                services.interesse_create(
                    forum=forum, **{f: form.cleaned_data[f] for f in form.Meta.fields}
                )
            return render(request, "foren/interesse_gesendet.html", {"forum": forum})
    return render(request, "foren/interesse_form.html", {"forum": forum, "form": form})


def interesse_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail shows a button; only pressing it confirms. Mail scanners that open
    every link (Safe Links, gateways) must not confirm an address nobody confirmed."""
    if request.method == "POST":
        interesse = services.interesse_confirm(token=token)
        return render(
            request,
            "foren/interesse_bestaetigt.html",
            {"interesse": interesse},
            status=200 if interesse else 400,
        )
    interesse = services.interesse_read(token=token)
    return render(
        request,
        "foren/interesse_bestaetigen.html",
        {"interesse": interesse},
        status=200 if interesse else 400,
    )


@require_POST
@require_perm("foren.manage_foren")
def interesse_handle(request: HttpRequest, pk: int) -> HttpResponse:
    interesse = get_object_or_404(Interessensbekundung, pk=pk)
    services.interesse_handle(interesse=interesse, by=request.user)
    messages.success(request, _("Als erledigt vermerkt."))
    return redirect("foren:forum-overview")


# --- Collection --------------------------------------------------------------------------------
@require_perm("netzwerk.see_dashboard")
def beitrag_list(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.read_collection")
    filterset = BeitragFilter(request.GET, queryset=selectors.beitraege_of(forum))
    if fmt := export_format(request):
        qs = filterset.qs
        return table_response(
            fmt=fmt,
            filename=f"{forum.slug}-sammlung",
            sheet=f"Sammlung {forum.name}",
            headers=[
                _("Art"),
                _("Titel"),
                _("Lebensphasen"),
                _("Status"),
                _("Angebot"),
                _("Eingetragen von"),
                _("Eingetragen am"),
                _("Kommentare"),
                _("Text"),
            ],  # fmt: skip
            rows=(
                [
                    b.get_art_display(),
                    b.title,
                    ", ".join(p.name for p in b.lebensphasen.all()),
                    b.get_status_display(),
                    b.angebot.title if b.angebot else "",
                    b.author.display_name if b.author else "",
                    lokaldatum(b.created_at),
                    b.kommentar_count,
                    b.text,
                ]
                for b in qs
            ),
        )
    darf_beitragen = request.user.has_perm("foren.contribute", forum)
    # The list is the same for everyone who may read it: cached per forum, filters and page; the
    # filter form and the page are drawn only when it is stale.
    return render(
        request,
        "foren/beitrag_list.html",
        {
            "forum": forum,
            "filter": filterset,
            "page": SimpleLazyObject(
                lambda: Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
            ),
            "darf_beitragen": darf_beitragen,
            "fragment": selectors.fragment_key(forum.pk, darf_beitragen, abfrage(request)),
            "ttl": selectors.STAND_DAUER,
        },
    )


@require_perm("netzwerk.see_dashboard")
def beitrag_create(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.contribute")
    initial = {"art": request.GET.get("art")} if request.GET.get("art") in Beitrag.Art else {}
    form = BeitragForm(request.POST or None, initial=initial, forum=forum)
    if request.method == "POST" and form.is_valid():
        beitrag = services.beitrag_create(forum=forum, author=request.user, form=form)
        messages.success(request, _("Ihr Beitrag steht in der Sammlung."))
        return redirect(beitrag)
    return render(request, "foren/beitrag_form.html", {"forum": forum, "form": form})


def _beitrag(request: HttpRequest, slug: str, pk: int, perm: str) -> Beitrag:
    forum = _forum(request, slug, "foren.read_collection")
    beitrag = get_object_or_404(
        Beitrag.objects.select_related("author", "angebot__organisation"), pk=pk, forum=forum
    )
    beitrag.forum = forum
    if not request.user.has_perm(perm, beitrag):
        raise Http404
    return beitrag


@require_perm("netzwerk.see_dashboard")
def beitrag_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    beitrag = _beitrag(request, slug, pk, "foren.read_collection")
    darf_beitragen = request.user.has_perm("foren.contribute", beitrag.forum)
    form = KommentarForm(request.POST or None)
    if request.method == "POST":
        if not darf_beitragen:
            raise Http404
        if form.is_valid():
            services.kommentar_create(
                beitrag=beitrag, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
            return redirect(f"{beitrag.get_absolute_url()}#kommentare")
    return render(
        request,
        "foren/beitrag_detail.html",
        {
            "forum": beitrag.forum,
            "beitrag": beitrag,
            "kommentare": beitrag.kommentare.select_related("author"),
            "form": form,
            "darf_beitragen": darf_beitragen,
            "darf_aendern": request.user.has_perm("foren.change_beitrag", beitrag),
            "verlauf": verlauf(beitrag.history.all()),
        },
    )


@require_perm("netzwerk.see_dashboard")
def beitrag_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    beitrag = _beitrag(request, slug, pk, "foren.change_beitrag")
    darf_status = request.user.has_perm("foren.moderate_forum", beitrag.forum)
    form = BeitragForm(request.POST or None, instance=beitrag, darf_status=darf_status)
    if request.method == "POST" and form.is_valid():
        services.beitrag_update(form=form, by=request.user)
        messages.success(request, _("Der Beitrag ist gespeichert."))
        return redirect(beitrag)
    return render(
        request,
        "foren/beitrag_form.html",
        {"forum": beitrag.forum, "form": form, "beitrag": beitrag},
    )


# --- Dot voting --------------------------------------------------------------------------------
@require_perm("netzwerk.see_dashboard")
def abstimmung_create(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug, "foren.moderate_forum")
    form = AbstimmungForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        abstimmung = services.abstimmung_open(
            forum=forum,
            by=request.user,
            title=data["title"],
            punkte=data["punkte"],
            max_pro_beitrag=data["max_pro_beitrag"],
            beitraege=data["beitraege"],
        )
        messages.success(request, _("Die Abstimmung ist geöffnet."))
        return redirect(abstimmung)
    return render(request, "foren/abstimmung_form.html", {"forum": forum, "form": form})


def _abstimmung(request: HttpRequest, slug: str, pk: int) -> Abstimmung:
    forum = _forum(request, slug, "foren.read_collection")
    abstimmung = get_object_or_404(Abstimmung, pk=pk, forum=forum)
    abstimmung.forum = forum
    return abstimmung


@require_perm("netzwerk.see_dashboard")
def abstimmung_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    abstimmung = _abstimmung(request, slug, pk)
    forum, user = abstimmung.forum, request.user
    darf_abstimmen = user.has_perm("foren.vote", abstimmung)
    darf_moderieren = user.has_perm("foren.moderate_forum", forum)
    beitraege = abstimmung.beitraege.order_by("art", deutsch("title"))
    form = None
    if darf_abstimmen:
        form = VerteilungForm(
            request.POST or None,
            abstimmung=abstimmung,
            beitraege=beitraege,
            initial_points=selectors.verteilung_of(abstimmung, user),
        )
        if request.method == "POST" and form.is_valid():
            try:
                summe = services.stimmen_set(
                    abstimmung=abstimmung, user=user, verteilung=form.verteilung()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Ihre %(s)s von %(n)s Punkten sind gespeichert. Sie können sie ändern, "
                      "solange die Abstimmung offen ist.") % {"s": summe, "n": abstimmung.punkte},
                )  # fmt: skip
                return redirect(abstimmung)
    elif request.method == "POST":
        if abstimmung.is_offen or not user.has_perm("foren.contribute", forum):
            raise Http404
        messages.error(request, _("Diese Abstimmung ist inzwischen geschlossen."))
        return redirect(abstimmung)
    zeige_ergebnis = not abstimmung.is_offen or darf_moderieren
    if fmt := export_format(request):
        if not zeige_ergebnis:
            raise Http404
        return table_response(
            fmt=fmt,
            filename=f"{forum.slug}-abstimmung-{abstimmung.pk}",
            sheet=f"Abstimmung {abstimmung.title}",
            headers=[_("Platz"), _("Art"), _("Beitrag"), _("Punkte"), _("Personen")],
            rows=(
                [r["platz"], r["art"], r["title"], r["punkte"], r["stimmen"]]
                for r in selectors.abstimmung_ergebnis(abstimmung)
            ),  # fmt: skip
        )
    return render(
        request,
        "foren/abstimmung_detail.html",
        {
            "forum": forum,
            "abstimmung": abstimmung,
            "form": form,
            "darf_moderieren": darf_moderieren,
            "ergebnis": selectors.abstimmung_ergebnis(abstimmung) if zeige_ergebnis else None,
            "teilnehmende": selectors.teilnehmende_count(abstimmung),
        },
    )


@require_POST
@require_perm("netzwerk.see_dashboard")
def abstimmung_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    abstimmung = _abstimmung(request, slug, pk)
    if not request.user.has_perm("foren.moderate_forum", abstimmung.forum):
        raise Http404
    services.abstimmung_close(abstimmung=abstimmung, by=request.user)
    messages.success(request, _("Die Abstimmung ist geschlossen; das Ergebnis bleibt erhalten."))
    return redirect(abstimmung)


@require_perm("netzwerk.see_dashboard")
def abstimmung_present(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    abstimmung = _abstimmung(request, slug, pk)
    if abstimmung.is_offen and not request.user.has_perm("foren.moderate_forum", abstimmung.forum):
        raise Http404
    ergebnis = selectors.abstimmung_ergebnis(abstimmung)
    hoechstwert = max((r["punkte"] for r in ergebnis), default=0) or 1
    for row in ergebnis:
        row["anteil"] = round(100 * row["punkte"] / hoechstwert)
    return render(
        request,
        "foren/abstimmung_praesentation.html",
        {"forum": abstimmung.forum, "abstimmung": abstimmung, "ergebnis": ergebnis},
    )


# --- Documents ---------------------------------------------------------------------------------
def dokument_list(request: HttpRequest, slug: str) -> HttpResponse:
    forum = _forum(request, slug)
    insider = request.user.has_perm("foren.contribute", forum)
    form = None
    if insider:
        form = DokumentForm(request.POST or None, request.FILES or None, forum=forum)
        if request.method == "POST" and form.is_valid():
            services.dokument_upload(forum=forum, by=request.user, form=form, typ=form.typ)
            messages.success(request, _("Das Dokument ist hochgeladen."))
            return redirect("foren:dokument-list", slug=forum.slug)
    elif request.method == "POST":
        raise Http404
    page = Paginator(selectors.dokumente_visible(forum, insider=insider), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # foren.delete_dokument, asked once for the page instead of once per row.
    moderiert = request.user.has_perm("foren.moderate_forum", forum)
    for dokument in page.object_list:
        dokument.darf_loeschen = insider and (
            moderiert or dokument.uploaded_by_id == request.user.pk
        )
    return render(
        request,
        "foren/dokument_list.html",
        {"forum": forum, "page": page, "form": form, "insider": insider},
    )


@require_POST
@require_perm("netzwerk.see_dashboard")
def dokument_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    forum = _forum(request, slug)
    dokument = get_object_or_404(Dokument, pk=pk, forum=forum)
    dokument.forum = forum
    if not request.user.has_perm("foren.delete_dokument", dokument):
        raise Http404
    services.dokument_delete(dokument=dokument)
    messages.success(request, _("Das Dokument „%(t)s“ ist gelöscht.") % {"t": dokument.title})
    return redirect("foren:dokument-list", slug=forum.slug)


def dokument_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    forum = _forum(request, slug)
    dokument = get_object_or_404(Dokument, pk=pk, forum=forum)
    dokument.forum = forum
    if not request.user.has_perm("foren.read_dokument", dokument):
        raise Http404
    return dokument_response(
        dokument.file, content_type=dokument.content_type, filename=dokument.original_name
    )
