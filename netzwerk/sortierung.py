"""Names and titles in the order a German reader expects: "Apotheke", "Ärztehaus", "Bäckerei", ...
"Zentrum", whatever the case, where byte order puts "Ärztehaus" after "Zentrum".

PostgreSQL: the name and title columns are DeutschCharField, which carries the ICU collation
de-x-icu (PostgreSQL built with ICU ships it), so every ORDER BY on them sorts German, including
those outside the selectors and the guide's raw SQL, and their btree indexes still serve it. The
collation is deterministic: equality, unique constraints and LIKE behave as before.

SQLite (the embedded default for trying the portal out) has no ICU and must not see a collation
name in its schema: there the column stays plain, and `deutsch("name")`, which Meta.ordering and
the selectors use, sorts with the Python collation "deutsch" registered on every connection
(DIN 5007-1: ä as a, ß as ss, case second). An order_by("name") elsewhere sorts by bytes there.
"""

import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models.functions import Collate
from django.utils.deconstruct import deconstructible

COLLATION = "de-x-icu"
SQLITE_COLLATION = "deutsch"


class DeutschCharField(models.CharField):
    """A CharField with the German collation on PostgreSQL and none elsewhere: the migrations
    are the same for both backends, and SQLite never sees a collation it does not have."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not self.db_collation:
            params["collation"] = COLLATION
        return params


@deconstructible(path="netzwerk.sortierung.Deutsch")
class Deutsch(Collate):
    """An expression sorted in German order: COLLATE "de-x-icu" on PostgreSQL (the column's own
    collation, so an index on it still serves), the Python collation on SQLite."""

    def __init__(self, expression):
        super().__init__(expression, COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, collation=connection.ops.quote_name(SQLITE_COLLATION)
        )

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":  # no collation we know of: the plain order
            return compiler.compile(self.get_source_expressions()[0])
        return super().as_sql(compiler, connection, **extra_context)


def deutsch(name: str) -> Deutsch:
    """The field `name` (a path like "organisation__name" too) for order_by, in German order."""
    return Deutsch(name)


def sortierschluessel(text: str) -> tuple[str, str, str]:
    """The German sort key DIN 5007-1 gives (ä = a, ö = o, ü = u, ß = ss, accents and case
    ignored), then accents, then lower before upper case, as ICU breaks ties."""
    gefaltet = text.casefold()
    ohne = "".join(
        ch for ch in unicodedata.normalize("NFKD", gefaltet) if not unicodedata.combining(ch)
    )
    return ohne, gefaltet, text.swapcase()


def _vergleich(a: str, b: str) -> int:
    ka, kb = sortierschluessel(a), sortierschluessel(b)
    return (ka > kb) - (ka < kb)


def _sqlite_collation(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _vergleich)


connection_created.connect(_sqlite_collation, dispatch_uid="netzwerk.sortierung")
