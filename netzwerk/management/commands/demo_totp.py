import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from netzwerk.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Zeigt den aktuellen TOTP-Code des Demo-Zugangs der Koordination."

    def handle(self, *args, **options):
        counter = int(time.time()) // 30
        remaining = 30 - int(time.time()) % 30
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (noch {remaining} Sekunden gültig)")
