"""Every named URL of the project, for every role, with the status it must answer.

A URL that is not in MATRIX fails test_every_named_url_is_in_the_matrix: whoever adds a page decides
who may see it. What a person may not see answers 404; anonymous visitors of internal pages are sent
to the login (302); a coordinator without TOTP is sent to set it up (302).
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from .conftest import ROLES, TOTP_SECRET
from .urls_walk import named_urls

ALL = dict.fromkeys(ROLES, 200)
# Coordinators without a second factor are redirected to set one up from every page outside
# their account pages (netzwerk.middleware.KoordinationMfaMiddleware).
PUBLIC = {**ALL, "koordination_ohne_2fa": 302}
SIGNED_IN = {**PUBLIC, "anonym": 302}
KOORDINATION_ONLY = {
    "anonym": 302,
    "wartend": 404,
    "partner": 404,
    "moderation": 404,
    "gremium": 404,
    "koordination": 200,
    "koordination_ohne_2fa": 302,
}
APPROVED = {**SIGNED_IN, "wartend": 404, "anonym": 404}
# A partner's own organisation and its offers; other partners do not see these pages at all.
OWN_ORGANISATION = {**KOORDINATION_ONLY, "partner": 200}
# Forum rights (foren.rules): "moderation" moderates and belongs to forum_members ("Intern");
# "partner" belongs to forum_public ("Offen"), which has no moderator.
NOBODY_BUT = {**dict.fromkeys(ROLES, 404), "anonym": 302, "koordination_ohne_2fa": 302}
MODERATION_INTERN = {**NOBODY_BUT, "moderation": 200, "koordination": 200}
MODERATION_INTERN_POST = {**NOBODY_BUT, "moderation": 302, "koordination": 302}
MEMBER_OFFEN_POST = {**NOBODY_BUT, "partner": 302}
# The collection of a public forum: every approved account reads along.
READ_OFFEN = {**APPROVED, "anonym": 302}
# allauth's own pages for signed-in people (reachable without TOTP: that is where it is set up).
READ_KONZEPT = {**APPROVED, "koordination_ohne_2fa": 302}
ACCOUNT_PAGE = {**ALL, "anonym": 302}
# Everyone, but a coordinator without TOTP, who may only set it up (and see e-mail and logout).
NOT_WITHOUT_TOTP = {**ALL, "koordination_ohne_2fa": 302}
# allauth sends signed-in people away from login and sign-up.
ENTRANCE = {**dict.fromkeys(ROLES, 302), "anonym": 200}


def _person(welt) -> int:
    return welt.users["partner"].person.pk


def _consent(welt) -> int:
    from akteure.models import Einwilligung

    consent, _ = Einwilligung.objects.get_or_create(
        person_id=_person(welt), purpose="verzeichnis", defaults={"method": "formular"}
    )
    return consent.pk


def _mail() -> int:
    from netzwerk.mail import mail_queue

    return mail_queue(name="freigabe", context={"user": {}}, to=["x@test.example"]).pk


def _einladung(welt) -> str:
    from akteure.services import einladung_create

    return einladung_create(organisation=welt.organisation, by=welt.users["koordination"]).token


def _antrag(welt) -> int:
    from akteure.services import antrag_create

    return antrag_create(user=welt.users["wartend"]).pk


def _import(welt) -> int:
    from django.core.files.base import ContentFile

    from akteure.models import Import

    imp = Import.objects.first()
    if imp is None:
        imp = Import(art="organisationen", filename="o.csv", headers=["Name"], rows_total=1)
        imp.file.save("o.csv", ContentFile(b"Name\nA\n"), save=False)
        imp.save()
    return imp.pk


def _logo(welt) -> str:
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    organisation = welt.organisation
    if not organisation.logo:
        buffer = io.BytesIO()
        Image.new("RGB", (2, 2), "blue").save(buffer, "PNG")
        organisation.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    return organisation.slug


def _beitrag(forum, author) -> int:
    from foren.models import Beitrag

    beitrag, _ = Beitrag.objects.get_or_create(
        forum=forum, title="Übergang Kita – Schule", defaults={"art": "bedarf", "author": author}
    )
    return beitrag.pk


def _abstimmung(welt) -> int:
    from foren.models import Abstimmung

    forum = welt.forum_members
    runde = Abstimmung.objects.filter(forum=forum).first()
    if runde is None:
        runde = Abstimmung.objects.create(
            forum=forum, title="Was zuerst?", punkte=3, max_pro_beitrag=2
        )
        runde.beitraege.set([_beitrag(forum, welt.users["moderation"])])
    return runde.pk


def _dokument(forum, visibility: str) -> int:
    from django.core.files.base import ContentFile

    from foren.models import Dokument

    dokument = Dokument.objects.filter(forum=forum, visibility=visibility).first()
    if dokument is None:
        dokument = Dokument(
            forum=forum, title="Protokoll", original_name="p.pdf", content_type="application/pdf",
            endung="pdf", size=9, visibility=visibility,
        )  # fmt: skip
        dokument.file.save("p.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return dokument.pk


def _anfrage(welt) -> int:
    from foren.models import Beitrittsanfrage

    anfrage, _ = Beitrittsanfrage.objects.get_or_create(
        forum=welt.forum_members, user=welt.users["gremium"], status="offen"
    )
    return anfrage.pk


def _interesse(welt) -> int:
    from django.utils import timezone

    from foren.models import Interessensbekundung

    interesse, _ = Interessensbekundung.objects.get_or_create(
        forum=welt.forum_public, email="i@test.example",
        defaults={"name": "Ida", "consent_at": timezone.now()},
    )  # fmt: skip
    return interesse.pk


def _interesse_token(welt) -> str:
    from django.core import signing

    from foren.services import INTERESSE_SALT

    return signing.dumps({"i": _interesse(welt)}, salt=INTERESSE_SALT)


def _event(welt, visibility: str) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from konferenzen.models import Veranstaltung

    start = timezone.now() + timedelta(days=7)
    event, _ = Veranstaltung.objects.get_or_create(
        title=f"Treffen {visibility}",
        defaults={"art": "netzwerktreffen", "start": start, "end": start, "visibility": visibility},
    )
    return event.pk


def _kalender_token(welt) -> str:
    from konferenzen.models import Kalenderabo

    return Kalenderabo.objects.get_or_create(user=welt.users["partner"])[0].token


def _anmeldung_token(welt) -> str:
    from konferenzen.models import Veranstaltung
    from konferenzen.services import anmeldung_create

    event = Veranstaltung.objects.get(pk=_event(welt, "public"))
    anmeldung, _ = anmeldung_create(veranstaltung=event, name="Ida", email="ida@test.example")
    return anmeldung.token


def _forum_event(welt) -> int:
    """A session of the members' forum: managed by its moderator and the coordination."""
    from konferenzen.models import Veranstaltung

    event = Veranstaltung.objects.get(pk=_event(welt, "members"))
    event.forum = welt.forum_members
    event.save(update_fields=["forum"])
    return event.pk


def _forum_event_anmeldung(welt) -> dict:
    from konferenzen.models import Veranstaltung
    from konferenzen.services import anmeldung_create

    event = Veranstaltung.objects.get(pk=_forum_event(welt))
    anmeldung, _ = anmeldung_create(veranstaltung=event, name="Ida", email="ida@test.example")
    return {"pk": event.pk, "anmeldung_pk": anmeldung.pk}


def _forum_sitzung(welt, forum=None) -> int:
    """A meeting (Forumssitzung) of the members' forum, or of `forum`: planned by its moderators
    and the coordination."""
    from datetime import timedelta

    from django.utils import timezone

    from konferenzen.models import Veranstaltung

    forum = forum or welt.forum_members
    start = timezone.now() + timedelta(days=9)
    event, _ = Veranstaltung.objects.get_or_create(
        title=f"Sitzung {forum.name}",
        defaults={"art": "forumssitzung", "forum": forum, "start": start, "place": "Rathaus",
                  "end": start + timedelta(hours=2), "visibility": "members"},
    )  # fmt: skip
    return event.pk


def _top(welt) -> dict:
    from konferenzen.models import Tagesordnungspunkt

    pk = _forum_sitzung(welt)
    top = Tagesordnungspunkt.objects.create(veranstaltung_id=pk, title="Begrüßung")
    return {"pk": pk, "top_pk": top.pk}


def _gruppe(welt) -> dict:
    from konferenzen.models import Arbeitsgruppe

    pk = _forum_sitzung(welt)
    gruppe = Arbeitsgruppe.objects.create(veranstaltung_id=pk, name="Gruppe")
    return {"pk": pk, "gruppe_pk": gruppe.pk}


def _einladung_token(welt) -> str:
    from konferenzen.models import Einladung

    einladung, _ = Einladung.objects.get_or_create(
        veranstaltung_id=_event(welt, "invited"), email="gast@test.example"
    )
    return einladung.token


def _invited_event(welt) -> int:
    """An event for invited people only, the partner's address invited."""
    from konferenzen.models import Einladung, Veranstaltung

    template = Veranstaltung.objects.get(pk=_event(welt, "invited"))
    event, _ = Veranstaltung.objects.get_or_create(
        title="Treffen mit Einladung",
        defaults={"art": template.art, "start": template.start, "end": template.end,
                  "visibility": "invited"},
    )  # fmt: skip
    Einladung.objects.get_or_create(veranstaltung=event, email=welt.users["partner"].email)
    return event.pk


def _versand(welt) -> int:
    from konferenzen.models import Versand

    return Versand.objects.get_or_create(
        veranstaltung_id=_forum_event(welt), art="einladung", label="Liste"
    )[0].pk


def _protokoll_dokument(welt, visibility="public", event_pk=None) -> dict:
    from django.core.files.base import ContentFile

    from konferenzen.models import Protokoll, Protokolldokument

    event_pk = event_pk or _event(welt, visibility)
    protokoll, _ = Protokoll.objects.get_or_create(veranstaltung_id=event_pk, arbeitsgruppe=None)
    dokument = protokoll.dokumente.first()
    if dokument is None:
        dokument = Protokolldokument(
            protokoll=protokoll, filename="p.pdf", content_type="application/pdf", size=9
        )
        dokument.file.save("p.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": event_pk, "dokument_pk": dokument.pk}


def _druck(welt) -> dict:
    from django.core.files.base import ContentFile

    from konferenzen.models import Druck

    pk = _forum_event(welt)
    druck = Druck.objects.filter(veranstaltung_id=pk, status="fertig").first()
    if druck is None:
        druck = Druck(veranstaltung_id=pk, art="namensschilder", status="fertig", pages=1)
        druck.file.save("d.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {"pk": pk, "druck_pk": druck.pk}


def _checkin_code(welt) -> str:
    from konferenzen import einlass
    from konferenzen.models import Anmeldung

    return einlass.code_for(Anmeldung.objects.get(pk=_forum_event_anmeldung(welt)["anmeldung_pk"]))


def _meine_anmeldung(welt) -> dict:
    """The partner's own registration for the public event."""
    from konferenzen.models import Veranstaltung
    from konferenzen.services import anmeldung_create

    partner = welt.users["partner"]
    anmeldung, _ = anmeldung_create(
        veranstaltung=Veranstaltung.objects.get(pk=_event(welt, "public")),
        name="Partnerin",
        email=partner.email,
        user=partner,
    )
    return {"anmeldung_pk": anmeldung.pk}


def _konzept(welt, status="beteiligung") -> dict:
    from netzwerk.konzepte import services
    from netzwerk.models import Konzept

    konzept, made = Konzept.objects.get_or_create(
        slug=f"konzept-{status}", defaults={"title": f"Konzept {status}"}
    )
    if made:
        services.kapitel_create(konzept=konzept, title="Ausgangslage", user=None)
        Konzept.objects.filter(pk=konzept.pk).update(status=status)
    return {"slug": konzept.slug}


def _kapitel(welt, status="beteiligung") -> dict:
    from netzwerk.models import Konzept

    slug = _konzept(welt, status)["slug"]
    return {"slug": slug, "pk": Konzept.objects.get(slug=slug).kapitel.first().pk}


def _kommentar(welt) -> dict:
    from netzwerk.models import Kommentar

    kwargs = _kapitel(welt)
    kommentar, _ = Kommentar.objects.get_or_create(kapitel_id=kwargs["pk"], text="Gut so.")
    return {"slug": kwargs["slug"], "pk": kommentar.pk}


def _massnahme(welt) -> dict:
    from netzwerk.models import Handlungsschwerpunkt, Konzept, Massnahme, Ziel

    kwargs = _konzept(welt)
    konzept = Konzept.objects.get(slug=kwargs["slug"])
    schwerpunkt, _ = Handlungsschwerpunkt.objects.get_or_create(konzept=konzept, title="S")
    ziel, _ = Ziel.objects.get_or_create(schwerpunkt=schwerpunkt, title="Z")
    massnahme, _ = Massnahme.objects.get_or_create(ziel=ziel, title="M")
    return {"slug": konzept.slug, "pk": massnahme.pk}


def _schwerpunkt(welt) -> dict:
    from netzwerk.models import Massnahme

    massnahme = Massnahme.objects.select_related("ziel").get(pk=_massnahme(welt)["pk"])
    return {"slug": "konzept-beteiligung", "pk": massnahme.ziel.schwerpunkt_id}


def _ziel(welt) -> dict:
    from netzwerk.models import Massnahme

    massnahme = Massnahme.objects.get(pk=_massnahme(welt)["pk"])
    return {"slug": "konzept-beteiligung", "pk": massnahme.ziel_id}


# Concepts, issue 14 part 3: a draft whose outline the cases change (two chapters, one with text),
# a draft with "partner" as co-author, a concept to archive; each made through the services.
def _konzept_entwurf(welt, slug: str, mitwirkende=()) -> dict:
    from netzwerk.konzepte import services
    from netzwerk.models import Konzept

    koordination = welt.users["koordination"]
    konzept = Konzept.objects.filter(slug=slug).first()
    if konzept is None:
        konzept = services.konzept_create(title=slug, user=koordination)
        Konzept.objects.filter(pk=konzept.pk).update(slug=slug)
        konzept.refresh_from_db()
        for title in ("Ausgangslage", "Ziele"):
            kapitel = services.kapitel_create(konzept=konzept, title=title, user=koordination)
        services.kapitel_save(
            kapitel=kapitel, title="Ziele", text="Text", base_version=0, user=koordination
        )
        konzept.mitwirkende.set([welt.users[role] for role in mitwirkende])
    return {"slug": slug}


def _gliederung_kapitel(welt) -> dict:
    slug = _konzept_entwurf(welt, "konzept-gliederung")["slug"]
    from netzwerk.models import Kapitel

    return {"slug": slug, "pk": Kapitel.objects.filter(konzept__slug=slug).first().pk}


def _kapitel_zum_loeschen(welt) -> dict:
    from netzwerk.konzepte import services
    from netzwerk.models import Konzept

    konzept = Konzept.objects.get(slug=_konzept_entwurf(welt, "konzept-gliederung")["slug"])
    kapitel = services.kapitel_create(konzept=konzept, title="Zum Löschen", user=None)
    return {"slug": konzept.slug, "pk": kapitel.pk}


def _kapitel_entfernt(welt) -> dict:
    """A chapter with text removed from the draft (kept with its versions), to restore."""
    from netzwerk.konzepte import services
    from netzwerk.models import Kapitel

    kwargs = _kapitel_zum_loeschen(welt)
    kapitel = Kapitel.objects.get(pk=kwargs["pk"])
    services.kapitel_save(kapitel=kapitel, title="Weg", text="Text", base_version=0, user=None)
    services.kapitel_delete(kapitel=kapitel, user=welt.users["koordination"])
    return kwargs


def _mitwirkung_kapitel(welt) -> dict:
    slug = _konzept_entwurf(welt, "konzept-mitwirkung", mitwirkende=["partner"])["slug"]
    from netzwerk.models import Kapitel

    return {"slug": slug, "pk": Kapitel.objects.filter(konzept__slug=slug).first().pk}


def _bericht(welt) -> dict:
    """A finished report for a committee that "gremium" belongs to, with a public link."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from netzwerk.models import Gremium, Sachstandsbericht

    gremium, _ = Gremium.objects.get_or_create(slug="jha", defaults={"name": "JHA"})
    gremium.members.add(welt.users["gremium"])
    bericht = Sachstandsbericht.objects.filter(nummer=1).first()
    if bericht is None:
        content = b"%PDF-1.7 Bericht"
        bericht = Sachstandsbericht.objects.create(
            nummer=1, gremium=gremium, period_start="2026-07-01", period_end="2026-09-30",
            sections=["zusammenfassung"], status="fertig", public_token="oeffentlich-" + "x" * 30,
            file=default_storage.save("berichte/matrix.pdf", ContentFile(content)),
            sha256=hashlib.sha256(content).hexdigest(),
        )  # fmt: skip
    return {"nummer": bericht.nummer}


def _bericht_token(welt) -> dict:
    from netzwerk.models import Sachstandsbericht

    _bericht(welt)
    token = "oeffentlich-" + "x" * 30
    Sachstandsbericht.objects.filter(nummer=1).update(public_token=token)  # publish may unset it
    return {"token": token}


def _gremium_member(welt) -> dict:
    _bericht(welt)
    return {}


def _vokabular_term(welt) -> dict:
    """A field of action the forum "Forum Offen" uses (so deleting it is refused)."""
    return {"art": "handlungsfelder", "pk": welt.forum_public.handlungsfeld_id}


def _gremium(welt) -> dict:
    """A committee of its own for the matrix, with "partner" as member."""
    from netzwerk.models import Gremium

    gremium, _ = Gremium.objects.get_or_create(slug="matrix-gremium", defaults={"name": "MG"})
    gremium.members.add(welt.users["partner"])
    return {"slug": gremium.slug}


def _gremium_mitglied(welt) -> dict:
    return {**_gremium(welt), "user_pk": welt.users["partner"].pk}


def _gremium_einladung(welt, email: str = "offen@test.example"):
    from netzwerk.models import Gremium, Gremiumseinladung

    gremium = Gremium.objects.get(slug=_gremium(welt)["slug"])
    token = "matrix-" + email.split("@")[0]
    einladung, _ = Gremiumseinladung.objects.get_or_create(
        gremium=gremium, email=email,
        defaults={"token": token, "created_by": welt.users["koordination"]},
    )  # fmt: skip
    return einladung


def _heft(welt, *, alt: bool = False, neu: bool = False) -> dict:
    """Part D: a finished booklet for the whole town, the newest (public) or an older one; neu: a
    failed one of its own, for deleting."""
    import hashlib
    from datetime import UTC, datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from akteure.models import Wegweiserheft

    if neu:
        return {"pk": Wegweiserheft.objects.create(status="fehler", fehler="kaputt").pk}
    finished_at = datetime(2026, 1 if alt else 6, 1, tzinfo=UTC)
    heft = Wegweiserheft.objects.filter(status="fertig", finished_at=finished_at).first()
    if heft is None:
        content = b"%PDF-1.7 Heft"
        heft = Wegweiserheft.objects.create(
            status="fertig", finished_at=finished_at, seiten=1,
            datei=default_storage.save("wegweiser/matrix.pdf", ContentFile(content)),
            sha256=hashlib.sha256(content).hexdigest(),
        )  # fmt: skip
    return {"pk": heft.pk}


def _konto(welt) -> dict:
    """An account for the coordination's account pages (deactivated and reactivated there)."""
    from netzwerk.models import User

    from .factories import UserFactory

    user = User.objects.filter(email="konto@test.example").first()
    return {"pk": (user or UserFactory(email="konto@test.example", rollen=["Partner"])).pk}


def _indikator(welt, slug: str = "sgb-ii-quote") -> dict:
    """Issue 19: an indicator (for deleting: one of its own, made anew each time)."""
    from netzwerk.models import Indikator

    indikator, _ = Indikator.objects.get_or_create(
        slug=slug, defaults={"name": f"Indikator {slug}", "einheit": "%", "quelle": "Statistik"}
    )
    return {"slug": indikator.slug}


def _indikator_import(welt) -> dict:
    """A checked upload with an error: taking it over is refused, so it can be tried by all."""
    from netzwerk.models import Indikator, IndikatorImport

    slug = _indikator(welt)["slug"]
    vorgang, _ = IndikatorImport.objects.get_or_create(
        indikator=Indikator.objects.get(slug=slug),
        dateiname="matrix.csv",
        defaults={"fehler": ["Zeile 2: Sozialraum fehlt."]},
    )
    return {"slug": slug, "pk": vorgang.pk}


@dataclass
class Case:
    name: str
    expected: dict[str, int]
    kwargs: object = None  # a callable welt -> kwargs
    method: str = "get"
    note: str = ""
    data: dict = field(default_factory=dict)


MATRIX = [
    Case("netzwerk:home", PUBLIC),
    Case("netzwerk:dashboard", SIGNED_IN),
    Case("netzwerk:hilfe", PUBLIC),
    Case("netzwerk:impressum", PUBLIC),
    Case("netzwerk:datenschutz", PUBLIC),
    Case("netzwerk:barrierefreiheit", PUBLIC),
    Case("netzwerk:leichte-sprache", PUBLIC),
    Case("netzwerk:rueckmeldung-list", KOORDINATION_ONLY),
    Case("netzwerk:mail-list", KOORDINATION_ONLY),
    Case(
        "netzwerk:mail-resend",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=lambda w: {"pk": _mail()},
        method="post",
    ),
    Case("healthz", ALL, note="monitoring reads it; it reveals no data"),
    Case("readyz", ALL, note="the proxy and monitoring read it; it reveals no data"),
    Case(
        "metrics",
        dict.fromkeys(ROLES, 404),
        note="Prometheus only, with METRICS_TOKEN as a bearer token (tests/netzwerk/test_pages.py)",
    ),
    Case(
        "set_language",
        dict.fromkeys(ROLES, 302),
        method="post",
        data={"language": "de", "next": "/"},
        note="the header's language switch: a cookie, then back (tests/test_i18n.py)",
    ),
    Case("akteure:freigabe-list", KOORDINATION_ONLY),
    Case(
        "akteure:freigabe-decide",
        {**KOORDINATION_ONLY, "koordination": 400},
        kwargs=lambda w: {"pk": w.users["wartend"].pk},
        method="post",
        note="an empty decision is a 400 with the form's message",
    ),
    Case("akteure:organisation-list", PUBLIC),
    Case("akteure:organisation-detail", PUBLIC, kwargs=lambda w: {"slug": w.organisation.slug}),
    Case(
        "akteure:organisation-logo",
        PUBLIC,
        kwargs=lambda w: {"slug": _logo(w)},
        note="as public as the organisation's page",
    ),
    Case(
        "akteure:organisation-edit",
        OWN_ORGANISATION,
        kwargs=lambda w: {"slug": w.organisation.slug},
    ),
    Case(
        "akteure:organisation-edit",
        {**OWN_ORGANISATION, "partner": 404},
        kwargs=lambda w: {"slug": w.fremde_organisation.slug},
        note="another partner's organisation does not exist for a partner",
    ),
    Case(
        "akteure:angebot-create", OWN_ORGANISATION, kwargs=lambda w: {"slug": w.organisation.slug}
    ),
    Case("akteure:angebot-list", PUBLIC),
    Case("akteure:angebot-detail", PUBLIC, kwargs=lambda w: {"slug": w.angebot_public.slug}),
    Case(
        "akteure:angebot-detail",
        APPROVED,
        kwargs=lambda w: {"slug": w.angebot_intern.slug},
        note="an offer for members only",
    ),
    Case(
        "akteure:angebot-edit", OWN_ORGANISATION, kwargs=lambda w: {"slug": w.angebot_public.slug}
    ),
    Case(
        "akteure:angebot-confirm",
        {**OWN_ORGANISATION, "partner": 302, "koordination": 302},
        kwargs=lambda w: {"slug": w.angebot_public.slug},
        method="post",
        note="confirmed, back to the offer",
    ),
    Case(
        "akteure:einladung-create",
        KOORDINATION_ONLY,
        kwargs=lambda w: {"slug": w.organisation.slug},
        method="post",
    ),
    Case(
        "akteure:einladung",
        PUBLIC,
        kwargs=lambda w: {"token": _einladung(w)},
        note="the page says who invites; accepting needs a login (POST)",
    ),
    Case("akteure:import-list", KOORDINATION_ONLY),
    Case("akteure:import-detail", KOORDINATION_ONLY, kwargs=lambda w: {"pk": _import(w)}),
    Case("akteure:import-progress", KOORDINATION_ONLY, kwargs=lambda w: {"pk": _import(w)}),
    Case("akteure:person-review", KOORDINATION_ONLY),
    Case("akteure:person-detail", KOORDINATION_ONLY, kwargs=lambda w: {"pk": _person(w)}),
    Case("akteure:person-export", KOORDINATION_ONLY, kwargs=lambda w: {"pk": _person(w)}),
    Case("akteure:person-auskunft", KOORDINATION_ONLY, kwargs=lambda w: {"pk": _person(w)}),
    Case(
        "akteure:person-erase",
        KOORDINATION_ONLY,
        kwargs=lambda w: {"pk": _person(w)},
        note="the confirmation page: what erasure will do, with counts",
    ),
    Case(
        "akteure:person-erase",
        {**KOORDINATION_ONLY, "koordination": 400},
        kwargs=lambda w: {"pk": _person(w)},
        method="post",
        note="without the confirmation box: the page again with the error, nothing erased",
    ),
    Case("akteure:meine-daten", SIGNED_IN, note="one's own Auskunft and erasure request"),
    Case("akteure:meine-daten-export", SIGNED_IN),
    Case("akteure:antrag-list", KOORDINATION_ONLY),
    Case("akteure:antrag-detail", KOORDINATION_ONLY, kwargs=lambda w: {"pk": _antrag(w)}),
    Case(
        "akteure:einwilligung-withdraw",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=lambda w: {"pk": _consent(w)},
        method="post",
    ),
    Case("akteure:praeventionskette", PUBLIC),
    Case("akteure:praeventionskette-svg", PUBLIC),
    # --- Issue 16, part C: district maps (boundary import and the coordinators' map) ---
    Case("akteure:grenzen-import", KOORDINATION_ONLY),
    Case("akteure:sozialraum-karte", KOORDINATION_ONLY),
    # --- end part C ---
    Case("foren:forum-list", PUBLIC),
    Case("foren:forum-detail", PUBLIC, kwargs=lambda w: {"slug": w.forum_public.slug}),
    Case(
        "foren:forum-detail",
        {
            "anonym": 404,
            "wartend": 404,
            "partner": 404,
            "moderation": 200,
            "gremium": 404,
            "koordination": 200,
            "koordination_ohne_2fa": 302,
        },
        kwargs=lambda w: {"slug": w.forum_members.slug},
        note="a members-only forum does not exist for non-members",
    ),
    # --- Issue 16, part A: the family guide (akteure/wegweiser), public; internal offers and
    # those past the guide's second period exist for nobody there ---
    Case("wegweiser:angebot-list", PUBLIC),
    Case("wegweiser:angebot-list", PUBLIC, data={"alter": "4", "sprache": "ar", "kostenlos": "1"}),
    Case("wegweiser:angebot-detail", PUBLIC, kwargs=lambda w: {"uuid": w.angebot_public.uuid}),
    Case(
        "wegweiser:angebot-detail",
        {**dict.fromkeys(ROLES, 404), "koordination_ohne_2fa": 302},
        kwargs=lambda w: {"uuid": w.angebot_intern.uuid},
        note="an offer for members only is not in the guide, not even for members",
    ),
    # --- Foren ---
    Case("foren:forum-create", KOORDINATION_ONLY),
    Case("foren:forum-overview", KOORDINATION_ONLY),
    Case("foren:forum-edit", KOORDINATION_ONLY, kwargs=lambda w: {"slug": w.forum_public.slug}),
    Case(
        "foren:interesse-create",
        PUBLIC,
        kwargs=lambda w: {"slug": w.forum_public.slug},
        note="the public interest form",
    ),
    Case(
        "foren:interesse-create",
        {**dict.fromkeys(ROLES, 404), "koordination_ohne_2fa": 302},
        kwargs=lambda w: {"slug": w.forum_members.slug},
        note="a members-only forum takes no interest from the public",
    ),
    Case(
        "foren:interesse-confirm",
        PUBLIC,
        kwargs=lambda w: {"token": _interesse_token(w)},
        note="the link from the confirmation mail works without an account",
    ),
    Case(
        "foren:interesse-handle",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=lambda w: {"pk": _interesse(w)},
        method="post",
    ),
    Case(
        "foren:beitritt-request",
        {**NOBODY_BUT, "partner": 302, "moderation": 302, "gremium": 302, "koordination": 302},
        kwargs=lambda w: {"slug": w.forum_public.slug},
        method="post",
        note="approved non-members ask; a member is sent back with a note",
    ),
    Case(
        "foren:beitritt-request",
        {**NOBODY_BUT, "moderation": 302},
        kwargs=lambda w: {"slug": w.forum_members.slug},
        method="post",
        note="a members-only forum is joined by a moderator's invitation only",
    ),
    Case(
        "foren:digest-toggle",
        MEMBER_OFFEN_POST,
        kwargs=lambda w: {"slug": w.forum_public.slug},
        method="post",
    ),
    Case("foren:mitglied-list", MODERATION_INTERN, kwargs=lambda w: {"slug": w.forum_members.slug}),
    Case(
        "foren:mitglied-list",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=lambda w: {"slug": w.forum_public.slug},
        note="the moderator of forum A cannot manage forum B; a member cannot either",
    ),
    Case(
        "foren:mitglied-remove",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"slug": w.forum_members.slug, "user_pk": w.users["moderation"].pk},
        method="post",
    ),
    Case(
        "foren:beitritt-decide",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"slug": w.forum_members.slug, "pk": _anfrage(w)},
        method="post",
    ),
    Case("foren:beitrag-list", READ_OFFEN, kwargs=lambda w: {"slug": w.forum_public.slug}),
    Case(
        "foren:beitrag-list",
        MODERATION_INTERN,
        kwargs=lambda w: {"slug": w.forum_members.slug},
        note="members-only entries",
    ),
    Case(
        "foren:beitrag-create",
        {**NOBODY_BUT, "partner": 200, "koordination": 200},
        kwargs=lambda w: {"slug": w.forum_public.slug},
        note="members contribute; reading along is not contributing",
    ),
    Case(
        "foren:beitrag-create", MODERATION_INTERN, kwargs=lambda w: {"slug": w.forum_members.slug}
    ),
    Case(
        "foren:beitrag-detail",
        MODERATION_INTERN,
        kwargs=lambda w: {
            "slug": w.forum_members.slug,
            "pk": _beitrag(w.forum_members, w.users["moderation"]),
        },
    ),
    Case(
        "foren:beitrag-detail",
        READ_OFFEN,
        kwargs=lambda w: {
            "slug": w.forum_public.slug,
            "pk": _beitrag(w.forum_public, w.users["partner"]),
        },
    ),
    Case(
        "foren:beitrag-edit",
        {**NOBODY_BUT, "partner": 200, "koordination": 200},
        kwargs=lambda w: {
            "slug": w.forum_public.slug,
            "pk": _beitrag(w.forum_public, w.users["partner"]),
        },
        note="the author and the forum's moderation (here: the coordination)",
    ),
    Case(
        "foren:beitrag-edit",
        MODERATION_INTERN,
        kwargs=lambda w: {
            "slug": w.forum_members.slug,
            "pk": _beitrag(w.forum_members, w.users["partner"]),
        },
        note="the moderator edits any entry of their forum; the author left the forum",
    ),
    Case(
        "foren:abstimmung-create",
        MODERATION_INTERN,
        kwargs=lambda w: {"slug": w.forum_members.slug},
    ),
    Case(
        "foren:abstimmung-create",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=lambda w: {"slug": w.forum_public.slug},
    ),
    Case(
        "foren:abstimmung-detail",
        MODERATION_INTERN,
        kwargs=lambda w: {"slug": w.forum_members.slug, "pk": _abstimmung(w)},
    ),
    Case(
        "foren:abstimmung-present",
        MODERATION_INTERN,
        kwargs=lambda w: {"slug": w.forum_members.slug, "pk": _abstimmung(w)},
        note="while the round is open only the moderation sees the count",
    ),
    Case(
        "foren:abstimmung-close",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"slug": w.forum_members.slug, "pk": _abstimmung(w)},
        method="post",
    ),
    Case("foren:dokument-list", PUBLIC, kwargs=lambda w: {"slug": w.forum_public.slug}),
    Case(
        "foren:dokument-list",
        {
            **dict.fromkeys(ROLES, 404),
            "moderation": 200,
            "koordination": 200,
            "koordination_ohne_2fa": 302,
        },
        kwargs=lambda w: {"slug": w.forum_members.slug},
    ),  # fmt: skip
    Case(
        "foren:dokument-download",
        PUBLIC,
        kwargs=lambda w: {"slug": w.forum_public.slug, "pk": _dokument(w.forum_public, "public")},
    ),
    Case(
        "foren:dokument-download",
        {
            **dict.fromkeys(ROLES, 404),
            "partner": 200,
            "koordination": 200,
            "koordination_ohne_2fa": 302,
        },
        kwargs=lambda w: {"slug": w.forum_public.slug, "pk": _dokument(w.forum_public, "members")},
        note="a members-only file of a public forum: not for approved non-members either",
    ),  # fmt: skip
    Case(
        "foren:dokument-delete",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=lambda w: {"slug": w.forum_public.slug, "pk": _dokument(w.forum_public, "members")},
        method="post",
        note="the uploader or the moderation; the partner is a member but did not upload it",
    ),
    # Last of the forum cases: the partner leaves forum_public.
    Case(
        "foren:forum-leave",
        MEMBER_OFFEN_POST,
        kwargs=lambda w: {"slug": w.forum_public.slug},
        method="post",
    ),
    # --- Konferenzen ---
    Case("konferenzen:veranstaltung-list", PUBLIC),
    Case("konferenzen:veranstaltung-detail", PUBLIC, kwargs=lambda w: {"pk": _event(w, "public")}),
    Case(
        "konferenzen:veranstaltung-detail",
        {**APPROVED, "koordination_ohne_2fa": 302},
        kwargs=lambda w: {"pk": _event(w, "members")},
        note="a members' event: approved accounts",
    ),
    Case(
        "konferenzen:veranstaltung-detail",
        {**dict.fromkeys(ROLES, 404), "koordination": 200, "koordination_ohne_2fa": 302},
        kwargs=lambda w: {"pk": _event(w, "invited")},
        note="invited only: the coordination",
    ),
    Case(
        "konferenzen:veranstaltung-detail",
        {
            **dict.fromkeys(ROLES, 404),
            "partner": 200,
            "koordination": 200,
            "koordination_ohne_2fa": 302,
        },
        kwargs=lambda w: {"pk": _invited_event(w)},
        note="invited only: and the accounts whose address is invited",
    ),  # fmt: skip
    Case(
        "konferenzen:einladung",
        PUBLIC,
        kwargs=lambda w: {"token": _einladung_token(w)},
        note="the invitation link: the token is the key, no account",
    ),
    Case(
        "konferenzen:delegierte",
        {**NOBODY_BUT, "partner": 200},
        kwargs=lambda w: {"pk": _event(w, "public")},
        note="registering colleagues needs an organisation: the partner's",
    ),
    Case(
        "konferenzen:anmeldung-list",
        MODERATION_INTERN,
        kwargs=lambda w: {"pk": _forum_event(w)},
        note="managing a forum's session: its moderators and the coordination",
    ),
    Case(
        "konferenzen:anmeldung-list",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=lambda w: {"pk": _event(w, "public")},
        note="an event without a forum: the coordination",
    ),
    Case(
        "konferenzen:anmeldung-action",
        MODERATION_INTERN_POST,
        kwargs=_forum_event_anmeldung,
        method="post",
        data={"aktion": "absagen"},
    ),
    Case("konferenzen:einladung-list", MODERATION_INTERN, kwargs=lambda w: {"pk": _forum_event(w)}),
    Case(
        "konferenzen:anmeldung-import",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"pk": _forum_event(w)},
        method="post",
        data={"liste": "Ida <ida@test.example>"},
    ),
    Case(
        "konferenzen:einladung-remind",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"pk": _forum_event(w)},
        method="post",
    ),
    Case(
        "konferenzen:versand-progress",
        MODERATION_INTERN,
        kwargs=lambda w: {"versand_pk": _versand(w)},
    ),
    Case("konferenzen:tag", MODERATION_INTERN, kwargs=lambda w: {"pk": _forum_event(w)}),
    Case(
        "konferenzen:tag-anwesend",
        MODERATION_INTERN_POST,
        kwargs=_forum_event_anmeldung,
        method="post",
        data={"aktion": "anwesend"},
    ),
    Case(
        "konferenzen:teilnehmerliste-pdf",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"pk": _forum_event(w)},
        method="post",
        note="asks the worker for the PDF; the page offers it when ready",
    ),
    Case("konferenzen:drucke", MODERATION_INTERN, kwargs=lambda w: {"pk": _forum_event(w)}),
    Case("konferenzen:druck", MODERATION_INTERN, kwargs=_druck),
    Case(
        "konferenzen:teilnehmerliste", MODERATION_INTERN, kwargs=lambda w: {"pk": _forum_event(w)}
    ),
    Case(
        "konferenzen:namensschilder-pdf",
        MODERATION_INTERN_POST,
        kwargs=lambda w: {"pk": _forum_event(w)},
        method="post",
    ),
    Case(
        "konferenzen:checkin",
        MODERATION_INTERN,
        kwargs=lambda w: {"code": _checkin_code(w)},
        note="the QR code's address: a manager's phone opens it (after the login)",
    ),
    Case(
        "konferenzen:protokoll-dokument",
        PUBLIC,
        kwargs=_protokoll_dokument,
        note="a document with the minutes: as readable as the event",
    ),
    Case(
        "konferenzen:protokoll-dokument",
        {**APPROVED, "koordination_ohne_2fa": 302},
        kwargs=lambda w: _protokoll_dokument(w, "members"),
    ),
    Case(
        "konferenzen:protokoll-dokument",
        {**dict.fromkeys(ROLES, 404), "koordination": 200, "koordination_ohne_2fa": 302},
        kwargs=lambda w: _protokoll_dokument(w, "invited"),
    ),
    Case(
        "konferenzen:protokoll-dokument-delete",
        MODERATION_INTERN_POST,
        kwargs=lambda w: _protokoll_dokument(w, event_pk=_forum_event(w)),
        method="post",
        note="deleted by the first role that may; the others find nothing or are refused",
    ),
    Case("konferenzen:nachbereitung", MODERATION_INTERN, kwargs=lambda w: {"pk": _forum_event(w)}),
    Case("konferenzen:veranstaltung-ics", PUBLIC, kwargs=lambda w: {"pk": _event(w, "public")}),
    Case("konferenzen:kalender-public", PUBLIC),
    Case(
        "konferenzen:kalender-abo", SIGNED_IN, note="one's own feed address; created on first visit"
    ),
    Case(
        "konferenzen:kalender-personal",
        PUBLIC,
        kwargs=lambda w: {"token": _kalender_token(w)},
        note="calendar apps fetch it without a session: the secret token is the key",
    ),
    Case(
        "konferenzen:anmeldung-manage",
        PUBLIC,
        kwargs=lambda w: {"token": _anmeldung_token(w)},
        note="the personal link from the confirmation mail: the token is the key, no account",
    ),
    # --- Konzepte ---
    Case("netzwerk:konzept-list", PUBLIC, note="the public sees decided concepts only"),
    Case("netzwerk:konzept-detail", READ_KONZEPT, kwargs=_konzept, note="approved accounts"),
    Case(
        "netzwerk:konzept-detail",
        PUBLIC,
        kwargs=lambda w: _konzept(w, "beschlossen"),
        note="a decided concept is public",
    ),
    Case(
        "netzwerk:konzept-status",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=lambda w: _konzept(w, "entwurf"),
        method="post",
        data={"status": "beteiligung"},
    ),
    Case(
        "netzwerk:kapitel-create",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_konzept,
        method="post",
        data={"title": "Neu"},
    ),
    Case("netzwerk:kapitel-edit", {**NOBODY_BUT, "koordination": 200}, kwargs=_kapitel),
    Case(
        "netzwerk:kapitel-versionen",
        READ_KONZEPT,
        kwargs=_kapitel,
        note="versions name their authors: approved accounts",
    ),
    Case(
        "netzwerk:kommentar-create",
        {
            **READ_KONZEPT,
            **dict.fromkeys(["partner", "moderation", "gremium", "koordination"], 302),
        },
        kwargs=_kapitel,
        method="post",
        data={"text": "Ein Kommentar"},
        note="during Beteiligung: every approved account",
    ),
    Case(
        "netzwerk:kommentar-answer",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_kommentar,
        method="post",
        data={"status": "aufgenommen"},
    ),
    Case("netzwerk:massnahme-list", READ_KONZEPT, kwargs=_konzept),
    Case(
        "netzwerk:massnahme-detail",
        READ_KONZEPT,
        kwargs=_massnahme,
        note="progress notes: the coordination, the forum's moderators, responsible partners",
    ),
    # Maintaining the measures' tree: the coordination only (a decided concept's too).
    Case("netzwerk:schwerpunkt-create", {**NOBODY_BUT, "koordination": 200}, kwargs=_konzept),
    Case(
        "netzwerk:schwerpunkt-create",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_konzept,
        method="post",
        data={"title": "Neuer Schwerpunkt"},
    ),
    Case("netzwerk:schwerpunkt-edit", {**NOBODY_BUT, "koordination": 200}, kwargs=_schwerpunkt),
    Case(
        "netzwerk:schwerpunkt-edit",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_schwerpunkt,
        method="post",
        data={"title": "S"},
    ),
    Case(
        "netzwerk:schwerpunkt-delete",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_schwerpunkt,
        method="post",
        note="refused with a message while it has goals",
    ),
    Case("netzwerk:ziel-create", {**NOBODY_BUT, "koordination": 200}, kwargs=_schwerpunkt),
    Case(
        "netzwerk:ziel-create",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_schwerpunkt,
        method="post",
        data={"title": "Neues Ziel"},
    ),
    Case("netzwerk:ziel-edit", {**NOBODY_BUT, "koordination": 200}, kwargs=_ziel),
    Case(
        "netzwerk:ziel-edit",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_ziel,
        method="post",
        data={"title": "Z"},
    ),
    Case(
        "netzwerk:ziel-delete",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_ziel,
        method="post",
        note="refused with a message while it has measures",
    ),
    Case("netzwerk:massnahme-create", {**NOBODY_BUT, "koordination": 200}, kwargs=_ziel),
    Case(
        "netzwerk:massnahme-create",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=_ziel,
        method="post",
        note="an empty form is shown again with its errors",
    ),
    Case("netzwerk:massnahme-edit", {**NOBODY_BUT, "koordination": 200}, kwargs=_massnahme),
    Case(
        "netzwerk:massnahme-edit",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=_massnahme,
        method="post",
        note="an empty form is shown again with its errors",
    ),
    Case(
        "netzwerk:massnahme-delete",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_massnahme,
        method="post",
    ),
    Case("netzwerk:zeitleiste", {**APPROVED, "anonym": 302}, note="approved accounts"),
    Case(
        "netzwerk:zeitleiste",
        {**NOBODY_BUT, "koordination": 302},
        method="post",
        data={"date": "2023-08-15", "title": "Auftaktworkshop"},
        note="entering a milestone: the coordination",
    ),
    # Status reports: the coordination all, a committee's members their committee's.
    Case(
        "netzwerk:bericht-list",
        {**NOBODY_BUT, "gremium": 200, "koordination": 200},
        kwargs=_gremium_member,
    ),  # fmt: skip
    Case(
        "netzwerk:bericht-list",
        {**NOBODY_BUT, "gremium": 404, "koordination": 200},
        kwargs=_gremium_member,
        method="post",
        note="asking for a report: the coordination (empty form: shown again with its errors)",
    ),
    Case(
        "netzwerk:bericht-detail",
        {**NOBODY_BUT, "gremium": 200, "koordination": 200},
        kwargs=_bericht,
    ),
    Case(
        "netzwerk:bericht-download",
        {**NOBODY_BUT, "gremium": 200, "koordination": 200},
        kwargs=_bericht,
    ),
    Case(
        "netzwerk:bericht-retry",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_bericht,
        method="post",
    ),  # fmt: skip
    Case(
        "netzwerk:bericht-publish",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_bericht,
        method="post",
        data={"public": "0"},
    ),  # fmt: skip
    Case(
        "netzwerk:bericht-public",
        PUBLIC,
        kwargs=_bericht_token,
        note="the public link: anyone who has it",
    ),  # fmt: skip
    # --- Issue 16, part D: the printed family guide (akteure/heft_views.py). The coordination
    # orders and manages; the newest finished booklet of a scope is public material ---
    Case("akteure:heft-list", KOORDINATION_ONLY),
    Case(
        "akteure:heft-list",
        {**NOBODY_BUT, "koordination": 302},
        method="post",
        data={"sozialraum": ""},
        note="ordering one for the whole town, then to its status page",
    ),
    Case("akteure:heft-detail", KOORDINATION_ONLY, kwargs=lambda w: _heft(w)),
    Case(
        "akteure:heft-download",
        PUBLIC,
        kwargs=lambda w: _heft(w),
        note="the newest edition: only public offers and consented contacts",
    ),
    Case(
        "akteure:heft-download",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=lambda w: _heft(w, alt=True),
        note="an older edition: the coordination's archive",
    ),
    Case(
        "akteure:heft-retry",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=lambda w: _heft(w),
        method="post",
        note="a finished one stays as it is",
    ),
    Case(
        "akteure:heft-delete",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=lambda w: _heft(w, neu=True),
        method="post",
    ),
    # --- end part D ---
    # --- allauth: accounts ---
    Case("account_login", ENTRANCE),
    Case("account_signup", ENTRANCE),
    Case("account_logout", {**ALL, "anonym": 302}),
    Case("account_inactive", NOT_WITHOUT_TOTP),
    Case("account_email", ACCOUNT_PAGE),
    Case("account_change_password", {**ACCOUNT_PAGE, "koordination_ohne_2fa": 302}),
    Case("account_set_password", dict.fromkeys(ROLES, 302), note="all have a password"),
    Case("account_reauthenticate", ACCOUNT_PAGE),
    Case("account_email_verification_sent", NOT_WITHOUT_TOTP),
    Case("account_confirm_email", NOT_WITHOUT_TOTP, kwargs=lambda w: {"key": "ungueltig"}),
    Case("account_reset_password", NOT_WITHOUT_TOTP),
    Case("account_reset_password_done", NOT_WITHOUT_TOTP),
    Case(
        "account_reset_password_from_key",
        NOT_WITHOUT_TOTP,
        kwargs=lambda w: {"uidb36": "0", "key": "ungueltig-x"},
        note="an invalid link shows a page that says so",
    ),
    Case("account_reset_password_from_key_done", NOT_WITHOUT_TOTP),
    Case(
        "account_confirm_login_code",
        dict.fromkeys(ROLES, 302),
        note="no login by code is pending",
    ),
    # --- allauth: two-factor ---
    Case("mfa_index", ACCOUNT_PAGE),
    Case(
        "mfa_activate_totp",
        dict.fromkeys(ROLES, 302),
        note="asks to reauthenticate first (or: already active)",
    ),
    Case("mfa_authenticate", dict.fromkeys(ROLES, 302), note="no login stage pending"),
    Case(
        "mfa_deactivate_totp",
        {**dict.fromkeys(ROLES, 404), "anonym": 302, "koordination": 302},
        note="only who has TOTP may (after reauthentication)",
    ),
    # --- Planning events (konferenzen/views/planung.py): the coordination every event, a
    # moderator the meetings (Forumssitzungen) of their own forum only: not another forum's
    # meeting, not a network meeting the coordination linked to their forum.
    Case(
        "konferenzen:veranstaltung-create",
        MODERATION_INTERN,
        note="a moderator plans meetings of the forums they moderate",
    ),
    *[
        case
        for name in ("veranstaltung-edit", "veranstaltung-copy", "veranstaltung-cancel", "programm")
        for case in (
            Case(
                f"konferenzen:{name}", MODERATION_INTERN, kwargs=lambda w: {"pk": _forum_sitzung(w)}
            ),
            Case(
                f"konferenzen:{name}",
                {**NOBODY_BUT, "koordination": 200},
                kwargs=lambda w: {"pk": _forum_event(w)},
                note="a network meeting linked to the moderator's forum: the coordination plans it",
            ),
            Case(
                f"konferenzen:{name}",
                {**NOBODY_BUT, "koordination": 200},
                kwargs=lambda w: {"pk": _forum_sitzung(w, w.forum_other)},
                note="another forum's meeting",
            ),
        )
    ],
    Case("konferenzen:top-edit", MODERATION_INTERN, kwargs=_top),
    Case(
        "konferenzen:top-move",
        MODERATION_INTERN_POST,
        kwargs=_top,
        method="post",
        data={"richtung": "hoch"},
    ),
    Case("konferenzen:top-delete", MODERATION_INTERN_POST, kwargs=_top, method="post"),
    Case("konferenzen:gruppe-edit", MODERATION_INTERN, kwargs=_gruppe),
    Case("konferenzen:gruppe-delete", MODERATION_INTERN, kwargs=_gruppe),
    # --- Part 5: vocabularies (netzwerk/vokabular_views.py), the coordination only ---
    Case("netzwerk:vokabular-list", KOORDINATION_ONLY),
    Case("netzwerk:vokabular", KOORDINATION_ONLY, kwargs=lambda w: {"art": "lebensphasen"}),
    Case(
        "netzwerk:vokabular",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=lambda w: {"art": "sprachen"},
        method="post",
        data={"name": "Ukrainisch", "code": "uk"},
        note="a new term; back to the list",
    ),
    Case("netzwerk:vokabular-edit", KOORDINATION_ONLY, kwargs=_vokabular_term),
    Case(
        "netzwerk:vokabular-edit",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_vokabular_term,
        method="post",
        data={"name": "Umbenanntes Handlungsfeld"},
    ),
    Case(
        "netzwerk:vokabular-move",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_vokabular_term,
        method="post",
        data={"richtung": "hoch"},
    ),
    Case(
        "netzwerk:vokabular-toggle",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_vokabular_term,
        method="post",
    ),
    Case(
        "netzwerk:vokabular-merge",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_vokabular_term,
        method="post",
        note="no target chosen: back to the term with the message",
    ),
    Case(
        "netzwerk:vokabular-delete",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_vokabular_term,
        method="post",
        note="refused while a forum uses it: back to the term with the message",
    ),
    # --- Parts 4 and 6: committees and accounts (netzwerk/gremien_views.py, konten_views.py),
    # the coordination only; the invitation page for anyone with the link ---
    Case("netzwerk:gremium-list", KOORDINATION_ONLY),
    Case("netzwerk:gremium-create", KOORDINATION_ONLY),
    Case(
        "netzwerk:gremium-create",
        KOORDINATION_ONLY,
        method="post",
        note="an empty form is shown again with its errors",
    ),
    Case("netzwerk:gremium-detail", KOORDINATION_ONLY, kwargs=_gremium),
    Case("netzwerk:gremium-edit", KOORDINATION_ONLY, kwargs=_gremium),
    Case(
        "netzwerk:gremium-edit",
        KOORDINATION_ONLY,
        kwargs=_gremium,
        method="post",
        note="an empty form is shown again with its errors",
    ),
    Case(
        "netzwerk:gremium-mitglied-add",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_gremium,
        method="post",
        data={"konto": "gremium@test.example"},
    ),
    Case(
        "netzwerk:gremium-mitglied-remove",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_gremium_mitglied,
        method="post",
    ),
    Case(
        "netzwerk:gremium-einladen",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_gremium,
        method="post",
        data={"email": "neu-im-gremium@test.example"},
    ),
    Case(
        "netzwerk:gremium-einladung-withdraw",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=lambda w: {"slug": "matrix-gremium", "pk": _gremium_einladung(w).pk},
        method="post",
    ),
    Case(
        "netzwerk:gremium-einladung",
        PUBLIC,
        kwargs=lambda w: {"token": _gremium_einladung(w, "gast@test.example").token},
        note="anyone with the link (signed in with another address: told what to do)",
    ),
    Case(
        "netzwerk:gremium-einladung",
        {**dict.fromkeys(ROLES, 403), "anonym": 302, "koordination_ohne_2fa": 302},
        kwargs=lambda w: {"token": _gremium_einladung(w, "gast@test.example").token},
        method="post",
        note="accepting: only the account with the invited address",
    ),
    Case("netzwerk:konto-list", KOORDINATION_ONLY),
    Case("netzwerk:konto-detail", KOORDINATION_ONLY, kwargs=_konto),
    Case(
        "netzwerk:konto-rollen",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_konto,
        method="post",
        data={"rollen": ["Partner", "Gremium"]},
    ),
    Case(
        "netzwerk:konto-deactivate",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_konto,
        method="post",
    ),
    Case(
        "netzwerk:konto-reactivate",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_konto,
        method="post",
    ),
    Case(
        "netzwerk:konto-mfa-reset",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_konto,
        method="post",
        note="the coordination confirms its own login first (allauth's reauthentication)",
    ),
    Case(
        "netzwerk:konto-verification-send",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_konto,
        method="post",
    ),
    # --- Sozialmonitoring (issue 19): approved accounts read, the coordination defines and
    # imports (netzwerk/sozialmonitoring/views.py) ---
    Case("netzwerk:indikator-list", READ_OFFEN),
    Case("akteure:bedarf", READ_OFFEN, note="need and offers side by side (akteure/bedarf.py)"),
    Case("netzwerk:indikator-detail", READ_OFFEN, kwargs=_indikator),
    Case("netzwerk:indikator-create", KOORDINATION_ONLY),
    Case(
        "netzwerk:indikator-create",
        KOORDINATION_ONLY,
        method="post",
        note="an empty form is shown again with its errors",
    ),
    Case("netzwerk:indikator-edit", KOORDINATION_ONLY, kwargs=_indikator),
    Case(
        "netzwerk:indikator-edit",
        KOORDINATION_ONLY,
        kwargs=_indikator,
        method="post",
        note="an empty form is shown again with its errors",
    ),
    Case(
        "netzwerk:indikator-delete",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=lambda w: _indikator(w, "zum-loeschen"),
        method="post",
    ),
    Case(
        "netzwerk:indikator-import",
        {**KOORDINATION_ONLY, "koordination": 400},
        kwargs=_indikator,
        method="post",
        note="without a file: the page again, with its German message",
    ),
    Case("netzwerk:indikator-import-detail", KOORDINATION_ONLY, kwargs=_indikator_import),
    Case(
        "netzwerk:indikator-import-detail",
        {**KOORDINATION_ONLY, "koordination": 302},
        kwargs=_indikator_import,
        method="post",
        note="refused (the file has errors): back to the preview with the message",
    ),
    # --- Konzepte: who sees which status, outline, archive, co-authors (issue 14, part 3) ---
    Case(
        "netzwerk:konzept-detail",
        {**NOBODY_BUT, "anonym": 404, "koordination": 200},
        kwargs=lambda w: _konzept_entwurf(w, "konzept-gliederung"),
        note="a draft: the coordination only, no committee member, no partner",
    ),
    Case(
        "netzwerk:konzept-detail",
        {**NOBODY_BUT, "anonym": 404, "partner": 200, "koordination": 200},
        kwargs=lambda w: _konzept_entwurf(w, "konzept-mitwirkung", mitwirkende=["partner"]),
        note="a draft with 'partner' invited as co-author",
    ),
    Case(
        "netzwerk:kapitel-edit",
        {**NOBODY_BUT, "partner": 200, "koordination": 200},
        kwargs=_mitwirkung_kapitel,
        note="co-authors write the chapters of the draft",
    ),
    Case(
        "netzwerk:kapitel-edit",
        {**NOBODY_BUT, "partner": 302, "koordination": 302},
        kwargs=_mitwirkung_kapitel,
        method="post",
        data={"title": "Ausgangslage", "text": "Mitgeschrieben", "version": 0},
    ),
    Case(
        "netzwerk:konzept-gliederung",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=lambda w: _konzept_entwurf(w, "konzept-gliederung"),
    ),
    Case(
        "netzwerk:kapitel-rename",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_gliederung_kapitel,
        method="post",
        data={"title": "Lage"},
    ),
    Case(
        "netzwerk:kapitel-move",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_gliederung_kapitel,
        method="post",
        data={"richtung": "runter"},
    ),
    Case(
        "netzwerk:kapitel-delete",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_kapitel_zum_loeschen,
        method="post",
        note="in Entwurf only; a chapter with text is removed, its versions kept",
    ),
    Case(
        "netzwerk:kapitel-restore",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=_kapitel_entfernt,
        method="post",
        note="a removed chapter back into the draft",
    ),
    Case(
        "netzwerk:kapitel-versionen",
        {**NOBODY_BUT, "anonym": 404, "koordination": 200},
        kwargs=_kapitel_entfernt,
        note="a removed chapter's versions: the coordination only (from the outline)",
    ),
    Case(
        "netzwerk:konzept-mitwirkende",
        {**NOBODY_BUT, "koordination": 200},
        kwargs=lambda w: _konzept_entwurf(w, "konzept-gliederung"),
    ),
    Case(
        "netzwerk:konzept-mitwirkende",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=lambda w: _konzept_entwurf(w, "konzept-gliederung"),
        method="post",
        data={},
    ),
    Case(
        "netzwerk:konzept-archive",
        {**NOBODY_BUT, "koordination": 302},
        kwargs=lambda w: _konzept_entwurf(w, "konzept-archiv"),
        method="post",
        data={"aktion": "archivieren"},
    ),
    # --- Issue 14, part 7: Meine Anmeldungen (konferenzen/views/meine.py) ---
    Case(
        "konferenzen:meine-anmeldungen",
        SIGNED_IN,
        note="every signed-in account: its own registrations and its delegates'",
    ),
    Case(
        "konferenzen:meine-anmeldung-aendern",
        {**NOBODY_BUT, "partner": 302},
        kwargs=_meine_anmeldung,
        method="post",
        data={"aktion": "absagen"},
        note="only the registration's own account (or who registered the delegate)",
    ),
    Case("mfa_generate_recovery_codes", dict.fromkeys(ROLES, 302)),
    Case("mfa_view_recovery_codes", {**dict.fromkeys(ROLES, 404), "anonym": 302}),
    Case("mfa_download_recovery_codes", {**dict.fromkeys(ROLES, 404), "anonym": 302}),
    Case("mfa_reauthenticate", {**dict.fromkeys(ROLES, 302), "koordination": 200}),
    # --- Part B (issue 16): open data as HSDS 3.0, read-only and open to everybody; a coordinator
    # without TOTP gets the JSON too (a redirect to an HTML set-up page would break a client). ---
    *(
        Case(f"hsds:{name}", ALL)
        for name in (
            "root",
            "profil",
            "service-list",
            "organization-list",
            "service-at-location-list",
            "taxonomy-list",
            "taxonomy-term-list",
            "datapackage",
        )
    ),
    Case("hsds:service-detail", ALL, kwargs=lambda w: {"id": w.angebot_public.uuid}),
    Case("hsds:organization-detail", ALL, kwargs=lambda w: {"id": w.organisation.uuid}),
    Case("hsds:service-at-location-detail", ALL, kwargs=lambda w: {"id": _hsds_sal(w)}),
    Case("hsds:taxonomy-detail", ALL, kwargs=lambda w: {"id": _hsds_taxonomy()}),
    Case("hsds:taxonomy-term-detail", ALL, kwargs=lambda w: {"id": _hsds_taxonomy(term=True)}),
]


def _hsds_sal(welt) -> str:
    from akteure.hsds.profil import derived_id

    welt.organisation.street, welt.organisation.city = "Lindenstraße 1", "Musterstadt"
    welt.organisation.save(update_fields=["street", "city"])
    return derived_id(welt.angebot_public.uuid, "service_at_location")


def _hsds_taxonomy(term: bool = False) -> str:
    from akteure.hsds.profil import barrierefrei_term_id, taxonomy_id

    return barrierefrei_term_id() if term else taxonomy_id("merkmale")


# The Django admin is one guarded area: its ~70 URLs share the admin site's staff check, which
# test_the_back_office_is_only_for_staff walks for every URL without parameters.
ADMIN_NAMESPACE = "admin:"


def test_every_named_url_is_in_the_matrix():
    covered = {case.name for case in MATRIX}
    missing = sorted(
        name
        for name in named_urls()
        if name not in covered and not name.startswith(ADMIN_NAMESPACE)
    )
    assert missing == [], f"Neue URLs ohne Eintrag in MATRIX: {missing}"
    stale = sorted(covered - set(named_urls()))
    assert stale == [], f"MATRIX nennt URLs, die es nicht mehr gibt: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(role, client_as, welt):
    client = client_as(role)
    wrong = []
    for case in MATRIX:
        url = reverse(case.name, kwargs=case.kwargs(welt) if case.kwargs else None)
        response = getattr(client, case.method)(url, case.data)
        if response.status_code != case.expected[role]:
            wrong.append(f"{case.method.upper()} {url} ({case.name}): {response.status_code}")
        if role == "koordination_ohne_2fa" and not url.startswith("/konto/"):
            if response.status_code == 302 and response["Location"] != reverse("mfa_activate_totp"):
                wrong.append(f"{url} leitet nicht zur TOTP-Einrichtung: {response['Location']}")
    assert wrong == [], f"Rolle {role}: unerwarteter Status (erwartet laut MATRIX):\n" + "\n".join(
        wrong
    )


def test_internal_pages_send_anonymous_visitors_to_the_login(client_as):
    client = client_as("anonym")
    response = client.get(reverse("netzwerk:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_coordinator_without_totp_is_sent_to_set_it_up(client_as):
    response = client_as("koordination_ohne_2fa").get(reverse("netzwerk:dashboard"))
    assert response.status_code == 302
    assert response["Location"] in (reverse("mfa_activate_totp"), reverse("mfa_reauthenticate"))


# Back-office pages that were closed to coordinators while they still had the back office; a
# superuser may open some of them (allauth's tables, groups), others nobody (rows that only the
# portal's services write: imports, mails, requests, registrations, invitations).
NOT_FOR_KOORDINATION = (
    "admin:account_",
    "admin:mfa_",
    "admin:auth_group",
    "admin:netzwerk_user_add",
    "admin:akteure_import_add",
    "admin:netzwerk_mail_add",  # mails are written by the services, never by hand
    "admin:foren_beitrittsanfrage_add",  # requests are made and decided in the portal (mails)
    "admin:konferenzen_anmeldung_add",  # registrations go through the service (seats, mails)
    "admin:konferenzen_einladung_add",  # invitations are sent from the event's page (mails)
    "admin:konferenzen_versand_add",
)


@pytest.mark.parametrize(
    ("role", "expected", "expected_login"),
    [
        ("anonym", 302, 302),  # to the portal's (allauth's) login, so TOTP applies
        ("wartend", 302, 403),
        ("partner", 302, 403),
        ("moderation", 302, 403),
        ("gremium", 302, 403),
        ("koordination_ohne_2fa", 302, 302),  # to setting up TOTP first
        ("staff_ohne_freigabe", 302, 302),  # staff flag, never approved: no back office, TOTP first
        # Coordinators work on the portal's pages; the back office is the operator's. Signed in
        # with the staff flag they see the admin's login form saying they lack the permission.
        ("koordination", 302, 200),
        ("superuser", 200, 302),  # already signed in: on to the admin index
    ],
)
def test_the_back_office_is_only_for_superusers(role, expected, expected_login, client_as, welt):
    if role in ("staff_ohne_freigabe", "superuser"):
        from allauth.mfa.totp.internal.auth import TOTP

        from .factories import UserFactory

        if role == "superuser":
            user = UserFactory(email="betrieb@test.example", is_staff=True, is_superuser=True)
            TOTP.activate(user, TOTP_SECRET)
        else:
            user = UserFactory(email="staff@test.example", is_staff=True, approved_at=None)
            user.groups.add(welt.users["koordination"].groups.get())
        client = client_as("anonym")
        client.force_login(user)
    else:
        client = client_as(role)
    checked = 0
    for name, params in named_urls().items():
        if not name.startswith(ADMIN_NAMESPACE) or params or name == "admin:logout":
            continue
        if name in ("admin:app_list", "admin:autocomplete"):
            continue  # need an app label / query parameters; same check as admin:index
        response = client.get(reverse(name))
        checked += 1
        if name == "admin:login":
            assert response.status_code == expected_login, (name, response.status_code)
        elif role == "superuser" and name.startswith(NOT_FOR_KOORDINATION):
            # Rows only services write (mails, registrations...): no bare "add" even for them.
            assert response.status_code in (200, 403), (name, response.status_code)
        else:
            assert response.status_code == expected, (name, response.status_code)
    assert checked > 10


def test_a_coordinator_cannot_make_anyone_superuser_in_the_back_office(client_as, welt):
    partner = welt.users["partner"]
    url = reverse("admin:netzwerk_user_change", args=[partner.pk])
    client = client_as("koordination")
    assert client.get(url).status_code == 302  # not even look: to the admin's login
    client.post(url, {"email": partner.email, "is_superuser": "on", "is_staff": "on"})
    partner.refresh_from_db()
    assert not partner.is_superuser and not partner.is_staff
