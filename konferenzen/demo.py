"""Demo network, top floor so far: the forums' sessions, one past and one ahead for each active
forum (the minutes in the language forum belong to its last session); the yearly prevention
conference with three working groups, invitations (accepted, declined, open) and registrations; a
network meeting; a workshop that is full, with a waiting list; a committee meeting for invited
people only; last month's kick-off workshop with attendance (checked in at the door by the
coordination) and minutes; the partner's own registrations and two colleagues they registered.
Rows are written directly: building the demo sends no mail (the invitation run's mails stand in
the outbox as sent)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from akteure.models import Person
from foren.models import Dokument, Forum
from netzwerk.models import Mail, Rolle, User

from . import einlass, planung
from .models import (
    Anmeldung,
    Arbeitsgruppe,
    Einladung,
    Protokoll,
    Tagesordnungspunkt,
    Veranstaltung,
    Versand,
)

KONFERENZ_AGS = [
    "Psychische Belastung von Eltern und Kindern",
    "Demokratie fördern",
    "Teilhabekompetenz / Kinderarmut",
]
# Colleagues the partner registered for their Kita (invented people).
DELEGIERTE = [
    ("Jana Kramer", "jana.kramer@kita-sonnenblume.example"),
    ("Ole Brandt", "ole.brandt@kita-sonnenblume.example"),
]
TAGESORDNUNG = [
    ("09:30", "10:00", "Begrüßung", "Bürgermeisterin"),
    ("10:00", "11:00", "Was hat die Präventionskette seit 2024 erreicht?", "Koordination"),
    ("11:00", "12:30", "Arbeitsgruppen", ""),
    ("13:00", "14:00", "Ergebnisse und Verabredungen", "Moderation der Arbeitsgruppen"),
]


def build(users: dict) -> None:
    today = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0)
    for index, forum in enumerate(Forum.objects.filter(status=Forum.Status.AKTIV).order_by("name")):
        for title, start in (
            (f"Sitzung {forum.name}", today - timedelta(days=21 + 7 * index)),
            (f"Nächste Sitzung {forum.name}", today + timedelta(days=14 + 7 * index)),
        ):
            Veranstaltung.objects.update_or_create(
                forum=forum,
                title=title,
                defaults={
                    "art": Veranstaltung.Art.FORUMSSITZUNG,
                    "start": start,
                    "end": start + timedelta(hours=2),
                    "place": "Rathaus, Sitzungsraum 2 (barrierefrei, Aufzug)",
                    "visibility": Veranstaltung.Sichtbarkeit.MEMBERS,
                },
            )
    letzte = (
        Veranstaltung.objects.filter(forum__slug="forum-sprache-und-bildung", start__lt=today)
        .order_by("-start")
        .first()
    )
    Dokument.objects.filter(
        forum__slug="forum-sprache-und-bildung", art=Dokument.Art.PROTOKOLL
    ).update(veranstaltung=letzte)
    _konferenz(today, users)
    _gremium(today, users)
    _auftakt(today, users)
    _planung(today, users)


def _konferenz(today, users: dict) -> None:
    start = (today + timedelta(days=56)).replace(hour=9, minute=30)
    konferenz, _ = Veranstaltung.objects.update_or_create(
        title="3. Präventionskonferenz",
        defaults={
            "art": Veranstaltung.Art.PRAEVENTIONSKONFERENZ,
            "start": start,
            "end": start.replace(hour=14),
            "place": "Rathaus, Markt 1",
            "room": "Ratssaal",
            "accessibility": "Stufenloser Zugang über den Seiteneingang, Aufzug, "
            "barrierefreie Toilette. Gebärdensprache auf Anfrage bis zwei Wochen vorher.",
            "description": "Politik, Schulen, Kitas, Jugendzentren, Beratung, Jobcenter, "
            "Sportvereine und Polizei verabreden die Schwerpunkte für das nächste Jahr.",
            "visibility": Veranstaltung.Sichtbarkeit.PUBLIC,
            "capacity": 120,
            "registration_closes": start - timedelta(days=7),
        },
    )
    for position, (time, end_time, title, speaker) in enumerate(TAGESORDNUNG):
        Tagesordnungspunkt.objects.update_or_create(
            veranstaltung=konferenz,
            title=title,
            defaults={
                "time": time, "end_time": end_time, "speaker": speaker,
                "position": 10 * (position + 1),
            },
        )  # fmt: skip
    gruppen = [
        Arbeitsgruppe.objects.update_or_create(
            veranstaltung=konferenz, name=name, defaults={"capacity": 40, "runde": 1}
        )[0]
        for name in KONFERENZ_AGS
    ]
    personen = list(
        Person.objects.exclude(email__endswith="@demo.example")
        .select_related("organisation", "user")
        .order_by("email")[:45]
    )
    for index, person in enumerate(personen):
        _anmeldung(
            konferenz, person, gruppen[index % 3], created=today - timedelta(days=45 - index)
        )
    _anmeldung(konferenz, users["moderation"].person, gruppen[1], created=today)
    _einladungen(konferenz, today, users)

    treffen_start = (today + timedelta(days=21)).replace(hour=16)
    treffen, _ = Veranstaltung.objects.update_or_create(
        title="Netzwerktreffen Frühjahr",
        defaults={
            "art": Veranstaltung.Art.NETZWERKTREFFEN,
            "start": treffen_start,
            "end": treffen_start + timedelta(hours=2),
            "place": "Familienzentrum Arche",
            "visibility": Veranstaltung.Sichtbarkeit.MEMBERS,
            "capacity": 60,
        },
    )
    for person in personen[:20]:
        _anmeldung(treffen, person, None, created=today - timedelta(days=3))

    workshop_start = (today + timedelta(days=35)).replace(hour=14)
    workshop, _ = Veranstaltung.objects.update_or_create(
        title="Workshop Lotsen und Case-Management",
        defaults={
            "art": Veranstaltung.Art.WORKSHOP,
            "start": workshop_start,
            "end": workshop_start + timedelta(hours=3),
            "place": "Jugendamt, Raum 2.14",
            "visibility": Veranstaltung.Sichtbarkeit.PUBLIC,
            "capacity": 12,
        },
    )
    for index, person in enumerate(personen[20:34]):
        status = Anmeldung.Status.BESTAETIGT if index < 12 else Anmeldung.Status.WARTELISTE
        _anmeldung(
            workshop, person, None, created=today - timedelta(days=14 - index), status=status
        )
    _partner(users, konferenz, gruppen, treffen, workshop, today)


def _partner(users, konferenz, gruppen, treffen, workshop, today) -> None:
    """What the partner's "Meine Anmeldungen" shows: the conference with two colleagues they
    registered for their Kita, the network meeting, and a place on the workshop's waiting
    list."""
    partner = users["partner"].person
    _anmeldung(konferenz, partner, gruppen[0], created=today - timedelta(days=6))
    _anmeldung(treffen, partner, None, created=today - timedelta(days=2))
    _anmeldung(
        workshop, partner, None, created=today - timedelta(hours=5),
        status=Anmeldung.Status.WARTELISTE,
    )  # fmt: skip
    for index, (name, email) in enumerate(DELEGIERTE):
        anmeldung, made = Anmeldung.objects.get_or_create(
            veranstaltung=konferenz,
            email=email,
            status__in=Anmeldung.AKTIV,
            defaults={
                "name": name,
                "organisation": partner.organisation,
                "registered_by": users["partner"],
                "created_at": today - timedelta(days=6),
                "confirmed_at": today - timedelta(days=6),
            },
        )
        if made:
            anmeldung.arbeitsgruppen.add(gruppen[1 + index])


def _anmeldung(veranstaltung, person, gruppe, *, created, status=Anmeldung.Status.BESTAETIGT):
    anmeldung, made = Anmeldung.objects.get_or_create(
        veranstaltung=veranstaltung,
        email=person.email.lower(),
        status__in=Anmeldung.AKTIV,
        defaults={
            "name": f"{person.first_name} {person.last_name}",
            "organisation": person.organisation,
            "user": person.user,
            "status": status,
            "on_list": person.pk % 3 != 0,
            "created_at": created,
            "confirmed_at": created if status == Anmeldung.Status.BESTAETIGT else None,
        },
    )
    if made and gruppe is not None:
        anmeldung.arbeitsgruppen.add(gruppe)
    return anmeldung


def _einladungen(konferenz, today, users) -> None:
    """The conference's invitation run to the contacts: those registered accepted, some declined,
    the rest have not answered yet (the reminder button has work to do)."""
    if konferenz.versande.exists():
        return
    sent = today - timedelta(days=50)
    personen = list(
        Person.objects.filter(einwilligungen__purpose="newsletter")
        .exclude(email="")
        .select_related("organisation")
        .distinct()
        .order_by("email")[:90]
    )
    versand = Versand.objects.create(
        veranstaltung=konferenz,
        art=Versand.Art.EINLADUNG,
        label="Kontakte: alle Organisationstypen",
        total=len(personen),
        queued=len(personen),
        created_by=users["koordination"],
        created_at=sent,
        finished_at=sent,
    )
    angemeldet = {a.email: a for a in konferenz.anmeldungen.all()}
    mails = []
    for index, person in enumerate(personen):
        email = person.email.lower()
        mail = Mail.objects.create(
            template="einladung",
            to=[email],
            subject=f"Einladung: {konferenz.title}",
            body_text="(Demo)",
            status=Mail.Status.SENT,
            created_at=sent,
            sent_at=sent,
        )
        mails.append(mail)
        anmeldung = angemeldet.get(email)
        status = (
            Einladung.Status.ANGENOMMEN
            if anmeldung
            else Einladung.Status.ABGELEHNT
            if index % 5 == 0
            else Einladung.Status.OFFEN
        )
        Einladung.objects.create(
            veranstaltung=konferenz,
            email=email,
            name=f"{person.first_name} {person.last_name}",
            organisation=person.organisation,
            organisation_name=person.organisation.name if person.organisation else "",
            user=person.user,
            status=status,
            anmeldung=anmeldung,
            versand=versand,
            mail=mail,
            created_at=sent,
            sent_at=sent,
            answered_at=None if status == Einladung.Status.OFFEN else sent + timedelta(days=3),
        )
    versand.mails.add(*mails)


def _gremium(today, users) -> None:
    """The steering committee meets; only the invited see the meeting."""
    start = (today + timedelta(days=10)).replace(hour=15)
    sitzung, made = Veranstaltung.objects.update_or_create(
        title="Steuerungsgruppe Präventionskette",
        defaults={
            "art": Veranstaltung.Art.GREMIENSITZUNG,
            "start": start,
            "end": start + timedelta(hours=2),
            "place": "Rathaus, Zimmer 101",
            "visibility": Veranstaltung.Sichtbarkeit.INVITED,
            "description": "Sachstand der Präventionskette, Vorbereitung der Konferenz.",
        },
    )
    for user in User.objects.filter(groups__name=Rolle.GREMIUM):
        Einladung.objects.get_or_create(
            veranstaltung=sitzung,
            email=user.email.lower(),
            defaults={"name": user.get_full_name(), "user": user, "sent_at": today},
        )


def _auftakt(today, users) -> None:
    """Last month's kick-off workshop: who came (for the statistics) and the minutes."""
    start = (today - timedelta(days=30)).replace(hour=9, minute=0)
    auftakt, _ = Veranstaltung.objects.update_or_create(
        title="Auftaktwerkstatt Sozialraum Nord",
        defaults={
            "art": Veranstaltung.Art.WORKSHOP,
            "start": start,
            "end": start.replace(hour=13),
            "place": "Stadtteilzentrum Nord",
            "visibility": Veranstaltung.Sichtbarkeit.PUBLIC,
            "capacity": 60,
        },
    )
    gruppen = [
        Arbeitsgruppe.objects.update_or_create(
            veranstaltung=auftakt, name=name, defaults={"capacity": 30, "runde": 1}
        )[0]
        for name in ("Übergang Kita – Schule", "Familien erreichen")
    ]
    personen = list(
        Person.objects.exclude(email="")
        .select_related("organisation", "user")
        .order_by("-email")[:30]
    )
    if auftakt.anmeldungen.exists():
        personen = []  # built before (cancelled ones would otherwise come again)
    for index, person in enumerate(personen):
        anmeldung = _anmeldung(
            auftakt, person, gruppen[index % 2], created=start - timedelta(days=20 - index % 10)
        )
        if index < 24:  # 24 came, 4 did not, 2 cancelled
            # Checked in at the door by the coordination, from a quarter before the start.
            ankunft = start - timedelta(minutes=15) + timedelta(minutes=2 * index)
            einlass.anmeldung_attend(anmeldung=anmeldung, by=users["koordination"], now=ankunft)
            if index == 5:  # a mistaken check-in, taken back and made again
                einlass.anmeldung_attend_undo(
                    anmeldung=anmeldung, by=users["koordination"], now=ankunft
                )
                einlass.anmeldung_attend(
                    anmeldung=anmeldung,
                    by=users["koordination"],
                    now=ankunft + timedelta(minutes=1),
                )
        elif index >= 28:
            Anmeldung.objects.filter(pk=anmeldung.pk).update(
                status=Anmeldung.Status.STORNIERT, cancelled_at=start - timedelta(days=2)
            )
    Protokoll.objects.update_or_create(
        veranstaltung=auftakt,
        arbeitsgruppe=None,
        defaults={
            "updated_by": users["koordination"],
            "text": "## Verabredungen\n\n"
            "- Die Kitas und Grundschulen im Sozialraum Nord treffen sich zweimal im Jahr.\n"
            "- Das Familienzentrum lädt zum **Elterncafé** ein; die Koordination stellt den "
            "Kontakt zu den Kitas her.\n"
            "- Nächstes Treffen: Netzwerktreffen im Frühjahr.",
        },
    )
    for gruppe, text in zip(
        gruppen,
        (
            "Übergabebögen Kita–Schule werden vereinheitlicht; *Ansprechpersonen* je "
            "Grundschule sind benannt.",
            "Aufsuchende Angebote bündeln: ein gemeinsamer Flyer in fünf Sprachen.",
        ),
        strict=True,
    ):
        Protokoll.objects.update_or_create(
            veranstaltung=auftakt,
            arbeitsgruppe=gruppe,
            defaults={"updated_by": users["koordination"], "text": text},
        )


def _planung(today, users) -> None:
    """What the planning pages make (konferenzen.planung): next year's conference as a copy of
    this year's, a four-weekly series of a forum's jour fixe, and a cancelled workshop."""
    koordination = users["koordination"]
    konferenz = Veranstaltung.objects.get(title="3. Präventionskonferenz")
    if not Veranstaltung.objects.filter(title="4. Präventionskonferenz").exists():
        planung.veranstaltung_copy(
            original=konferenz,
            start=timezone.localtime(konferenz.start) + relativedelta(years=1),
            title="4. Präventionskonferenz",
            by=koordination,
        )
    forum = Forum.objects.filter(moderators=users["moderation"]).order_by("name").first()
    if forum is not None and not Veranstaltung.objects.filter(serie__isnull=False).exists():
        start = (today + timedelta(days=10)).replace(hour=15)
        planung.serie_create(
            vorlage=Veranstaltung(
                art=Veranstaltung.Art.FORUMSSITZUNG,
                title=f"Jour fixe {forum.name}",
                start=start,
                end=start + timedelta(hours=1, minutes=30),
                place="Rathaus, Raum 1.08 (barrierefrei)",
                online_url="https://konferenz.example/jour-fixe",
                forum=forum,
                visibility=Veranstaltung.Sichtbarkeit.MEMBERS,
            ),
            einheit="wochen",
            abstand=4,
            anzahl=4,
            by=users["moderation"],
        )
    if not Veranstaltung.objects.filter(title="Fachtag Medienkompetenz").exists():
        start = (today + timedelta(days=28)).replace(hour=10)
        fachtag, _ = planung.veranstaltung_save(
            veranstaltung=Veranstaltung(
                art=Veranstaltung.Art.WORKSHOP,
                title="Fachtag Medienkompetenz",
                start=start,
                end=start + timedelta(hours=5),
                place="Stadtbibliothek",
                visibility=Veranstaltung.Sichtbarkeit.PUBLIC,
                capacity=40,
            ),
            by=koordination,
        )
        planung.veranstaltung_cancel(
            veranstaltung=fachtag,
            reason="Die Referentin ist erkrankt; wir laden zu einem neuen Termin ein.",
            by=koordination,
        )
