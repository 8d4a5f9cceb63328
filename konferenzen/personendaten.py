"""Personal data of events: registrations, invitations, the calendar feed, printed lists, the
sending runs and minutes. Future registrations are cancelled through the registration service
(the waiting list moves up); past ones stay for the attendance figures, without a name."""

from datetime import timedelta

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from netzwerk.datenschutz import (
    GELOESCHT,
    Betroffene,
    Loeschung,
    by_user,
    not_personal,
    register,
    register_frist,
    register_urheber,
)

from .models import (
    Anmeldung,
    Arbeitsgruppe,
    Druck,
    Einladung,
    Einlassbuchung,
    Kalenderabo,
    Protokoll,
    Protokolldokument,
    Tagesordnungspunkt,
    Veranstaltung,
    Versand,
    _token,
)


def _own(b: Betroffene) -> Q:
    return b.email_q("email") | b.user_q("user")


def _anmeldung_rows(b: Betroffene):
    return Anmeldung.objects.filter(_own(b) | b.user_q("registered_by"))


def _anonymise_anmeldungen(queryset) -> int:
    changed = 0
    for anmeldung in queryset:
        anmeldung.name = GELOESCHT
        anmeldung.email = f"geloescht-{anmeldung.pk}@invalid"
        anmeldung.organisation_name = anmeldung.needs = anmeldung.comment = ""
        anmeldung.on_list = False
        anmeldung.token = _token()  # the personal link stops working
        anmeldung.user = anmeldung.registered_by = None
        anmeldung.save()
        changed += 1
    return changed


def _anmeldung_erase(queryset, b: Betroffene, now) -> None:
    from .services import anmeldung_cancel

    own = queryset.filter(_own(b))
    for anmeldung in own.filter(status__in=Anmeldung.AKTIV, veranstaltung__start__gt=now):
        anmeldung_cancel(anmeldung=anmeldung, now=now, by_organisers=True)
    _anonymise_anmeldungen(Anmeldung.objects.filter(pk__in=list(own.values_list("pk", flat=True))))
    # Registrations the person filled in for colleagues stay theirs.
    Anmeldung.objects.filter(b.user_q("registered_by")).update(registered_by=None)


register(
    Anmeldung,
    label=_("Anmeldungen zu Veranstaltungen"),
    fields=["name", "email", "organisation_name", "needs", "comment", "status", "attended_at"],
    rows=_anmeldung_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_(
        "Künftige Anmeldungen werden abgesagt (die Warteliste rückt nach); vergangene "
        "bleiben ohne Namen für die Teilnahmezahlen."
    ),
    erase=_anmeldung_erase,
    export=lambda a: {
        "veranstaltung": str(a.veranstaltung),
        "name": a.name,
        "email": a.email,
        "organisation": a.organisation_label,
        "bedarfe": a.needs,
        "anmerkung": a.comment,
        "auf_teilnehmendenliste": a.on_list,
        "status": a.get_status_display(),
        "angemeldet": a.created_at.isoformat(),
        "anwesend_seit": a.attended_at.isoformat() if a.attended_at else None,
    },
    order=20,
)


def _anonymise_einladungen(queryset, now) -> int:
    changed = 0
    for einladung in queryset:
        einladung.name = einladung.organisation_name = ""
        einladung.email = f"geloescht-{einladung.pk}@invalid"
        einladung.user = None
        einladung.token = _token()
        if einladung.status == Einladung.Status.OFFEN:
            einladung.status, einladung.answered_at = Einladung.Status.ABGELEHNT, now
        einladung.save()
        changed += 1
    return changed


register(
    Einladung,
    label=_("Persönliche Einladungen"),
    fields=["name", "email", "organisation_name", "status"],
    rows=lambda b: Einladung.objects.filter(_own(b)),
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Die Zahl der Einladungen und Zusagen bleibt für die Auswertung, ohne Namen."),
    erase=lambda queryset, b, now: _anonymise_einladungen(queryset, now),
    export=lambda e: {
        "veranstaltung": str(e.veranstaltung),
        "name": e.name,
        "email": e.email,
        "organisation": e.organisation_name or (e.organisation.name if e.organisation else ""),
        "status": e.get_status_display(),
        "versandt": e.sent_at.isoformat() if e.sent_at else None,
    },
    order=25,
)
register(
    Kalenderabo,
    label=_("Kalenderabo (geheime Adresse)"),
    fields=["token"],
    rows=by_user(Kalenderabo),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda k: {"eingerichtet": True},
)


def _druck_rows(b: Betroffene):
    """Printed lists and badges of the events the person was registered for (they carry the
    name), and those the person asked for."""
    q = Q(veranstaltung__anmeldungen__in=Anmeldung.objects.filter(_own(b))) | b.user_q("created_by")
    return Druck.objects.filter(pk__in=Druck.objects.filter(q).values("pk"))


def _drucke_delete(queryset) -> int:
    count = 0
    for druck in queryset:
        if druck.file:
            druck.file.delete(save=False)
        druck.delete()
        count += 1
    return count


register(
    Druck,
    label=_("Gedruckte Listen und Namensschilder"),
    fields=["art", "file", "created_by"],
    rows=_druck_rows,
    loeschung=Loeschung.LOESCHEN,
    grund=_("Die Organisation kann sie ohne die Person neu erstellen."),
    erase=lambda queryset, b, now: _drucke_delete(queryset),
    export=lambda d: {"veranstaltung": str(d.veranstaltung), "was": d.get_art_display()},
    order=10,
)


def _versand_rows(b: Betroffene):
    q = Q(pk__in=[])
    for email in b.emails:
        q |= Q(empfaenger__icontains=email)
    q |= b.user_q("created_by")
    return Versand.objects.annotate(empfaenger=Cast("recipients", TextField())).filter(q)


def _versand_erase(queryset, b: Betroffene, now) -> None:
    emails = {e.lower() for e in b.emails}
    for versand in queryset:
        rest = [
            r
            for r in versand.recipients
            if str(r.get("email", "")).lower() not in emails
            and (b.user_id is None or r.get("user_id") != b.user_id)
        ]
        if rest != versand.recipients:
            Versand.objects.filter(pk=versand.pk).update(recipients=rest)


register(
    Versand,
    label=_("Einladungsversände (noch zu schreibende Empfänger)"),
    fields=["recipients", "created_by"],
    rows=_versand_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Die Person wird aus den noch offenen Empfängerlisten genommen."),
    erase=_versand_erase,
    export=lambda v: {"versand": str(v), "angelegt": v.created_at.isoformat()},
    order=15,
)


def _redacting(*fields: str):
    def erase(queryset, b: Betroffene, now) -> None:
        for row in queryset:
            for name in fields:
                setattr(row, name, b.redact(getattr(row, name)))
            row.save(update_fields=list(fields))

    return erase


register(
    Tagesordnungspunkt,
    label=_("Tagesordnungspunkte, die die Person nennen"),
    fields=["title", "speaker"],
    rows=lambda b: b.mentions(Tagesordnungspunkt.objects.all(), "title", "speaker"),
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Der Punkt bleibt im Programm; der Name wird ersetzt."),
    erase=_redacting("title", "speaker"),
    export=lambda t: {"veranstaltung": str(t.veranstaltung), "thema": t.title, "wer": t.speaker},
)


def _protokoll_rows(b: Betroffene):
    q = Q(pk__in=b.mentions(Protokoll.objects.all(), "text")) | b.user_q("updated_by")
    return Protokoll.objects.filter(q)


register(
    Protokoll,
    label=_("Protokolle (zuletzt bearbeitet oder mit Namensnennung)"),
    fields=["text", "updated_by"],
    rows=_protokoll_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Das Protokoll bleibt Ergebnis der Veranstaltung; der Name wird ersetzt."),
    erase=_redacting("text"),
    export=lambda p: {"veranstaltung": str(p.veranstaltung), "text": p.text},
)
register_urheber(
    Protokolldokument,
    label=_("Hochgeladene Dokumente zu Protokollen"),
    user_fields=["uploaded_by"],
    export=lambda d: {"datei": d.filename, "veranstaltung": str(d.protokoll.veranstaltung)},
)
register_urheber(
    Einlassbuchung,
    label=_("Einlass, den die Person am Eingang gebucht hat"),
    user_fields=["by"],
    export=lambda e: {"wann": e.at.isoformat(), "was": e.get_aktion_display()},
)
not_personal(Veranstaltung, _("Titel, Ort und Beschreibung einer Veranstaltung"))
not_personal(Arbeitsgruppe, _("Name und Beschreibung einer Arbeitsgruppe"))


def _anmeldungen_expire(now, tage: int) -> int:
    """Registrations and invitations of events that ended `tage` days ago lose their names;
    the printed lists of those events go."""
    events = Veranstaltung.objects.filter(end__lt=now - timedelta(days=tage))
    changed = _anonymise_anmeldungen(
        Anmeldung.objects.filter(veranstaltung__in=events).exclude(name=GELOESCHT)
    )
    changed += _anonymise_einladungen(
        Einladung.objects.filter(veranstaltung__in=events).exclude(email__endswith="@invalid"),
        now,
    )
    return changed + _drucke_delete(Druck.objects.filter(veranstaltung__in=events))


register_frist(
    key="anmeldungen",
    label=_("Anmeldungen und Einladungen nach der Veranstaltung"),
    setting="FRIST_ANMELDUNG_TAGE",
    default=730,
    was=_(
        "Namen und Adressen werden entfernt, gedruckte Listen gelöscht; die Teilnahmezahlen "
        "bleiben."
    ),
    apply=_anmeldungen_expire,
)
