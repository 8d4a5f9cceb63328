"""Bar charts for the status report, drawn as HTML tables with CSS bars: WeasyPrint sets them
fast, the tagged PDF keeps their labels and figures as text (PDF/UA), and no picture needs a
text alternative that repeats the table."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Balken:
    label: str
    wert: int
    breite: int  # per cent of the longest bar (or of `maximum`)


def balken(zeilen: list[tuple[str, int]], *, maximum: int | None = None) -> list[Balken]:
    """One bar per (label, value); `maximum` fixes the scale (100 for per cent)."""
    groesste = maximum or max((wert for _, wert in zeilen), default=0) or 1
    return [
        Balken(label, wert, round(100 * min(max(wert, 0), groesste) / groesste))
        for label, wert in zeilen
    ]
