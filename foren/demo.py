"""Demo network: the seven thematic forums of a town, two of them dormant."""

from django.utils.text import slugify

from netzwerk.models import Handlungsfeld

from .models import Forum

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


def build(users: dict) -> None:
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
    sprache = Forum.objects.get(slug="forum-sprache-und-bildung")
    sprache.moderators.add(users["moderation"])
    sprache.members.add(users["moderation"], users["partner"])
    Forum.objects.get(slug="forum-gesundheit").members.add(users["partner"])
    Forum.objects.get(slug="forum-sozialraum-und-wohnen").members.add(users["moderation"])
