"""The change history (django-simple-history) as people read it: who, when, and which fields."""

from django.db.models import QuerySet


def verlauf(history: QuerySet, *, limit: int = 20) -> list:
    """The newest `limit` history rows, each with `.geaendert`: the labels of the fields that
    changed against the row before (empty for the first)."""
    rows = list(history.select_related("history_user")[: limit + 1])
    model = history.model.instance_type
    for newer, older in zip(rows, rows[1:] + [None], strict=True):
        newer.geaendert = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            newer.geaendert = [
                str(model._meta.get_field(name).verbose_name) for name in delta.changed_fields
            ]
    return rows[:limit]
