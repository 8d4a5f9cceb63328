from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def angebot_vector():
    return SearchVector("title", "description", config="german")


def organisation_vector():
    return SearchVector("name", "description", config="german")


INDEXES = [
    ("Angebot", "angebot_volltext", angebot_vector),
    ("Organisation", "organisation_volltext", organisation_vector),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches with a plain fallback, without an index
    for model_name, name, vector in INDEXES:
        schema_editor.add_index(apps.get_model("akteure", model_name), GinIndex(vector(), name=name))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, vector in INDEXES:
        schema_editor.remove_index(
            apps.get_model("akteure", model_name), GinIndex(vector(), name=name)
        )


class Migration(migrations.Migration):
    dependencies = [("akteure", "0003_angebote_einwilligungen_verlauf")]

    operations = [migrations.RunPython(create, drop)]
