"""Personal data of the registry of actors: contact persons, their consents and history, offers
they are the contact for, imports, invitation links and erasure requests."""

from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from netzwerk.datenschutz import (
    Betroffene,
    Loeschung,
    by_user,
    not_personal,
    register,
    register_frist,
    register_urheber,
    register_verlauf,
)

from . import heft as hefte
from .models import (
    Angebot,
    Angebotsuebersetzung,
    Datenschutzantrag,
    Einwilligung,
    Import,
    Organisation,
    Organisationseinladung,
    Organisationstyp,
    Person,
    Wegweiserheft,
)


def _person_rows(b: Betroffene):
    """The contact person, and entries under the same address in other organisations."""
    q = b.email_q("email")
    if b.person_id:
        q |= Q(pk=b.person_id)
    return Person.objects.filter(q | b.user_q("user"))


def _person_erase(queryset, b: Betroffene, now) -> None:
    for person in queryset:
        person.first_name, person.last_name = "Gelöschte", "Person"
        person.function = person.email = person.phone = ""
        person.anonymized_at = now
        person.user = None
        person.save()
    # The history keeps the old names and addresses otherwise (the save above wrote one more).
    Person.history.filter(id__in=[p.pk for p in queryset]).delete()


register(
    Person,
    label=_("Ansprechperson einer Organisation"),
    fields=["first_name", "last_name", "function", "organisation", "email", "phone"],
    rows=_person_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_(
        "Der Eintrag bleibt ohne Namen und Kontaktdaten, damit Zahlen der Organisation stimmen."
    ),
    erase=_person_erase,
    export=lambda p: {
        "vorname": p.first_name,
        "nachname": p.last_name,
        "funktion": p.function,
        "organisation": p.organisation.name if p.organisation else None,
        "email": p.email,
        "telefon": p.phone,
        "zuletzt_aktiv": p.last_activity_at.isoformat() if p.last_activity_at else None,
    },
    order=70,
)


def _own_history(model, person_field: str):
    """The history of the person's own entries is deleted; changes they made to other entries
    stay (the account behind them shows 'Gelöschte Person')."""
    historical = model.history.model

    def rows(b: Betroffene):
        q = Q(**{f"{person_field}__in": list(_person_rows(b).values_list("pk", flat=True))})
        return historical.objects.filter(q | b.user_q("history_user"))

    def erase(queryset, b: Betroffene, now) -> None:
        ids = list(_person_rows(b).values_list("pk", flat=True))
        historical.objects.filter(**{f"{person_field}__in": ids}).delete()

    return rows, erase


_rows, _erase = _own_history(Person, "id")
register(
    Person.history.model,
    label=_("Verlauf: Ansprechpersonen"),
    fields=["first_name", "last_name", "email", "phone", "history_user"],
    rows=_rows,
    loeschung=Loeschung.LOESCHEN,
    grund=_(
        "Der Verlauf der eigenen Angaben wird gelöscht; Änderungen an anderen Einträgen "
        "bleiben als „Gelöschte Person“."
    ),
    erase=_erase,
    export=lambda h: {
        "wann": h.history_date.isoformat(),
        "art": h.get_history_type_display(),
        "objekt": f"{h.first_name} {h.last_name}",
    },
    order=75,
)


def _einwilligung_rows(b: Betroffene):
    return Einwilligung.objects.filter(Q(person__in=_person_rows(b)) | b.user_q("recorded_by"))


def _einwilligung_erase(queryset, b: Betroffene, now) -> None:
    own = Einwilligung.objects.filter(person__in=_person_rows(b))
    own.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    own.update(note="")


register(
    Einwilligung,
    label=_("Einwilligungen"),
    fields=["purpose", "given_at", "method", "note", "withdrawn_at"],
    rows=_einwilligung_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_(
        "Widerrufen und ohne Vermerk; dass sie erteilt war, bleibt als Nachweis "
        "(Art. 7 Abs. 1 DSGVO)."
    ),
    erase=_einwilligung_erase,
    export=lambda c: {
        "zweck": c.get_purpose_display(),
        "erteilt_am": c.given_at.isoformat(),
        "weg": c.get_method_display(),
        "vermerk": c.note,
        "widerrufen_am": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
    },
    order=60,
)
_rows, _erase = _own_history(Einwilligung, "person_id")
register(
    Einwilligung.history.model,
    label=_("Verlauf: Einwilligungen"),
    fields=["purpose", "note", "withdrawn_at", "history_user"],
    rows=_rows,
    loeschung=Loeschung.LOESCHEN,
    grund="",
    erase=_erase,
    export=lambda h: {"wann": h.history_date.isoformat(), "art": h.get_history_type_display()},
    order=75,
)


def _angebot_rows(b: Betroffene):
    return Angebot.objects.filter(contact__in=_person_rows(b))


register(
    Angebot,
    label=_("Ansprechperson für Angebote"),
    fields=["contact"],
    rows=_angebot_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Das Angebot bleibt, ohne Ansprechperson."),
    erase=lambda queryset, b, now: queryset.update(contact=None),
    export=lambda a: {"angebot": a.title, "organisation": a.organisation.name},
)
register_verlauf(Organisation)
register_verlauf(Angebot)


def _names_person(imp: Import, b: Betroffene) -> bool:
    """Whether the import's stored file names the person (an address in a CSV row)."""
    needles = [n.lower().encode() for n in b.emails if n]
    if not imp.file or not needles:
        return False
    try:
        with imp.file.open("rb") as f:
            content = f.read().lower()
    except OSError:
        return False
    return any(needle in content for needle in needles)


def _import_rows(b: Betroffene):
    mentions = [imp.pk for imp in Import.objects.exclude(file="") if _names_person(imp, b)]
    q = Q(pk__in=mentions) | Q(pk__in=b.mentions(Import.objects.all(), "message"))
    return Import.objects.filter(q | b.user_q("created_by"))


def _import_erase(queryset, b: Betroffene, now) -> None:
    for imp in queryset:
        update = {"message": b.redact(imp.message)}
        if _names_person(imp, b):
            imp.file.delete(save=False)
            update["file"] = ""
            if imp.status not in (Import.Status.FERTIG, Import.Status.FEHLGESCHLAGEN):
                # Not imported yet: the file is gone, so the import cannot run any more.
                hinweis = _("Die Datei nannte eine gelöschte Person und wurde entfernt.")
                update |= {"status": Import.Status.FEHLGESCHLAGEN, "message": str(hinweis)}
        Import.objects.filter(pk=imp.pk).update(**update)


register(
    Import,
    label=_("Importe (hochgeladen oder mit der Person in der Datei)"),
    fields=["file", "filename", "message", "created_by"],
    rows=_import_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Dateien, die die Person nennen, werden gelöscht; das Ergebnis des Imports bleibt."),
    erase=_import_erase,
    export=lambda i: {"import": str(i), "hochgeladen": i.created_at.isoformat()},
    order=40,
)
register_urheber(
    Organisationseinladung,
    label=_("Einladungslinks von Organisationen"),
    user_fields=["created_by", "used_by"],
    export=lambda e: {"organisation": e.organisation.name, "erstellt": e.created_at.isoformat()},
)


def _antrag_erase(queryset, b: Betroffene, now) -> None:
    for antrag in queryset:
        antrag.message, antrag.answer = b.redact(antrag.message), b.redact(antrag.answer)
        antrag.save(update_fields=["message", "answer"])


register(
    Datenschutzantrag,
    label=_("Löschanträge"),
    fields=["message", "status", "deadline", "answer"],
    rows=by_user(Datenschutzantrag, "user", "decided_by"),
    loeschung=Loeschung.BEHALTEN,
    grund=_(
        "Nachweis, dass der Antrag fristgerecht bearbeitet wurde (Art. 5 Abs. 2 DSGVO); "
        "Namen im Text werden ersetzt."
    ),
    erase=_antrag_erase,
    export=lambda a: {
        "gestellt": a.created_at.isoformat(),
        "frist": a.deadline.isoformat(),
        "status": a.get_status_display(),
        "anmerkung": a.message,
    },
)
not_personal(Organisation, _("Name, Adresse und Kontaktdaten einer Einrichtung, keiner Person"))
not_personal(Organisationstyp, _("Begriff eines Vokabulars"))
not_personal(
    Angebotsuebersetzung, _("Titel und Beschreibung eines Angebots in einer anderen Sprache")
)


def _heft_rows(b: Betroffene):
    genannt = hefte.hefte_mit_kontakt(_person_rows(b).values_list("pk", flat=True))
    return Wegweiserheft.objects.filter(b.user_q("created_by") | Q(pk__in=[h.pk for h in genannt]))


def _heft_erase(queryset, b: Betroffene, now) -> None:
    # Who ordered stays (the account shows "Gelöschte Person"); a booklet printing her as a
    # contact goes, and its scope gets a new edition without her.
    hefte.hefte_ersetzen(_person_rows(b).values_list("pk", flat=True))


register(
    Wegweiserheft,
    label=_("Wegweiser-Hefte (bestellt oder als Kontakt genannt)"),
    fields=["created_by", "kontakte"],
    rows=_heft_rows,
    loeschung=Loeschung.BEHALTEN,
    grund=_(
        "Bestellte Hefte bleiben als Nachweis und zeigen „Gelöschte Person“; Hefte, die die "
        "Person als Kontakt nennen, werden mit ihrer Datei gelöscht und ohne sie neu erstellt."
    ),
    erase=_heft_erase,
    export=lambda h: {
        "heft": str(h),
        "bestellt": h.created_at.isoformat(),
        "fertig": h.finished_at.isoformat() if h.finished_at else None,
    },
)


def _imports_expire(now, tage: int) -> int:
    count = 0
    # Only what is done: an import checked but not started keeps its file until it runs.
    done = Import.objects.filter(status__in=[Import.Status.FERTIG, Import.Status.FEHLGESCHLAGEN])
    for imp in done.exclude(file="").filter(created_at__lt=now - timedelta(days=tage)):
        imp.file.delete(save=False)
        Import.objects.filter(pk=imp.pk).update(file="")
        count += 1
    return count


register_frist(
    key="importe",
    label=_("Hochgeladene Importdateien"),
    setting="FRIST_IMPORT_TAGE",
    default=30,
    was=_("Die Datei wird gelöscht; das Ergebnis des Imports (Zahlen, Meldung) bleibt."),
    apply=_imports_expire,
)
