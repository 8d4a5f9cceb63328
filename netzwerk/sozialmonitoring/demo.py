"""Three indicators of the demo town over three years, invented and labelled so: the children of
Kita age, the SGB-II quota of children under 15 and the school-entry examination's language
support. Loaded through the import, as a coordinator would (one file by the districts' keys)."""

from django.utils import timezone

from ..models import Lebensphase, Massnahme, Sozialraum, User
from . import importer, services
from .models import Indikator

QUELLE = "Demodaten (erfunden), Statistikstelle Musterstadt"
# The town's own codes for its districts, as its statistics office writes them.
SCHLUESSEL = {
    "Innenstadt": "SR01", "Nord": "SR02", "Broich": "SR03", "Am Bahnhof": "SR04",
    "Weiden": "SR05", "Bardenberg": "SR06", "Morsbach": "SR07",
}  # fmt: skip
# Per district: the three years' figures (oldest first).
KINDER = {
    "Innenstadt": (412, 405, 398), "Nord": (655, 671, 690), "Broich": (318, 322, 315),
    "Am Bahnhof": (540, 566, 589), "Weiden": (201, 197, 204), "Bardenberg": (143, 150, 148),
    "Morsbach": (96, 91, 88),
}  # fmt: skip
SGB2 = {
    "Innenstadt": ("21,4", "20,9", "20,1"), "Nord": ("28,7", "29,5", "30,2"),
    "Broich": ("11,2", "10,8", "10,5"), "Am Bahnhof": ("33,9", "34,6", "35,1"),
    "Weiden": ("8,1", "7,9", "8,3"), "Bardenberg": ("6,4", "6,0", "5,8"),
    "Morsbach": ("9,0", "8,7", "8,2"),
}  # fmt: skip
SPRACHE = {
    "Innenstadt": ("24", "26", "25"), "Nord": ("31", "33", "36"), "Broich": ("14", "13", "15"),
    "Am Bahnhof": ("38", "41", "43"), "Weiden": ("12", "11", "12"), "Bardenberg": ("9", "10", "8"),
    "Morsbach": ("17", "15", "16"),
}  # fmt: skip
# Measures of the demo concept and the districts they target (the measures page shows their need).
ZIELGEBIETE = {
    "Willkommensbesuch für Neugeborene": ["Am Bahnhof", "Nord"],
    "Gemeinsamer Übergabebogen Kita – Grundschule": ["Am Bahnhof", "Innenstadt", "Morsbach"],
}
# Morsbach's school-entry cohort of the first year was three children: suppressed on import.
SPRACHE_ANZAHL = {("Morsbach", 0): 3}


def _csv(kopf: str, zeilen: list[str]) -> bytes:
    return ("\n".join([kopf, *zeilen]) + "\n").encode()


def _laden(indikator: Indikator, daten: bytes, user: User) -> None:
    vorgang = importer.pruefen(
        indikator=indikator, data=daten, dateiname=f"{indikator.slug}.csv", user=user
    )
    assert not vorgang.fehler, vorgang.fehler  # the demo's own files are right
    importer.uebernehmen(vorgang=vorgang)


def build(users: dict[str, User]) -> None:
    if Indikator.objects.exists():
        return
    koordination = users["koordination"]
    for name, code in SCHLUESSEL.items():
        Sozialraum.objects.filter(name=name).update(schluessel=code)
    jahre = [timezone.localdate().year - 3 + i for i in range(3)]
    kita = Lebensphase.objects.get(name="3-6 Jahre (Kita)")
    kinder = services.indikator_create(
        name="Kinder 3 bis 6 Jahre", einheit="Kinder", quelle=QUELLE,
        beschreibung="Erfundene Zahlen für die Demo: Kinder mit Hauptwohnsitz am 31.12.",
        art=Indikator.Art.BEVOELKERUNG, lebensphase=kita,
        richtung=Indikator.Richtung.MEHR_BEDARF, zaehlt_personen=True,
    )  # fmt: skip
    sgb2 = services.indikator_create(
        name="Kinder unter 15 in SGB-II-Bedarfsgemeinschaften", einheit="%", quelle=QUELLE,
        beschreibung="Erfundene Zahlen für die Demo: Anteil an allen Kindern unter 15 Jahren.",
        art=Indikator.Art.BEDARF, lebensphase=None,
        richtung=Indikator.Richtung.MEHR_BEDARF, zaehlt_personen=False,
    )  # fmt: skip
    sprache = services.indikator_create(
        name="Schuleingangsuntersuchung: Sprachförderbedarf", einheit="%", quelle=QUELLE,
        beschreibung="Erfundene Zahlen für die Demo: Anteil der untersuchten Kinder.",
        art=Indikator.Art.BEDARF, lebensphase=None,
        richtung=Indikator.Richtung.MEHR_BEDARF, zaehlt_personen=False,
    )  # fmt: skip
    _laden(
        kinder,
        _csv(
            "Schlüssel;Jahr;Wert",
            [f"{SCHLUESSEL[s]};{j};{w[i]}" for s, w in KINDER.items() for i, j in enumerate(jahre)],
        ),
        koordination,
    )
    _laden(
        sgb2,
        _csv(
            "Sozialraum;Jahr;Anteil in %",
            [f"{s};{j};{w[i]}" for s, w in SGB2.items() for i, j in enumerate(jahre)],
        ),
        koordination,
    )
    _laden(
        sprache,
        _csv(
            "Sozialraum;Jahr;Wert;Anzahl",
            [
                f"{s};{j};{w[i]};{SPRACHE_ANZAHL.get((s, i), 40)}"
                for s, w in SPRACHE.items()
                for i, j in enumerate(jahre)
            ],
        ),
        koordination,
    )
    for titel, namen in ZIELGEBIETE.items():
        for massnahme in Massnahme.objects.filter(title=titel):
            massnahme.sozialraeume.set(Sozialraum.objects.filter(name__in=namen))
