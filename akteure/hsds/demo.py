"""Demo additions for the open data: weekly times for some offers, so the feed shows schedules."""

from datetime import time

from akteure.models import Angebot, Angebotszeit

ZEITEN = [(time(9, 0), time(11, 0)), (time(15, 0), time(16, 30)), (time(10, 0), time(12, 0))]


def build(users: dict) -> None:
    """About every third public offer gets one or two weekly dates. Chosen by its slug, not by
    position, so a second run finds them done and adds nothing."""
    neue = []
    for angebot in Angebot.objects.public().filter(zeiten__isnull=True).order_by("slug"):
        n = sum(map(ord, angebot.slug))
        if n % 3:
            continue
        beginn, ende = ZEITEN[n % len(ZEITEN)]
        neue.append(Angebotszeit(angebot=angebot, wochentag=n % 5, beginn=beginn, ende=ende))
        if n % 2:
            neue.append(Angebotszeit(angebot=angebot, wochentag=5, beginn=beginn, ende=ende))
    Angebotszeit.objects.bulk_create(neue)
