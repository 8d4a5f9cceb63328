"""Indexes for the counts of the offer list (issue 18): "N Angebote gefunden" counted from
narrow indexes instead of the wide table. The public offers' ids as a partial index (the public
list's count, and the join of the filtered counts); the tables behind the filters' many-to-many
fields by term first, so that a filter's matches are an index-only range, already in offer order
for the merge with the others (Django's own index on them holds the term alone, the unique one
the offer first)."""

from django.db import migrations, models

DURCH = [
    ("akteure_angebot_lebensphasen", "lebensphase_id"),
    ("akteure_angebot_handlungsfelder", "handlungsfeld_id"),
    ("akteure_angebot_zielgruppen", "zielgruppe_id"),
]


def _name(table: str) -> str:
    return f"{table}_begriff"


class Migration(migrations.Migration):

    dependencies = [
        ("akteure", "0014_deutsch_sortiert"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="angebot",
            index=models.Index(
                condition=models.Q(is_public=True), fields=["id"], name="akteure_angebot_oeffentl"
            ),
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX {_name(table)} ON {table} ({column}, angebot_id)",
                f"DROP INDEX {_name(table)}",
            )
            for table, column in DURCH
        ),
    ]
