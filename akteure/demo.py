"""Demo network: ~60 organisations of every sector with invented contact persons."""

import random

from django.utils.text import slugify

from netzwerk.models import Sozialraum

from .models import Organisation, Organisationstyp, Person
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


def build(users: dict) -> None:
    rng = random.Random(2023)  # deterministic: the same network on every run
    sozialraeume = list(Sozialraum.objects.order_by("position"))
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
                },
            )
            for i in range(1 + rng.randint(0, 1)):
                first, last = rng.choice(VORNAMEN), rng.choice(NACHNAMEN)
                Person.objects.update_or_create(
                    organisation=org,
                    email=f"person{i + 1}@{slug[:40]}.example",
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "function": rng.choice(FUNKTIONEN),
                        "phone": f"01234 {rng.randint(10000, 99999)}",
                    },
                )
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
