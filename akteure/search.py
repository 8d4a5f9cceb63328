"""German full-text search on PostgreSQL: one expression for the index and for the query.

The GIN indexes (migration 0004) are built on exactly these expressions, so that the planner uses
them; keep both in step.
"""

from django.contrib.postgres.search import SearchVector

CONFIG = "german"


def angebot_vector() -> SearchVector:
    return SearchVector("title", "description", config=CONFIG)


def angebot_rank_vector() -> SearchVector:
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "description", weight="B", config=CONFIG
    )


def organisation_vector() -> SearchVector:
    return SearchVector("name", "description", config=CONFIG)


def organisation_rank_vector() -> SearchVector:
    return SearchVector("name", weight="A", config=CONFIG) + SearchVector(
        "description", weight="B", config=CONFIG
    )
