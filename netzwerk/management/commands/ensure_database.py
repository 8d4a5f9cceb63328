from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Legt die PostgreSQL-Datenbank aus DATABASE_URL an, wenn es sie noch nicht gibt."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return  # SQLite creates its file itself
        import psycopg
        from psycopg import sql

        try:
            connection.ensure_connection()
            return
        except Exception as exc:  # noqa: BLE001 - decide below whether we can help
            if "does not exist" not in str(exc):
                raise CommandError(f"PostgreSQL ist nicht erreichbar: {exc}") from exc
        params = connection.get_connection_params()
        name = connection.settings_dict["NAME"]
        params["dbname"] = "postgres"
        self.stdout.write(f"Lege die Datenbank {name} an ...")
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
