"""Demo network, ground floor: vocabularies and the demo accounts for every role."""

from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Handlungsfeld,
    Lebensphase,
    Querschnittsthema,
    Rolle,
    Sozialraum,
    Sprache,
    User,
)
from .services import rollen_ensure
from .vokabular import term_create, term_toggle

DEMO_PASSWORD = "Demo-Netzwerk-2026"
# Base32; the demo coordinator's authenticator. Only demo accounts ever use a known secret.
DEMO_TOTP_SECRET = "NETZWERKDEMOKOORDINATIONZWEISECH"
DEMO_DOMAIN = "demo.example"

LEBENSPHASEN = [
    "Schwangerschaft und Geburt",
    "0-3 Jahre",
    "3-6 Jahre (Kita)",
    "6-10 Jahre (Grundschule)",
    "10-16 Jahre (weiterführende Schule)",
    "16-27 Jahre (Übergang Schule-Beruf)",
]
HANDLUNGSFELDER = [
    "Sprache und Bildung",
    "Sport und Freizeit",
    "Gesundheit",
    "Sozialraum und Wohnen",
    "Rassismus und Diskriminierung",
    "Arbeitsmarkt",
    "Kultur und Religion",
]
# The life phases' ages in months (up to, not including, alter_bis); pregnancy ends at birth.
ALTER = {
    "Schwangerschaft und Geburt": {"alter_von": None, "alter_bis": 0},
    "0-3 Jahre": {"alter_von": 0, "alter_bis": 36},
    "3-6 Jahre (Kita)": {"alter_von": 36, "alter_bis": 72},
    "6-10 Jahre (Grundschule)": {"alter_von": 72, "alter_bis": 120},
    "10-16 Jahre (weiterführende Schule)": {"alter_von": 120, "alter_bis": 192},
    "16-27 Jahre (Übergang Schule-Beruf)": {"alter_von": 192, "alter_bis": 324},
}
# Languages of the offers (akteure's demo tags them); Plattdeutsch is no longer offered, the
# old offer that has it keeps it.
SPRACHEN = [
    ("Deutsch", "de"),
    ("Türkisch", "tr"),
    ("Arabisch", "ar"),
    ("Englisch", "en"),
    ("Ukrainisch", "uk"),
    ("Leichte Sprache", ""),
    ("Plattdeutsch", "nds"),
]
SPRACHE_INAKTIV = "Plattdeutsch"
QUERSCHNITTSTHEMEN = ["Lebensphasenblick", "Interkulturelle Öffnung", "Geschlechtergerechtigkeit"]
SOZIALRAEUME = ["Innenstadt", "Nord", "Broich", "Am Bahnhof", "Weiden", "Bardenberg", "Morsbach"]

# (e-mail local part, first name, last name, role or None for "waiting for approval", staff)
ACCOUNTS = [
    ("koordination", "Katrin", "Kordes", Rolle.KOORDINATION, True),
    ("moderation", "Murat", "Demir", Rolle.PARTNER, False),
    ("partner", "Paula", "Sommer", Rolle.PARTNER, False),
    ("gremium", "Georg", "Rathmann", Rolle.GREMIUM, False),
    ("neu", "Nina", "Neumann", None, False),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _vocabulary(model, names: list[str], extra: dict | None = None) -> None:
    """New terms through the coordination's service (each at the end of its list); terms from
    an earlier run get their demo name, place and fields back."""
    for position, name in enumerate(names, start=1):
        fields = (extra or {}).get(name, {})
        if not model.objects.filter(slug=slugify(name)).update(
            name=name, position=10 * position, **fields
        ):
            term_create(model=model, name=name, **fields)


def _account(local: str, first: str, last: str, rolle: str | None, staff: bool) -> User:
    user, created = User.objects.get_or_create(
        email=demo_email(local),
        defaults={"first_name": first, "last_name": last, "is_staff": staff},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.first_name, user.last_name, user.is_staff, user.is_active = first, last, staff, True
    if rolle is not None and user.approved_at is None:
        user.approved_at = timezone.now()
    if rolle is None:
        user.approved_at = None
        user.organisation_hint = "Jugendtreff Bahnhof"
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    user.groups.set([Group.objects.get(name=rolle)] if rolle else [])
    return user


def build() -> dict[str, User]:
    rollen_ensure()
    _vocabulary(Lebensphase, LEBENSPHASEN, ALTER)
    _vocabulary(Handlungsfeld, HANDLUNGSFELDER)
    _vocabulary(Sozialraum, SOZIALRAEUME)
    _vocabulary(Querschnittsthema, QUERSCHNITTSTHEMEN)
    _vocabulary(Sprache, [name for name, _ in SPRACHEN], {n: {"code": c} for n, c in SPRACHEN})
    term_toggle(term=Sprache.objects.get(slug=slugify(SPRACHE_INAKTIV)), active=False)
    users = {a[0]: _account(*a) for a in ACCOUNTS}
    koordination = users["koordination"]
    if not Authenticator.objects.filter(user=koordination, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(koordination, DEMO_TOTP_SECRET)
    _konzepte(users)
    _meilensteine(users)
    return users


KAPITEL = [
    ("Ausgangslage", "Musterstadt hat rund 60.000 Einwohnerinnen und Einwohner; jedes fünfte Kind "
     "wächst in einer Familie auf, die Leistungen nach dem SGB II bezieht.\n\n"
     "Die Angebote sind zahlreich, aber **nicht verbunden**: Familien finden sie oft erst spät."),
    ("Leitbild", "Kein Kind zurücklassen: Jedes Kind in Musterstadt soll gesund aufwachsen, "
     "gute Bildung erfahren und teilhaben können – von der Geburt bis zum Berufseinstieg."),
    ("Handlungsschwerpunkte", "- Übergänge gestalten (Kita – Grundschule – weiterführende Schule)\n"
     "- Familien früh erreichen\n- Sprache und Bildung fördern"),
    ("Steuerung und Beteiligung", "Die Steuerungsgruppe tagt viermal im Jahr; die Foren "
     "berichten ihr. Der Jugendhilfeausschuss erhält zweimal im Jahr einen Sachstandsbericht."),
]  # fmt: skip


RATSINFO = "https://ratsinfo.musterstadt.example/gremien"
# (name, kind, link to the council information system, description)
GREMIEN = [
    ("Jugendhilfeausschuss", "ausschuss", f"{RATSINFO}/jha",
     "Ausschuss des Rates für Kinder, Jugend und Familie; erhält zweimal im Jahr den "
     "Sachstandsbericht zur Präventionskette."),
    ("Integrationsrat", "beirat", f"{RATSINFO}/integrationsrat",
     "Berät den Rat in allen Fragen der Integration; hat das Integrationskonzept beschlossen."),
    ("Steuerungsgruppe Präventionskette", "steuerungsgruppe", "",
     "Beigeordnete, Leitungen von Jugend- und Sozialamt, Teamleitungen; tagt viermal im Jahr."),
]  # fmt: skip


def _gremien(users: dict[str, User]) -> tuple:
    """The committees through the coordination's services: the committee member sits in two of
    them; a council member from a partner organisation joins the youth welfare committee (her
    role Gremium is logged), a former partner's account is deactivated, and an invitation by
    e-mail to the Integrationsrat waits for its answer."""
    from . import gremien, konten
    from .models import Gremium

    koordination = users["koordination"]
    made = {}
    for name, art, url, description in GREMIEN:
        gremium = Gremium.objects.filter(name=name).first()
        fields = {"name": name, "art": art, "url": url, "description": description}
        if gremium is None:
            made[name] = gremien.gremium_create(**fields)
        else:
            made[name] = gremien.gremium_update(gremium=gremium, **fields)
    jha, rat = made["Jugendhilfeausschuss"], made["Integrationsrat"]
    steuerung = made["Steuerungsgruppe Präventionskette"]
    for gremium in (jha, steuerung):
        gremien.gremium_mitglied_add(gremium=gremium, user=users["gremium"], by=koordination)
    ratsfrau, neu = User.objects.get_or_create(
        email=demo_email("ratsmitglied"),
        defaults={"first_name": "Renate", "last_name": "Ratzel", "approved_at": timezone.now(),
                  "organisation_hint": "Ratsfraktion, Kinderschutzbund"},
    )  # fmt: skip
    if neu:
        ratsfrau.set_unusable_password()
        ratsfrau.save(update_fields=["password"])
        ratsfrau.groups.add(Group.objects.get(name=Rolle.PARTNER))
        gremien.gremium_mitglied_add(gremium=jha, user=ratsfrau, by=koordination)
    ehemalig, neu = User.objects.get_or_create(
        email=demo_email("ehemalig"),
        defaults={"first_name": "Bernd", "last_name": "Berger", "approved_at": timezone.now(),
                  "organisation_hint": "Sportverein (bis 2025)"},
    )  # fmt: skip
    if neu:
        ehemalig.set_unusable_password()
        ehemalig.save(update_fields=["password"])
        ehemalig.groups.add(Group.objects.get(name=Rolle.PARTNER))
        konten.konto_deactivate(user=ehemalig, by=koordination)
    if not rat.einladungen.filter(accepted_at__isnull=True).exists():
        gremien.gremium_einladung_create(
            gremium=rat, email=demo_email("hanna.beirat"), name="Hanna Beirat", by=koordination
        )
    return jha, steuerung


def _konzepte(users: dict[str, User]) -> None:
    """Two committees; the prevention concept in consultation (chapters in versions, comments,
    one answered); the integration concept decided by the Integrationsrat."""
    from .konzepte import services
    from .models import Gremium, Kommentar, Konzept

    jha, steuerung = _gremien(users)
    koordination = users["koordination"]
    konzept, made = Konzept.objects.get_or_create(
        slug="praeventionskonzept",
        defaults={
            "title": "Präventionskonzept Musterstadt",
            "description": "Wie Musterstadt seine Präventionskette bis 2030 knüpft.",
        },
    )
    if made:
        for title, text in KAPITEL:
            kapitel = services.kapitel_create(konzept=konzept, title=title, user=koordination)
            services.kapitel_save(
                kapitel=kapitel, title=title, text=text, base_version=0, user=koordination
            )
        ausgangslage = konzept.kapitel.get(title="Ausgangslage")
        services.kapitel_save(
            kapitel=ausgangslage,
            title="Ausgangslage",
            text=ausgangslage.text.replace("nicht verbunden", "kaum miteinander verbunden"),
            base_version=1,
            user=koordination,
        )
        services.konzept_status_set(konzept=konzept, status=Konzept.Status.BETEILIGUNG)
        schwerpunkte = konzept.kapitel.get(title="Handlungsschwerpunkte")
        services.kommentar_create(
            kapitel=schwerpunkte,
            text="Bitte auch den Übergang Schule – Beruf aufnehmen; das Jobcenter macht mit.",
            user=users["partner"],
        )
        answered = services.kommentar_create(
            kapitel=ausgangslage,
            text="Die Zahl der Familien mit Fluchtgeschichte fehlt.",
            user=users["moderation"],
        )
        services.kommentar_answer(
            kommentar=answered,
            status=Kommentar.Status.AUFGENOMMEN,
            answer="Ergänzt in der nächsten Fassung, mit den Zahlen des Sozialamts.",
            user=koordination,
        )
    _massnahmen(konzept, users)
    integration, made = Konzept.objects.get_or_create(
        slug="integrationskonzept",
        defaults={"title": "Integrationskonzept 2024"},
    )
    if made:
        kapitel = services.kapitel_create(konzept=integration, title="Ziele", user=koordination)
        services.kapitel_save(
            kapitel=kapitel,
            title="Ziele",
            text="Teilhabe für alle: Sprache, Arbeit, Wohnen, Bildung und Gesundheit.",
            base_version=0,
            user=koordination,
        )
        for status in (Konzept.Status.BETEILIGUNG, Konzept.Status.BESCHLUSSVORLAGE):
            services.konzept_status_set(konzept=integration, status=status)
        services.konzept_status_set(
            konzept=integration,
            status=Konzept.Status.BESCHLOSSEN,
            gremium=Gremium.objects.get(slug="integrationsrat"),
            decided_on="2024-03-14",
            resolution="VO/22/0594",
        )
    _konzepte_archiv_und_entwurf(users, jha, integration)


def _konzepte_archiv_und_entwurf(users: dict[str, User], jha, integration) -> None:
    """The first key points of the prevention chain, decided in 2023 and archived (the current
    prevention concept replaces them); the draft of the integration concept's update, begun from
    the decided one's outline and texts, with the partner as co-author who has written in it and
    a chapter removed from it (its versions kept). All through the concepts' services."""
    from .konzepte import services
    from .models import Konzept

    koordination = users["koordination"]
    alt = "Eckpunkte der Präventionskette"
    if not Konzept.objects.filter(title=alt).exists():
        konzept = services.konzept_create(
            title=alt, user=koordination,
            description="Ausbau der kommunalen Präventionsketten; hier: Sachstandsbericht und "
            "Eckpunkte. Das Präventionskonzept Musterstadt löst sie ab.",
        )  # fmt: skip
        for title, text in [
            ("Ausgangslage", "Die Angebote für Familien sind zahlreich, aber kaum bekannt."),
            ("Schwerpunkte", "- Übergang Grundschule – weiterführende Schule\n"
             "- Ausbau der Schulsozialarbeit\n- Abbau von Bürokratie"),
        ]:  # fmt: skip
            kapitel = services.kapitel_create(konzept=konzept, title=title, user=koordination)
            services.kapitel_save(
                kapitel=kapitel, title=title, text=text, base_version=0, user=koordination
            )
        for status in (Konzept.Status.BETEILIGUNG, Konzept.Status.BESCHLUSSVORLAGE):
            services.konzept_status_set(konzept=konzept, status=status)
        services.konzept_status_set(
            konzept=konzept, status=Konzept.Status.BESCHLOSSEN, gremium=jha,
            decided_on="2023-02-14", resolution="VO/23/0117",
        )  # fmt: skip
        services.konzept_archive(konzept=konzept, archiviert=True, user=koordination)
    neu = "Integrationskonzept 2028 (Fortschreibung)"
    if not Konzept.objects.filter(title=neu).exists():
        entwurf = services.konzept_create(
            title=neu, description="Die Fortschreibung des Integrationskonzepts 2024.",
            vorlage=integration, mit_text=True, user=koordination,
        )  # fmt: skip
        services.kapitel_create(konzept=entwurf, title="Sprache und Bildung", user=koordination)
        services.konzept_mitwirkende_set(
            konzept=entwurf, mitwirkende=[users["partner"]], user=koordination
        )
        ziele = entwurf.kapitel.get(title="Ziele")
        services.kapitel_save(
            kapitel=ziele, title="Ziele", base_version=ziele.version, user=users["partner"],
            text=ziele.text + "\n\nNeu: Kitas als erste Anlaufstelle für zugewanderte Familien.",
        )  # fmt: skip
        # A chapter written and then removed from the draft: the outline lists it to restore.
        rueckblick = services.kapitel_create(
            konzept=entwurf, title="Rückblick 2024", user=koordination
        )
        services.kapitel_save(
            kapitel=rueckblick, title="Rückblick 2024", base_version=0, user=koordination,
            text="Was 2024 begonnen wurde, steht im Sachstandsbericht an den Integrationsrat.",
        )  # fmt: skip
        services.kapitel_delete(kapitel=rueckblick, user=koordination)


MASSNAHMEN = {
    "Übergänge gestalten": {
        "Kein Kind geht beim Übergang Kita – Schule verloren": [
            ("Gemeinsamer Übergabebogen Kita – Grundschule", "in_umsetzung", 60),
            ("Tandems aus Erzieherinnen und Lehrkräften", "geplant", 0),
        ],
        "Jugendliche finden einen Anschluss nach der Schule": [
            ("Berufsorientierung ab Klasse 8 mit dem Jobcenter", "umgesetzt", 100),
        ],
    },
    "Familien früh erreichen": {
        "Familien kennen die Angebote ab der Geburt": [
            ("Willkommensbesuch für Neugeborene", "in_umsetzung", 40),
            ("Elterncafé in jedem Sozialraum", "zurueckgestellt", 10),
        ],
    },
}


def _massnahmen(konzept, users: dict[str, User]) -> None:
    """Focal points, goals and measures of the prevention concept, one with a progress note."""
    from .konzepte import services
    from .models import Handlungsschwerpunkt, Massnahme, Ziel

    if konzept.schwerpunkte.exists():
        return
    for i, (schwerpunkt_title, ziele) in enumerate(MASSNAHMEN.items()):
        schwerpunkt = Handlungsschwerpunkt.objects.create(
            konzept=konzept, title=schwerpunkt_title, position=i
        )
        for j, (ziel_title, massnahmen) in enumerate(ziele.items()):
            ziel = Ziel.objects.create(schwerpunkt=schwerpunkt, title=ziel_title, position=j)
            for k, (title, status, progress) in enumerate(massnahmen):
                Massnahme.objects.create(
                    ziel=ziel, title=title, status=status, progress=progress, position=k
                )
    bogen = Massnahme.objects.get(title="Gemeinsamer Übergabebogen Kita – Grundschule")
    services.notiz_create(
        massnahme=bogen,
        text="Der Bogen ist mit acht Kitas und vier Grundschulen abgestimmt; der Datenschutz "
        "hat zugestimmt.",
        progress=60,
        status="in_umsetzung",
        user=users["koordination"],
    )


MEILENSTEINE = [
    (date(2022, 6, 1), "Lenkungskreis gegründet", "Die stellvertretende Bürgermeisterin, die "
     "Leitungen von Jugend- und Sozialamt und die Teamleitungen steuern den Aufbau."),
    (date(2023, 1, 31), "Befragung der Fachkräfte", "Was läuft gut, was fehlt, welche Impulse "
     "gibt es? Schulen, Kitas, Beratungsstellen und Vereine haben geantwortet."),
    (date(2023, 3, 31), "Bestandsaufnahme der Angebote abgeschlossen", "Die Angebote für Familien, "
     "Kinder und Jugendliche sind nach Lebensphasen und Sozialräumen erfasst."),
]  # fmt: skip


def _meilensteine(users: dict[str, User]) -> None:
    """Steps of the process the coordination entered; the timeline adds the past events and the
    decisions by itself. The start of the prevention concept's consultation is linked to it."""
    from .models import Konzept, Meilenstein

    koordination = users["koordination"]
    for day, title, description in MEILENSTEINE:
        Meilenstein.objects.get_or_create(
            title=title,
            defaults={"date": day, "description": description, "created_by": koordination},
        )
    konzept = Konzept.objects.get(slug="praeventionskonzept")
    Meilenstein.objects.get_or_create(
        title="Beteiligung am Präventionskonzept begonnen",
        defaults={
            "date": timezone.localdate(konzept.status_changed_at),
            "description": "Die Partner kommentieren die Kapitel bis zur Beschlussvorlage.",
            "konzept": konzept,
            "created_by": koordination,
        },
    )


def berichte(users: dict[str, User]) -> None:
    """A status report for the youth welfare committee over the last quarter, once every app has
    its demo data (the demo command calls this last). Rendered by the worker, or in-process."""
    from .berichte.services import bericht_create, standard_zeitraum
    from .models import Gremium, Sachstandsbericht

    if Sachstandsbericht.objects.exists():
        return
    von, _ = standard_zeitraum(timezone.localdate())
    bericht_create(
        gremium=Gremium.objects.get(slug="jugendhilfeausschuss"),
        konzept=None,
        period_start=von,
        period_end=timezone.localdate(),
        sections=Sachstandsbericht.Abschnitt.values,
        summary="Das Netzwerk ist im Berichtszeitraum **gewachsen**: die Auftaktwerkstatt im "
        "Sozialraum Nord hat neue Partner gebracht, das Präventionskonzept ist in der Beteiligung.",
        outlook="Im nächsten Quartal legt die Koordination das Präventionskonzept als "
        "Beschlussvorlage vor.",
        user=users["koordination"],
    )
