from django.core.management.base import BaseCommand

from .demo_data import logins_text


class Command(BaseCommand):
    help = "Zeigt die Demo-Zugänge."

    def handle(self, *args, **options):
        self.stdout.write(logins_text())
