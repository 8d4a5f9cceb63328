"""Demo network: the seven thematic forums of a town, two of them dormant, with members, a
collection of Bestand, Bedarfe and Lösungsansätze, comments, a closed and an open dot-voting
round, minutes, a pending join request and a confirmed interest in a dormant forum.

Rows are written directly, not through the services: building the demo sends no mail.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from akteure.models import Angebot, Person
from netzwerk.models import Handlungsfeld, Lebensphase, Querschnittsthema, Rolle, User

from .models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Forum,
    Interessensbekundung,
    Kommentar,
    Mitgliedschaft,
    Stimme,
)
from .selectors import abstimmung_ergebnis

FOREN = [
    (
        "Sprache und Bildung",
        Forum.Status.AKTIV,
        Forum.Sichtbarkeit.PUBLIC,
        "Sprachförderung von der Kita bis zur Ausbildung, Übergänge zwischen Kita, Grundschule und "
        "weiterführender Schule.",
    ),
    (
        "Sport und Freizeit",
        Forum.Status.AKTIV,
        Forum.Sichtbarkeit.PUBLIC,
        "Vereine und Schulen als Tandem: Schulsport, offene Angebote, Zugang für alle Familien.",
    ),
    (
        "Gesundheit",
        Forum.Status.AKTIV,
        Forum.Sichtbarkeit.PUBLIC,
        "Frühe Hilfen, Kindergesundheit, psychische Belastung von Eltern und Kindern.",
    ),
    (
        "Sozialraum und Wohnen",
        Forum.Status.AKTIV,
        Forum.Sichtbarkeit.MEMBERS,
        "Bedarfe in den Quartieren, Treffpunkte, Wohnen und Nachbarschaft.",
    ),
    (
        "Rassismus und Diskriminierung",
        Forum.Status.AKTIV,
        Forum.Sichtbarkeit.PUBLIC,
        "Interkulturelle Öffnung, Beratung bei Diskriminierung, Demokratie fördern.",
    ),
    (
        "Arbeitsmarkt",
        Forum.Status.RUHEND,
        Forum.Sichtbarkeit.PUBLIC,
        "Übergang Schule – Beruf. Ruht, bis jemand das Forum aufgreift.",
    ),
    (
        "Kultur und Religion",
        Forum.Status.RUHEND,
        Forum.Sichtbarkeit.PUBLIC,
        "Kulturelle und religiöse Vielfalt in der Stadt. Ruht, bis jemand das Forum aufgreift.",
    ),
]

B, N, L = Beitrag.Art.BESTAND, Beitrag.Art.BEDARF, Beitrag.Art.LOESUNGSANSATZ
# Forum -> (kind, title, text, life-phase positions, status)
SAMMLUNG = {
    "Sprache und Bildung": [
        (B, "Sprachkitas im Stadtgebiet", "Vier Kitas arbeiten als **Sprachkita** mit "
         "alltagsintegrierter Sprachbildung.", [2], Beitrag.Status.OFFEN),
        (B, "Hausaufgabenhilfe im Jugendtreff", "Montags bis donnerstags, 14 bis 16 Uhr.",
         [3, 4], Beitrag.Status.OFFEN),
        (N, "Übergang Kita – Grundschule ohne gemeinsamen Standard", "Jede Grundschule fragt "
         "andere Unterlagen ab; Eltern und Kitas wünschen sich *ein* Übergangsprotokoll.",
         [2, 3], Beitrag.Status.IN_BEARBEITUNG),
        (N, "Sprachförderung für Seiteneinsteiger ab 10 Jahren", "Zu wenige Plätze in "
         "Vorbereitungsklassen; Wartezeiten von mehreren Monaten.", [4], Beitrag.Status.OFFEN),
        (N, "Elternabende in einfacher Sprache", "Viele Eltern verstehen die Einladungen nicht.",
         [2, 3, 4], Beitrag.Status.OFFEN),
        (L, "Gemeinsames Übergangsprotokoll Kita – Grundschule", "Vorschlag:\n\n"
         "- ein Bogen für alle Kitas und Grundschulen\n- Einwilligung der Eltern vorab\n"
         "- Gespräch im Mai", [2, 3], Beitrag.Status.AUFGEGRIFFEN),
        (L, "Sprachpatenschaften mit Ehrenamtlichen", "Ehrenamtliche lesen wöchentlich mit "
         "Kindern; Schulung durch die Stadtbibliothek.", [3], Beitrag.Status.OFFEN),
    ],
    "Sport und Freizeit": [
        (B, "Schulsport-Tandems Verein und Grundschule", "Drei Vereine bieten AGs an Grundschulen "
         "an.", [3], Beitrag.Status.OFFEN),
        (N, "Schwimmfähigkeit am Ende der Grundschule", "Ein Drittel der Kinder kann am Ende der "
         "4. Klasse nicht sicher schwimmen.", [3], Beitrag.Status.OFFEN),
        (L, "Vereinsbeiträge über Bildung und Teilhabe", "Familien gezielt auf das Bildungs- und "
         "Teilhabepaket hinweisen; Vereine helfen beim Antrag.", [3, 4], Beitrag.Status.OFFEN),
    ],
    "Gesundheit": [
        (B, "Frühe Hilfen: Familienhebammen", "Aufsuchende Begleitung im ersten Lebensjahr.",
         [0, 1], Beitrag.Status.OFFEN),
        (N, "Psychische Belastung von Eltern und Kindern", "Lange Wartezeiten bei Beratung und "
         "Therapie; Kitas und Schulen fühlen sich allein gelassen.", [1, 2, 3, 4],
         Beitrag.Status.OFFEN),
        (N, "Kinderarzt im Stadtteil Nord fehlt", "Seit der Praxisaufgabe 2023 keine Versorgung "
         "vor Ort.", [1, 2, 3], Beitrag.Status.OFFEN),
        (L, "Sprechstunde der Erziehungsberatung in Kitas", "Einmal im Monat vor Ort, ohne "
         "Anmeldung.", [2], Beitrag.Status.OFFEN),
        (L, "Demokratie fördern in der Schule", "Klassenrat und Schülerhaushalt an allen "
         "weiterführenden Schulen.", [4], Beitrag.Status.OFFEN),
    ],
    "Sozialraum und Wohnen": [
        (N, "Treffpunkt für Jugendliche am Bahnhof", "Seit Schließung des Jugendcafés kein Ort.",
         [4, 5], Beitrag.Status.OFFEN),
        (B, "Quartiersbüro Nord", "Offene Sprechstunde dienstags.", [], Beitrag.Status.OFFEN),
    ],
    "Rassismus und Diskriminierung": [
        (B, "Beratungsstelle gegen Diskriminierung", "Kostenlose Beratung, auch anonym.", [],
         Beitrag.Status.OFFEN),
        (N, "Fortbildung interkulturelle Öffnung für Kitas", "Mehrere Kitas fragen danach.", [2],
         Beitrag.Status.OFFEN),
    ],
}  # fmt: skip
KOMMENTARE = [
    "Das sehen wir an unserer Schule genauso.",
    "Wir könnten dazu im nächsten Treffen **einen Vorschlag** machen.",
    "Gibt es dazu schon Zahlen aus dem Jugendamt?",
]
# The extra member accounts: persons of the registry who use the portal (no demo login).
MITGLIEDER = 18

# A one-page PDF, so the demo needs no renderer: "Protokoll der Forumssitzung".
PROTOKOLL_PDF = b"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R
/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 58>>stream
BT /F1 18 Tf 72 770 Td (Protokoll der Forumssitzung) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
%%EOF
"""


def _mitglieder() -> list[User]:
    """Accounts for some contact persons of the registry, so forums have real-looking members.
    The same persons on every run: the first ones by e-mail address."""
    partner = Group.objects.get(name=Rolle.PARTNER)
    accounts = []
    personen = Person.objects.exclude(email__endswith="@demo.example").order_by("email")
    for person in personen.select_related("user")[:MITGLIEDER]:
        user = person.user
        if user is None:
            user, created = User.objects.get_or_create(
                email=person.email,
                defaults={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "approved_at": timezone.now(),
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            person.user = user
            person.save(update_fields=["user"])
        user.groups.add(partner)
        accounts.append(user)
    return accounts


def build(users: dict) -> None:
    rng = random.Random(2024)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    themen = list(Querschnittsthema.objects.all())
    phasen = list(Lebensphase.objects.order_by("position"))
    foren = {}
    for name, status, visibility, description in FOREN:
        forum, _ = Forum.objects.update_or_create(
            slug=slugify(f"forum {name}"),
            defaults={
                "name": f"Forum {name}",
                "handlungsfeld": Handlungsfeld.objects.get(slug=slugify(name)),
                "status": status,
                "visibility": visibility,
                "description": description,
            },
        )
        forum.themen.set(themen)  # the cross-cutting themes belong in every forum
        foren[name] = forum
    sprache = foren["Sprache und Bildung"]
    sprache.moderators.add(users["moderation"])
    foren["Gesundheit"].moderators.add(users["koordination"])
    _member(sprache, users["moderation"], digest=True)
    _member(sprache, users["partner"])
    _member(foren["Gesundheit"], users["partner"])
    _member(foren["Sozialraum und Wohnen"], users["moderation"])

    mitglieder = _mitglieder()
    for index, name in enumerate(SAMMLUNG):
        for user in mitglieder[index * 3 : index * 3 + 7]:
            _member(foren[name], user)

    for name, eintraege in SAMMLUNG.items():
        forum = foren[name]
        autoren = list(forum.members.order_by("email")) or [users["koordination"]]
        for position, (art, title, text, phase_idx, status) in enumerate(eintraege):
            beitrag, created = Beitrag.objects.get_or_create(
                forum=forum,
                title=title,
                defaults={
                    "art": art,
                    "text": text,
                    "status": status,
                    "author": autoren[position % len(autoren)],
                    "created_at": now - timedelta(days=60 - 5 * position),
                },
            )
            if created:
                beitrag.lebensphasen.set([phasen[i] for i in phase_idx])
                if art == B:
                    beitrag.angebot = (
                        Angebot.objects.filter(
                            lebensphasen__in=[phasen[i] for i in phase_idx] or phasen
                        )
                        .order_by("slug")
                        .first()
                    )
                    beitrag.save(update_fields=["angebot"])
                for k in range(position % 3):
                    Kommentar.objects.create(
                        beitrag=beitrag,
                        author=autoren[(position + k + 1) % len(autoren)],
                        text=KOMMENTARE[k],
                        created_at=beitrag.created_at + timedelta(days=k + 1),
                    )

    _runden(sprache, foren["Gesundheit"], users, rng, now)
    _dokumente(sprache, users["moderation"], now)
    # A partner asks to join the sports forum; the coordination decides while it has no moderator.
    Beitrittsanfrage.objects.get_or_create(
        forum=foren["Sport und Freizeit"],
        user=users["moderation"],
        status=Beitrittsanfrage.Status.OFFEN,
        defaults={"message": "Das Familienzentrum möchte Bewegungsangebote für Kleinkinder "
                  "einbringen."},
    )  # fmt: skip
    # Someone from the public wants to pick up the dormant labour-market forum (confirmed).
    Interessensbekundung.objects.get_or_create(
        forum=foren["Arbeitsmarkt"],
        email="a.yilmaz@ausbildungsverbund.example",
        defaults={
            "name": "Ayşe Yılmaz",
            "organisation": "Ausbildungsverbund Musterstadt",
            "message": "Wir würden das Forum gern mit dem Jobcenter zusammen wieder aufnehmen.",
            "consent_at": now - timedelta(days=3),
            "created_at": now - timedelta(days=3),
            "confirmed_at": now - timedelta(days=3),
        },
    )


def _member(forum: Forum, user: User, digest: bool = False) -> None:
    Mitgliedschaft.objects.get_or_create(forum=forum, user=user, defaults={"digest": digest})


def _runden(sprache: Forum, gesundheit: Forum, users: dict, rng: random.Random, now) -> None:
    """Gesundheit: a closed round, as the Präventionskonferenz's group work that chose three
    themes. Sprache und Bildung: an open round the demo partner can still vote in."""
    runde, created = Abstimmung.objects.get_or_create(
        forum=gesundheit,
        title="Schwerpunkte für 2027",
        defaults={
            "punkte": 5,
            "max_pro_beitrag": 3,
            "created_by": users["koordination"],
            "opened_at": now - timedelta(days=20),
        },
    )
    if created:
        beitraege = list(gesundheit.beitraege.order_by("title"))
        runde.beitraege.set(beitraege)
        for user in gesundheit.members.order_by("email"):
            rest = runde.punkte
            for beitrag in rng.sample(beitraege, len(beitraege)):
                punkte = min(rest, rng.randint(0, runde.max_pro_beitrag))
                if punkte:
                    Stimme.objects.create(
                        abstimmung=runde, beitrag=beitrag, user=user, punkte=punkte
                    )
                    rest -= punkte
        runde.ergebnis = abstimmung_ergebnis(runde)
        runde.status = Abstimmung.Status.GESCHLOSSEN
        runde.closed_at = now - timedelta(days=6)
        runde.save()
    offen, created = Abstimmung.objects.get_or_create(
        forum=sprache,
        title="Was packen wir zuerst an?",
        defaults={"punkte": 5, "max_pro_beitrag": 2, "created_by": users["moderation"]},
    )
    if created:
        offen.beitraege.set(sprache.beitraege.exclude(art=B))


def _dokumente(forum: Forum, by: User, now) -> None:
    if not Dokument.objects.filter(
        forum=forum, title="Protokoll der letzten Forumssitzung"
    ).exists():
        dokument = Dokument(
            forum=forum,
            title="Protokoll der letzten Forumssitzung",
            art=Dokument.Art.PROTOKOLL,
            original_name="protokoll.pdf",
            content_type="application/pdf",
            endung="pdf",
            size=len(PROTOKOLL_PDF),
            uploaded_by=by,
            uploaded_at=now - timedelta(days=14),
        )
        dokument.file.save("protokoll.pdf", ContentFile(PROTOKOLL_PDF), save=True)
