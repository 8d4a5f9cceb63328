"""PostgreSQL keeps the search vectors itself: a trigger on every insert and update (imports with
bulk_create included), weighted A for the name or title and B for the description. The GIN indexes
on the stored vectors replace the expression indexes of 0004; ranking reads the stored vector
instead of parsing every matching row again."""

from django.db import migrations

TABLES = [
    ("akteure_angebot", "title", "angebot"),
    ("akteure_organisation", "name", "organisation"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, title, short in TABLES:
        schema_editor.execute(f"""
            CREATE FUNCTION {table}_suchvektor() RETURNS trigger AS $$
            BEGIN
                NEW.suchvektor :=
                    setweight(to_tsvector('german', coalesce(NEW.{title}, '')), 'A') ||
                    setweight(to_tsvector('german', coalesce(NEW.description, '')), 'B');
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER {table}_suchvektor BEFORE INSERT OR UPDATE OF {title}, description
                ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_suchvektor();
            UPDATE {table} SET {title} = {title};
            CREATE INDEX {short}_suchvektor ON {table} USING gin (suchvektor);
            DROP INDEX IF EXISTS {short}_volltext;
        """)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _title, short in TABLES:
        schema_editor.execute(f"""
            DROP TRIGGER IF EXISTS {table}_suchvektor ON {table};
            DROP FUNCTION IF EXISTS {table}_suchvektor();
            DROP INDEX IF EXISTS {short}_suchvektor;
        """)


class Migration(migrations.Migration):
    dependencies = [("akteure", "0007_suchvektor")]

    operations = [migrations.RunPython(create, drop)]
