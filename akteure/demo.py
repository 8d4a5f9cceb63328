"""Demo network: ~60 organisations of every sector, invented contact persons, ~150 offers."""

import random
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache, Zielgruppe

from .models import (
    Angebot,
    Datenschutzantrag,
    Einwilligung,
    Organisation,
    Organisationseinladung,
    Organisationstyp,
    Person,
)
from .services import person_link_account

ORGANISATIONEN = {
    "Schule": [
        "Grundschule am Lindenplatz",
        "Grundschule Broich",
        "Grundschule Sonnenhügel",
        "Gesamtschule Nord",
        "Realschule am Park",
        "Gymnasium Stadtmitte",
        "Förderschule Regenbogen",
        "Berufskolleg Musterstadt",
    ],
    "Kita": [
        "Kita Sonnenblume",
        "Kita Pusteblume",
        "Familienzentrum Arche",
        "Kita Kunterbunt",
        "Kita St. Marien",
        "Kita Löwenzahn",
        "Waldkindergarten Eichhörnchen",
        "Kita Regenbogenland",
    ],
    "Verein": [
        "TuS Musterstadt 1920 e.V.",
        "SV Blau-Weiß Nord e.V.",
        "Schwimmverein Delfin e.V.",
        "Kulturverein Brücke e.V.",
        "Deutsch-Türkischer Freundeskreis e.V.",
        "Elterninitiative Zusammen e.V.",
        "Stadtsportbund Musterstadt e.V.",
    ],
    "Träger der Jugendhilfe": [
        "Jugendzentrum Offene Tür Mitte",
        "Jugendtreff Bahnhof",
        "Caritas Jugendhilfe Region",
        "Diakonie Familienhilfe",
        "AWO Jugendmigrationsdienst",
        "Internationaler Bund Jugendhilfe",
    ],
    "Beratungsstelle": [
        "Erziehungsberatungsstelle Musterstadt",
        "Schwangerschaftsberatung Lebensweg",
        "Suchtberatung Kompass",
        "Schuldnerberatung Musterstadt",
        "Frauenberatungsstelle",
        "Integrationsagentur Brückenbau",
    ],
    "Gesundheitswesen": [
        "Kinder- und Jugendgesundheitsdienst",
        "Kinderarztpraxis am Markt",
        "Hebammenpraxis Lebensanfang",
        "Frühe Hilfen Familienhebammen",
        "Sozialpädiatrisches Zentrum",
        "Ambulanz für Kinder- und Jugendpsychiatrie",
    ],
    "Verwaltung": [
        "Jugendamt Musterstadt",
        "Sozialamt Musterstadt",
        "Schulverwaltungsamt Musterstadt",
        "Stadtbibliothek Musterstadt",
        "Kommunales Integrationszentrum",
    ],
    "Jobcenter": [
        "Jobcenter Musterstadt",
        "Berufsberatung der Agentur für Arbeit",
        "Jugendberufsagentur Musterstadt",
    ],
    "Polizei": ["Polizei Bezirksdienst Mitte", "Polizei Kriminalprävention und Opferschutz"],
    "Politik": ["Jugendhilfeausschuss", "Integrationsrat", "Ausschuss für Soziales"],
    "Religionsgemeinschaft": [
        "Ev. Kirchengemeinde Musterstadt",
        "Kath. Pfarrei St. Sebastian",
        "Moscheegemeinde Nord",
    ],
    "Bildung und Kultur": [
        "Volkshochschule Musterstadt",
        "Musikschule Musterstadt",
        "Familienbildungsstätte",
    ],
}

VORNAMEN = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hakan",
    "Ida",
    "Jonas",
    "Karin",
    "Lukas",
    "Mira",
    "Nils",
    "Olga",
    "Peter",
    "Rana",
    "Stefan",
    "Tanja",
    "Yusuf",
]
NACHNAMEN = [
    "Albers",
    "Brandt",
    "Celik",
    "Dreher",
    "Engel",
    "Franke",
    "Gerlach",
    "Hoffmann",
    "Ilic",
    "Jansen",
    "Kaya",
    "Lorenz",
    "Meier",
    "Nowak",
    "Otto",
    "Peters",
    "Richter",
    "Schulz",
    "Thiel",
    "Vogt",
    "Winter",
    "Yilmaz",
    "Ziegler",
]
FUNKTIONEN = [
    "Leitung",
    "Stellvertretende Leitung",
    "Schulsozialarbeit",
    "Fachkraft",
    "Koordination",
    "Vorstand",
    "Ansprechperson Prävention",
]
ZIELGRUPPEN = [
    "Kinder",
    "Jugendliche",
    "Eltern",
    "Alleinerziehende",
    "Familien mit Zuwanderungsgeschichte",
    "Fachkräfte",
    "Kinder mit Behinderung",
]

# Offer themes by sector: (title pattern, phase indices, field names). Phases: 0 Schwangerschaft,
# 1 0-3, 2 3-6, 3 6-10, 4 10-16, 5 16-27.
THEMEN = {
    "Schule": [
        ("Hausaufgabenhilfe", [3, 4], ["Sprache und Bildung"]),
        ("Schulsozialarbeit: offene Sprechstunde", [3, 4], ["Gesundheit", "Sozialraum und Wohnen"]),
        ("Streitschlichter-Ausbildung", [4], ["Rassismus und Diskriminierung"]),
    ],
    "Kita": [
        ("Sprachförderung im Kita-Alltag", [2], ["Sprache und Bildung"]),
        ("Elterncafé", [1, 2], ["Sozialraum und Wohnen"]),
        ("Bewegungskita: Turnen für die Kleinsten", [1, 2], ["Sport und Freizeit", "Gesundheit"]),
    ],
    "Verein": [
        ("Schnuppertraining für Kinder", [3, 4], ["Sport und Freizeit"]),
        ("Ferienfreizeit", [3, 4], ["Sport und Freizeit"]),
        ("Hausaufgabentreff mit Ehrenamtlichen", [3, 4], ["Sprache und Bildung"]),
    ],
    "Träger der Jugendhilfe": [
        ("Offener Jugendtreff", [4, 5], ["Sport und Freizeit", "Sozialraum und Wohnen"]),
        ("Mädchengruppe", [4], ["Rassismus und Diskriminierung"]),
        ("Familienhilfe in Familien", [1, 2, 3], ["Gesundheit"]),
    ],
    "Beratungsstelle": [
        ("Erziehungsberatung für Eltern", [1, 2, 3, 4], ["Gesundheit"]),
        ("Beratung bei Diskriminierung", [4, 5], ["Rassismus und Diskriminierung"]),
        ("Schwangerenberatung", [0], ["Gesundheit"]),
    ],
    "Gesundheitswesen": [
        ("Familienhebamme: Besuche nach der Geburt", [0, 1], ["Gesundheit"]),
        ("Babysprechstunde", [0, 1], ["Gesundheit"]),
        ("Sprechstunde Psychische Gesundheit", [4, 5], ["Gesundheit"]),
    ],
    "Verwaltung": [
        ("Willkommensbesuch für Neugeborene", [0, 1], ["Sozialraum und Wohnen"]),
        ("Vorlesestunde in der Bibliothek", [2, 3], ["Sprache und Bildung", "Kultur und Religion"]),
        ("Beratung zu Bildung und Teilhabe", [2, 3, 4], ["Sozialraum und Wohnen"]),
    ],
    "Jobcenter": [
        ("Coaching für den Berufseinstieg", [5], ["Arbeitsmarkt"]),
        ("Bewerbungstraining", [5], ["Arbeitsmarkt"]),
    ],
    "Polizei": [("Präventionsunterricht: Sicher im Netz", [4], ["Sozialraum und Wohnen"])],
    "Politik": [],
    "Religionsgemeinschaft": [
        ("Krabbelgruppe im Gemeindehaus", [1], ["Kultur und Religion"]),
        ("Interreligiöser Kinderchor", [3], ["Kultur und Religion"]),
    ],
    "Bildung und Kultur": [
        ("Deutschkurs für Eltern mit Kinderbetreuung", [1, 2], ["Sprache und Bildung"]),
        ("Musikalische Früherziehung", [2], ["Kultur und Religion"]),
        ("Elternkurs Starke Eltern – starke Kinder", [2, 3], ["Gesundheit"]),
    ],
}


def build(users: dict) -> None:
    rng = random.Random(2023)  # deterministic: the same network on every run
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    sozialraeume = list(Sozialraum.objects.order_by("position"))
    phasen = list(Lebensphase.objects.order_by("position"))
    felder = {h.name: h for h in Handlungsfeld.objects.all()}
    for position, name in enumerate(ZIELGRUPPEN):
        Zielgruppe.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "position": position}
        )
    zielgruppen = list(Zielgruppe.objects.order_by("position"))
    sprachen = {s.name: s for s in Sprache.objects.all()}  # netzwerk's demo made them
    for position, typ_name in enumerate(ORGANISATIONEN):
        typ, _ = Organisationstyp.objects.update_or_create(
            slug=slugify(typ_name), defaults={"name": typ_name, "position": position}
        )
        for name in ORGANISATIONEN[typ_name]:
            slug = slugify(name)
            org, _ = Organisation.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "typ": typ,
                    "sozialraum": rng.choice(sozialraeume),
                    "street": f"{rng.choice(['Haupt', 'Schul', 'Linden', 'Kirch', 'Park'])}"
                    f"straße {rng.randint(1, 120)}",
                    "postcode": "12345",
                    "city": "Musterstadt",
                    "website": f"https://{slug[:40]}.example",
                    "email": f"kontakt@{slug[:40]}.example",
                    "phone": f"01234 {rng.randint(10000, 99999)}",
                    "description": f"{typ_name} in Musterstadt.",
                },
            )
            personen = []
            for i in range(1 + rng.randint(0, 1)):
                first, last = rng.choice(VORNAMEN), rng.choice(NACHNAMEN)
                person, _ = Person.objects.update_or_create(
                    organisation=org,
                    email=f"person{i + 1}@{slug[:40]}.example",
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "function": rng.choice(FUNKTIONEN),
                        "phone": f"01234 {rng.randint(10000, 99999)}",
                    },
                )
                personen.append(person)
                if rng.random() < 0.6:  # most, not all, agreed to appear in the directory
                    Einwilligung.objects.get_or_create(
                        person=person,
                        purpose=Einwilligung.Zweck.VERZEICHNIS,
                        defaults={
                            "method": Einwilligung.Weg.FORMULAR,
                            "given_at": now - timedelta(days=rng.randint(30, 600)),
                        },
                    )
                # Three in four agreed to circulars and invitations (without touching the random
                # sequence, so the rest of the demo stays as it was).
                if sum(map(ord, person.email)) % 4:
                    Einwilligung.objects.get_or_create(
                        person=person,
                        purpose=Einwilligung.Zweck.NEWSLETTER,
                        defaults={"method": Einwilligung.Weg.SCHRIFTLICH, "given_at": now},
                    )
            for k, (thema, phase_idx, feld_names) in enumerate(THEMEN[typ_name]):
                title = f"{thema} ({name})"
                # About one offer in ten has not been confirmed for over a year: stale.
                age = rng.randint(400, 700) if rng.random() < 0.1 else rng.randint(1, 300)
                angebot, _ = Angebot.objects.update_or_create(
                    slug=slugify(title)[:200],
                    defaults={
                        "organisation": org,
                        "title": title,
                        "description": f"{thema}: ein Angebot von {name} für Familien in "
                        f"Musterstadt. Anmeldung und Fragen über die Ansprechperson.",
                        "sozialraum": org.sozialraum,
                        "languages": rng.choice(
                            ["Deutsch", "Deutsch, Türkisch", "Deutsch, Arabisch, Englisch"]
                        ),
                        "cost": rng.choice(list(Angebot.Kosten)),
                        "contact": personen[k % len(personen)],
                        "is_public": rng.random() < 0.9,
                        "confirmed_at": now - timedelta(days=age),
                    },
                )
                angebot.lebensphasen.set([phasen[i] for i in phase_idx])
                angebot.handlungsfelder.set([felder[f] for f in feld_names])
                angebot.zielgruppen.set(rng.sample(zielgruppen, 2))
                # The typed languages as terms of the vocabulary (no random draw: the rest of
                # the demo stays as it was).
                angebot.sprachen.set(
                    [sprachen[n] for n in angebot.languages.split(", ") if n in sprachen]
                )
    # An old offer keeps a language that is no longer offered (netzwerk.demo.SPRACHE_INAKTIV).
    if platt := Sprache.objects.filter(slug="plattdeutsch").first():
        Angebot.objects.get(
            slug=slugify("Krabbelgruppe im Gemeindehaus (Ev. Kirchengemeinde Musterstadt)")
        ).sprachen.add(platt)
    person_link_account(
        user=users["moderation"],
        organisation=Organisation.objects.get(slug="familienzentrum-arche"),
    )
    person_link_account(
        user=users["partner"], organisation=Organisation.objects.get(slug="kita-sonnenblume")
    )
    person_link_account(
        user=users["koordination"],
        organisation=Organisation.objects.get(slug="jugendamt-musterstadt"),
    )
    _datenschutz(users, now)


def _datenschutz(users: dict, now) -> None:
    """An erasure request waiting for the coordination (with its deadline) and an invitation
    link not yet used: what the coordinator's "Löschanträge" page and an organisation show."""
    from netzwerk.models import User

    user, created = User.objects.get_or_create(
        email="lars.weber@kita-sonnenblume.example",
        defaults={"first_name": "Lars", "last_name": "Weber", "approved_at": now},
    )
    if created:
        user.set_unusable_password()
        user.save()
        person_link_account(
            user=user, organisation=Organisation.objects.get(slug="kita-sonnenblume")
        )
    if not Datenschutzantrag.objects.filter(user=user).exists():
        Datenschutzantrag.objects.create(
            user=user,
            message="Ich arbeite nicht mehr in der Kita; bitte löschen Sie mein Konto.",
            created_at=now - timedelta(days=9),
            deadline=(now + timedelta(days=21)).date(),
        )
    organisation = Organisation.objects.get(slug="familienzentrum-arche")
    if not Organisationseinladung.objects.filter(organisation=organisation).exists():
        Organisationseinladung.objects.create(
            organisation=organisation,
            created_by=users["koordination"],
            created_at=now - timedelta(days=2),
            expires_at=now + timedelta(days=28),
        )
