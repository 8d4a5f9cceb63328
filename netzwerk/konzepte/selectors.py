"""Reading concepts: the measures' tree with progress rolled up to goals and focal points."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Handlungsschwerpunkt, Massnahme, Ziel


def _mean(values: list[int]) -> int | None:
    return round(sum(values) / len(values)) if values else None


@dataclass
class Knoten:
    """A goal or focal point with its progress: the mean of its measures' progress, measures put
    back (zurückgestellt) left out; None while it has none."""

    objekt: object
    kinder: list = field(default_factory=list)
    progress: int | None = None
    anzahl: int = 0


def massnahmen_baum(konzept) -> list[Knoten]:
    """Focal points → goals → measures in three queries, whatever the size."""
    massnahmen = Massnahme.objects.select_related("forum").prefetch_related("organisationen")
    ziele = Ziel.objects.prefetch_related(Prefetch("massnahmen", queryset=massnahmen))
    baum = []
    for schwerpunkt in Handlungsschwerpunkt.objects.filter(konzept=konzept).prefetch_related(
        Prefetch("ziele", queryset=ziele)
    ):
        knoten = Knoten(schwerpunkt)
        alle = []
        for ziel in schwerpunkt.ziele.all():
            zaehlend = [
                m.progress
                for m in ziel.massnahmen.all()
                if m.status != Massnahme.Status.ZURUECKGESTELLT
            ]
            alle += zaehlend
            knoten.kinder.append(
                Knoten(
                    ziel, list(ziel.massnahmen.all()), _mean(zaehlend), len(ziel.massnahmen.all())
                )
            )
        knoten.progress, knoten.anzahl = _mean(alle), sum(k.anzahl for k in knoten.kinder)
        baum.append(knoten)
    return baum
