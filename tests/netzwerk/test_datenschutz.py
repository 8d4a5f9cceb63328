"""The registry of personal data (netzwerk.datenschutz) keeps its word: every model with data about
people is in it, erasure leaves no trace of the person in any text column of any table, the
Auskunft holds every registered row, and the retention periods apply on their day."""

import json
import re
from datetime import date, timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from akteure import services as akteure_services
from akteure.models import (
    Datenschutzantrag,
    Einwilligung,
    Import,
    Organisationseinladung,
    Person,
    Wegweiserheft,
)
from foren.models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Interessensbekundung,
    Kommentar,
    Stimme,
)
from konferenzen import services as konferenzen_services
from konferenzen.models import (
    Anmeldung,
    Druck,
    Einladung,
    Einlassbuchung,
    Kalenderabo,
    Protokoll,
    Protokolldokument,
    Tagesordnungspunkt,
    Veranstaltung,
    Versand,
)
from netzwerk import datenschutz
from netzwerk.berichte.models import Sachstandsbericht
from netzwerk.mail import mail_queue
from netzwerk.models import (
    Fortschrittsnotiz,
    Gremium,
    Gremiumseinladung,
    Handlungsschwerpunkt,
    Kapitel,
    KapitelVersion,
    Kontoprotokoll,
    Konzept,
    Mail,
    Massnahme,
    Meilenstein,
    Rolle,
    Rueckmeldung,
    Ziel,
)
from netzwerk.models import Kommentar as KonzeptKommentar
from tests.factories import PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

VORNAME, NACHNAME = "Wilhelmine", "Zwackelmann"
EMAIL = "w.zwackelmann@kita-beispiel.example"
ALT_EMAIL = "wilhelmine.privat@beispiel.example"

# Where people's data may hide: the apps of the portal and those of its libraries that store rows.
APPS = {"netzwerk", "akteure", "foren", "konferenzen", "account", "mfa", "admin", "sessions"}
PERSONAL_NAMES = ("name", "email", "phone", "telefon", "speaker", "note", "message", "answer")


def _looks_personal(model) -> list[str]:
    user_model, person = apps.get_model(settings.AUTH_USER_MODEL), Person
    found = []
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.EmailField | models.TextField | models.JSONField)
            or (
                isinstance(field, models.CharField)
                and any(part in field.name for part in PERSONAL_NAMES)
            )
            or (field.is_relation and field.related_model in (user_model, person))
        ):
            found.append(field.name)
    return found


def unregistered() -> dict[str, list[str]]:
    missing = {}
    for model in apps.get_models(include_auto_created=True):
        key = model._meta.label_lower
        if model._meta.app_label not in APPS:
            continue
        if (
            key in datenschutz.REGISTER.eintraege
            or key in datenschutz.REGISTER.nicht_personenbezogen
        ):
            continue
        if fields := _looks_personal(model):
            missing[key] = fields
    return missing


def test_every_model_with_data_about_people_is_in_the_registry():
    assert unregistered() == {}


def test_the_completeness_check_finds_a_model_left_out(monkeypatch):
    eintraege = dict(datenschutz.REGISTER.eintraege)
    del eintraege["konferenzen.anmeldung"]
    monkeypatch.setattr(datenschutz.REGISTER, "eintraege", eintraege)
    assert unregistered() == {
        "konferenzen.anmeldung": [
            "user",
            "registered_by",
            "name",
            "email",
            "organisation_name",
            "needs",
            "comment",
        ]
    }


# --- A person with rows in every registered model ---------------------------------------------
def _event(welt, *, days: int, **extra) -> Veranstaltung:
    start = timezone.now() + timedelta(days=days)
    return Veranstaltung.objects.create(
        art="workshop",
        title=f"Werkstatt {days}",
        start=start,
        end=start + timedelta(hours=3),
        visibility="public",
        **extra,
    )


@pytest.fixture
def betroffen(welt, client):
    """Wilhelmine Zwackelmann, partner of Kita Wolke, everywhere the portal can hold her."""
    user = UserFactory(
        email=EMAIL,
        first_name=VORNAME,
        last_name=NACHNAME,
        organisation_hint="Kita Wolke",
        rollen=[Rolle.PARTNER],
    )
    user.emailaddress_set.create(email=ALT_EMAIL, verified=True, primary=False)
    user.user_permissions.add(Permission.objects.first())
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
    person = PersonFactory(
        first_name=VORNAME,
        last_name=NACHNAME,
        email=EMAIL,
        phone="02405 987654",
        organisation=welt.organisation,
        user=user,
    )
    person.function = "Leitung"
    person._history_user = user
    person.save()
    consent = Einwilligung(person=person, purpose="verzeichnis", method="email", note="per Mail")
    consent._history_user = user
    consent.save()
    welt.angebot_public.contact = person
    welt.angebot_public._history_user = user
    welt.angebot_public.save()
    welt.organisation._history_user = user
    welt.organisation.description = "Neu beschrieben"
    welt.organisation.save()
    imp = Import(art="personen", filename="kontakte.csv", created_by=user, message=f"{EMAIL}")
    imp.file.save("kontakte.csv", ContentFile(f"name;email\n{NACHNAME};{EMAIL}\n".encode()))
    Organisationseinladung.objects.create(
        organisation=welt.organisation, created_by=user, expires_at=timezone.now()
    )
    Datenschutzantrag.objects.create(
        user=user,
        message=f"Bitte alles von {VORNAME} {NACHNAME} löschen",
        deadline=timezone.localdate(),
    )

    # Forums
    forum = welt.forum_public
    forum.members.add(user)
    welt.forum_other.moderators.add(user)
    Beitrittsanfrage.objects.create(forum=welt.forum_members, user=user, message="Gern")
    Interessensbekundung.objects.create(
        forum=forum, name=f"{VORNAME} {NACHNAME}", email=EMAIL, consent_at=timezone.now()
    )
    beitrag = Beitrag(forum=forum, art="bedarf", title="Sprachförderung", author=user)
    beitrag._history_user = user
    beitrag.save()
    Kommentar.objects.create(beitrag=beitrag, author=user, text="Sehe ich auch so")
    runde = Abstimmung.objects.create(
        forum=forum, title="Prioritäten", punkte=3, max_pro_beitrag=2, created_by=user
    )
    Stimme.objects.create(abstimmung=runde, beitrag=beitrag, user=user, punkte=1)
    Dokument.objects.create(
        forum=forum,
        title="Protokollvorlage",
        file=ContentFile(b"x", name="vorlage.txt"),
        original_name="vorlage.txt",
        content_type="text/plain",
        endung="txt",
        size=1,
        uploaded_by=user,
    )

    # Events: a future one with a waiting list, a past one she attended
    future = _event(welt, days=20, capacity=1)
    anmeldung, _neu = konferenzen_services.anmeldung_create(
        veranstaltung=future, user=user, name=f"{VORNAME} {NACHNAME}", email=EMAIL,
        needs="vegetarisch",
    )  # fmt: skip
    wartend, _neu = konferenzen_services.anmeldung_create(
        veranstaltung=future, name="Otto Nachrücker", email="otto@test.example"
    )
    past = _event(welt, days=-30)
    Anmeldung.objects.create(
        veranstaltung=past, user=user, name=f"{VORNAME} {NACHNAME}", email=EMAIL,
        status=Anmeldung.Status.TEILGENOMMEN, attended_at=past.start,
    )  # fmt: skip
    Anmeldung.objects.create(
        veranstaltung=past, name="Kollegin", email="kollegin@test.example", registered_by=user
    )
    Einladung.objects.create(
        veranstaltung=future, name=f"{VORNAME} {NACHNAME}", email=EMAIL, user=user,
        organisation_name="Kita Wolke",
    )  # fmt: skip
    Kalenderabo.objects.create(user=user)
    Einlassbuchung.objects.create(anmeldung=wartend, aktion="einlass", by=user)
    Druck.objects.create(
        veranstaltung=past, art=Druck.Art.NAMENSSCHILDER, created_by=user,
        file=ContentFile(b"%PDF", name="schilder.pdf"),
    )  # fmt: skip
    Versand.objects.create(
        veranstaltung=future, art="einladung", label="Forum Offen", created_by=user,
        recipients=[{"email": EMAIL, "name": f"{VORNAME} {NACHNAME}", "user_id": user.pk},
                    {"email": "andere@test.example", "name": "Andere"}],
    )  # fmt: skip
    Tagesordnungspunkt.objects.create(
        veranstaltung=future, title="Begrüßung", speaker=f"{VORNAME} {NACHNAME}, Kita Wolke"
    )
    protokoll = Protokoll.objects.create(
        veranstaltung=past, text=f"Es berichtete {VORNAME} {NACHNAME}.", updated_by=user
    )
    Protokolldokument.objects.create(
        protokoll=protokoll, file=ContentFile(b"x", name="foto.png"), filename="foto.png",
        content_type="image/png", uploaded_by=user,
    )  # fmt: skip

    # Concepts, measures, reports
    gremium = Gremium.objects.create(name="Steuerungsgruppe", slug="steuerungsgruppe")
    gremium.members.add(user)
    Gremiumseinladung.objects.create(gremium=gremium, email=EMAIL, token="t1", created_by=user)
    konzept = Konzept.objects.create(title="Präventionskonzept", slug="praeventionskonzept")
    konzept.mitwirkende.add(user)
    kapitel = Kapitel.objects.create(konzept=konzept, title="Leitbild", updated_by=user)
    KapitelVersion.objects.create(kapitel=kapitel, number=1, title="Leitbild", author=user)
    KonzeptKommentar.objects.create(kapitel=kapitel, author=user, text="Ergänzung")
    schwerpunkt = Handlungsschwerpunkt(konzept=konzept, title="Übergänge")
    schwerpunkt._history_user = user
    schwerpunkt.save()
    ziel = Ziel(schwerpunkt=schwerpunkt, title="Kein Kind geht verloren")
    ziel._history_user = user
    ziel.save()
    massnahme = Massnahme(ziel=ziel, title="Übergabebogen")
    massnahme._history_user = user
    massnahme.save()
    Fortschrittsnotiz.objects.create(
        massnahme=massnahme, text="Abgestimmt", progress=10, status="geplant", author=user
    )
    Meilenstein.objects.create(date=timezone.localdate(), title="Auftakt", created_by=user)
    Sachstandsbericht.objects.create(
        nummer=1, gremium=gremium, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
        created_by=user,
    )  # fmt: skip
    Wegweiserheft.objects.create(created_by=user)
    from netzwerk.models import Indikator, IndikatorImport

    indikator = Indikator.objects.create(name="Quote", slug="quote", einheit="%", quelle="Amt")
    IndikatorImport.objects.create(indikator=indikator, dateiname="quote.csv", erstellt_von=user)

    # Ground floor: feedback, back-office log, a sign-in, mails
    Rueckmeldung.objects.create(
        name=f"{VORNAME} {NACHNAME}", email=EMAIL, message="Kontrast zu schwach"
    )
    Kontoprotokoll.objects.create(user=user, by=welt.users["koordination"], action="rolle")
    LogEntry.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(Person), object_id=person.pk,
        object_repr=f"{VORNAME} {NACHNAME}", action_flag=ADDITION,
    )  # fmt: skip
    assert client.login(email=EMAIL, password=PASSWORD)
    mail_queue(name="freigabe", context={"user": user}, to=[EMAIL])
    sent = mail_queue(name="freigabe", context={"user": user}, to=[ALT_EMAIL])
    Mail.objects.filter(pk=sent.pk).update(status=Mail.Status.SENT, sent_at=timezone.now())
    return {"user": user, "person": person, "anmeldung": anmeldung, "wartend": wartend}


def test_the_person_has_rows_in_every_registered_model(betroffen):
    b = akteure_services.betroffene_for(person=betroffen["person"])
    empty = [d.key for d in datenschutz.REGISTER.ordered() if not d.rows(b).exists()]
    assert empty == []


def _text_columns() -> list[tuple[str, str]]:
    """Every text-like column of every table, from the database's own catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type IN "
                "('text', 'character varying', 'json', 'jsonb', 'character')"
            )
            return list(cursor.fetchall())
        columns = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'PRAGMA table_info("{table}")')
            for _cid, name, kind, *_rest in cursor.fetchall():
                if any(t in kind.lower() for t in ("char", "text", "json", "clob")) or not kind:
                    columns.append((table, name))
        return columns


def _hits(*needles: str) -> list[str]:
    found = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for needle in needles:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {qn(table)} WHERE LOWER(CAST({qn(column)} AS TEXT)) "
                    "LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}: {needle}")
    return found


def test_erasure_leaves_the_person_in_no_text_column_of_any_table(betroffen):
    assert len(_hits(VORNAME, NACHNAME, EMAIL)) > 10  # the search sees what the fixture wrote
    akteure_services.person_erase(person=betroffen["person"])
    assert _hits(VORNAME, NACHNAME, EMAIL, ALT_EMAIL, "02405 987654") == []


def test_erasure_cancels_future_registrations_and_the_waiting_list_moves_up(betroffen):
    akteure_services.person_erase(person=betroffen["person"])
    anmeldung = Anmeldung.objects.get(pk=betroffen["anmeldung"].pk)
    assert anmeldung.status == Anmeldung.Status.STORNIERT and anmeldung.user is None
    assert Anmeldung.objects.get(pk=betroffen["wartend"].pk).status == "bestaetigt"
    # The attendance of the past event still counts, without a name.
    past = Anmeldung.objects.get(status=Anmeldung.Status.TEILGENOMMEN)
    assert past.name == datenschutz.GELOESCHT and past.attended_at is not None


def test_after_erasure_the_tokens_are_dead_and_mails_withdrawn(betroffen, client):
    token = betroffen["anmeldung"].token
    abo = Kalenderabo.objects.get(user=betroffen["user"]).token
    queued = Mail.objects.get(to=[EMAIL], template="freigabe")
    akteure_services.person_erase(person=betroffen["person"])
    assert client.get(reverse("konferenzen:anmeldung-manage", args=[token])).status_code == 404
    assert client.get(reverse("konferenzen:kalender-personal", args=[abo])).status_code == 404
    queued.refresh_from_db()
    assert queued.status == Mail.Status.WITHDRAWN and queued.to == [] and queued.body_text == ""
    sent = Mail.objects.get(status=Mail.Status.SENT)
    assert sent.to == [] and sent.body_text == ""
    # The forum keeps the contribution, by "Gelöschte Person".
    beitrag = Beitrag.objects.get(title="Sprachförderung")
    assert beitrag.author.get_full_name() == datenschutz.GELOESCHT
    assert not client.login(email=EMAIL, password=PASSWORD)


def test_erasure_is_one_transaction(betroffen, monkeypatch):
    """A failure in the last step leaves everything as it was."""
    entry = datenschutz.REGISTER.eintraege["netzwerk.user"]

    def broken(queryset, b, now):
        raise RuntimeError("Festplatte voll")

    monkeypatch.setitem(
        datenschutz.REGISTER.eintraege,
        "netzwerk.user",
        datenschutz.Datenart(**{**entry.__dict__, "erase": broken}),
    )
    with pytest.raises(RuntimeError):
        akteure_services.person_erase(person=betroffen["person"])
    assert Person.objects.get(pk=betroffen["person"].pk).last_name == NACHNAME
    assert Anmeldung.objects.get(pk=betroffen["anmeldung"].pk).status == "bestaetigt"


def test_the_auskunft_holds_every_registered_row(betroffen, client):
    b = akteure_services.betroffene_for(user=betroffen["user"])
    expected = {d.key: d.rows(b).count() for d in datenschutz.REGISTER.ordered()}
    response = client.get(reverse("akteure:meine-daten-export"))
    data = json.loads(response.content)
    assert {key: teil["anzahl"] for key, teil in data.items()} == expected
    assert all(len(teil["eintraege"]) == teil["anzahl"] for teil in data.values())
    assert set(data) == set(datenschutz.REGISTER.eintraege)
    assert data["konferenzen.anmeldung"]["eintraege"][0]["bedarfe"] == "vegetarisch"
    page = client.get(reverse("akteure:meine-daten")).content.decode()
    assert "Anmeldungen zu Veranstaltungen" in page and "Punkte in Abstimmungsrunden" in page


def test_a_person_asks_for_erasure_and_the_coordination_decides(betroffen, client, client_as):
    Datenschutzantrag.objects.all().delete()
    response = client.post(reverse("akteure:meine-daten"), {"message": "", "bestaetigt": "on"})
    assert response.status_code == 302
    antrag = Datenschutzantrag.objects.get(status="offen")
    assert antrag.deadline == (timezone.localdate() + timedelta(days=30))
    page = client.get(reverse("akteure:meine-daten")).content.decode()
    assert f"bis {antrag.deadline:%d.%m.%Y}" in page
    coordination = client_as("koordination")
    detail = coordination.get(reverse("akteure:antrag-detail", args=[antrag.pk]))
    assert "Anmeldungen zu Veranstaltungen" in detail.content.decode()
    refused = coordination.post(
        reverse("akteure:antrag-detail", args=[antrag.pk]), {"entscheidung": "ablehnen"}
    )
    assert refused.status_code == 400 and "Bitte begründen" in refused.content.decode()
    coordination.post(
        reverse("akteure:antrag-detail", args=[antrag.pk]), {"entscheidung": "loeschen"}
    )
    antrag.refresh_from_db()
    assert antrag.status == "erledigt"
    assert Person.objects.get(pk=betroffen["person"].pk).last_name == "Person"


def test_the_request_form_needs_the_confirmation(betroffen, client):
    Datenschutzantrag.objects.all().delete()
    response = client.post(reverse("akteure:meine-daten"), {"message": "bitte"})
    assert response.status_code == 400 and "Bitte bestätigen" in response.content.decode()
    assert not Datenschutzantrag.objects.filter(status="offen").exists()


# --- Retention periods ----------------------------------------------------------------------
def test_registrations_lose_their_names_two_years_after_the_event(welt):
    event = _event(welt, days=-10)
    anmeldung = Anmeldung.objects.create(
        veranstaltung=event, name="Ida Alt", email="ida@test.example", status="teilgenommen"
    )
    day_before = event.end + timedelta(days=settings.FRIST_ANMELDUNG_TAGE - 1)
    datenschutz.fristen_apply(day_before)
    assert Anmeldung.objects.get(pk=anmeldung.pk).name == "Ida Alt"
    datenschutz.fristen_apply(event.end + timedelta(days=settings.FRIST_ANMELDUNG_TAGE + 1))
    anmeldung.refresh_from_db()
    assert anmeldung.name == datenschutz.GELOESCHT and anmeldung.status == "teilgenommen"


def test_outbox_bodies_and_import_files_go_after_thirty_days(welt):
    mail = mail_queue(name="freigabe", context={"user": {}}, to=["x@test.example"])
    Mail.objects.filter(pk=mail.pk).update(status=Mail.Status.SENT)
    imp = Import(
        art="personen", filename="a.csv", created_by=welt.users["koordination"], status="fertig"
    )
    imp.file.save("a.csv", ContentFile(b"name\nx\n"))
    # Checked but not started: keeps its file until it runs.
    waiting = Import(art="personen", filename="b.csv", status="geprueft")
    waiting.file.save("b.csv", ContentFile(b"name\ny\n"))
    now = timezone.now()
    datenschutz.fristen_apply(now + timedelta(days=29))
    assert Mail.objects.get(pk=mail.pk).to == ["x@test.example"]
    assert Import.objects.get(pk=imp.pk).file
    result = datenschutz.fristen_apply(now + timedelta(days=31))
    assert result["postausgang"] == 1 and result["importe"] == 1
    assert Mail.objects.get(pk=mail.pk).to == [] and not Import.objects.get(pk=imp.pk).file
    assert Import.objects.get(pk=waiting.pk).file


def test_the_datenschutz_page_lists_the_retention_periods(client):
    page = client.get(reverse("netzwerk:datenschutz")).content.decode()
    for frist in datenschutz.fristen():
        assert frist.label in page
    assert "730 Tage" in page and "30 Tage" in page


def test_the_beat_schedule_applies_the_retention_periods_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["aufbewahrungsfristen"]
    assert entry["task"] == "netzwerk.tasks.apply_fristen" and entry["schedule"] == 86_400.0


def test_erasure_and_auskunft_leave_other_people_alone(welt, client):
    """Names are matched as whole words and short names not at all; mails are the person's
    only when sent to them; an unverified address on the account is not theirs."""
    e = UserFactory(email="ed@test.example", first_name="e", last_name="d")
    e.emailaddress_set.create(email="fremd@test.example", verified=False)
    max_ = UserFactory(email="max@test.example", first_name="Max", last_name="Muster")
    mail_queue(name="freigabe", context={"user": {}}, to=["koordination@test.example"])
    other = mail_queue(
        name="freigabe", context={"user": {}}, to=["felix.max@test.example"]
    )  # "Sie die ..." contains "e d", and "felix.max@" contains "max@"
    fremd = Rueckmeldung.objects.create(name="Max Mustermann", email="mm@test.example", message="x")
    Anmeldung.objects.create(
        veranstaltung=_event(welt, days=5), name="Fremde", email="fremd@test.example"
    )
    client.force_login(e)
    data = json.loads(client.get(reverse("akteure:meine-daten-export")).content)
    assert data["netzwerk.mail"]["anzahl"] == 0
    assert data["konferenzen.anmeldung"]["anzahl"] == 0
    akteure_services.person_erase(user=max_)
    assert Rueckmeldung.objects.filter(pk=fremd.pk).exists()
    assert Mail.objects.get(pk=other.pk).to == ["felix.max@test.example"]
    assert Anmeldung.objects.get(email="fremd@test.example").status == "bestaetigt"


def test_a_contact_person_under_the_same_address_elsewhere_is_erased_too(betroffen, welt):
    twin = PersonFactory(
        first_name=VORNAME,
        last_name=NACHNAME,
        email=EMAIL.upper(),
        organisation=welt.fremde_organisation,
    )
    akteure_services.person_erase(user=betroffen["user"])
    twin.refresh_from_db()
    assert twin.email == "" and twin.anonymized_at is not None


def test_the_readable_auskunft_speaks_german_not_data_keys(betroffen, client):
    page = client.get(reverse("akteure:meine-daten")).content.decode()
    assert ">E-Mail-Adresse</dt>" in page and ">bestätigt</dt>" in page
    assert ">auf teilnehmendenliste</dt>" in page
    assert ">True</dd>" not in page and ">False</dd>" not in page
    assert ">verified</dt>" not in page and "_" not in "".join(
        re.findall(r"<dt[^>]*>([^<]*)</dt>", page)
    )
