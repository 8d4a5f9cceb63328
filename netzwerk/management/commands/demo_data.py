from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Baut das Demo-Netzwerk auf (deterministisch, beliebig oft ausführbar)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Keine Zugangsdaten ausgeben.")

    def handle(self, *args, quiet: bool = False, **options):
        if not settings.DEBUG:
            # Demo accounts have published passwords and a published TOTP secret.
            raise CommandError("Demo-Daten nur im Entwicklungsmodus (DEBUG an), nie im Betrieb.")
        # Floor by floor, as the apps depend on each other; each later capability adds its part.
        from akteure import demo as akteure_demo
        from akteure import geo_demo, heft_demo
        from akteure.hsds import demo as hsds_demo
        from akteure.wegweiser import demo as wegweiser_demo
        from foren import demo as foren_demo
        from konferenzen import demo as konferenzen_demo
        from netzwerk import demo as netzwerk_demo
        from netzwerk.sozialmonitoring import demo as sozialmonitoring_demo

        with transaction.atomic():
            users = netzwerk_demo.build()
            akteure_demo.build(users)
            # The family guide (issue 16): boundaries and coordinates, then what families see.
            geo_demo.build(users)
            wegweiser_demo.build(users)
            hsds_demo.build(users)
            foren_demo.build(users)
            konferenzen_demo.build(users)
            # Need indicators per district (issue 19), before the reports that show them.
            sozialmonitoring_demo.build(users)
            netzwerk_demo.berichte(users)
            heft_demo.build(users)
        if not quiet:
            self.stdout.write(logins_text())


def logins_text() -> str:
    from netzwerk.demo import ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email

    roles = {
        "koordination": "Koordination (mit Zwei-Faktor-Anmeldung)",
        "moderation": "Moderation (Forum Sprache und Bildung) und Partner",
        "partner": "Partner (Kita Sonnenblume)",
        "gremium": "Gremium (Jugendhilfeausschuss: Sachstandsbericht Nr. 1 auf der Übersicht)",
        "neu": "registriert, wartet auf Freigabe",
    }
    lines = ["Demo-Zugänge (Passwort für alle: " + DEMO_PASSWORD + "):"]
    lines += [f"  {demo_email(a[0]):28} {roles[a[0]]}" for a in ACCOUNTS]
    lines.append(
        "  Code für die Zwei-Faktor-Anmeldung: python3 scripts/portal.py totp"
        f"  (oder Schlüssel {DEMO_TOTP_SECRET} in einer Authenticator-App)"
    )
    return "\n".join(lines)
