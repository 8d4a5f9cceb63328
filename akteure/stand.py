"""The version of the registry's data in the cache, for the cached fragments of its list pages
(offers, organisations, the Präventionskette).

Part of the key of every fragment, renewed on every write of a row the fragments show: the signals
of those rows (apps.py) and, for writes that send none (bulk creates of the import, queryset
updates), a call of stand_erneuern() by the writer. What a fragment shows depends on the time as
well (an offer goes stale a year after its confirmation), so none is kept longer than TTL.
"""

from netzwerk.datenstand import Datenstand

STAND = Datenstand("akteure:stand")
TTL = 60


def stand() -> str:
    return STAND.aktuell()


def stand_erneuern() -> None:
    """For writes that send no signal (bulk creates, queryset updates); apps.py has the rest."""
    STAND.erneuern()


def rolle(user) -> str:
    """Whom the lists differ for: approved members see the internal offers too
    (Angebot.objects.visible_to)."""
    return "mitglied" if user.is_authenticated and user.is_approved else "oeffentlich"


def fragment_key(*parts) -> str:
    return STAND.fragment_key(*parts)
