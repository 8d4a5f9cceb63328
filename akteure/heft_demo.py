"""Demo: one printed family guide, for the first Sozialraum with offers, ordered by the
coordination.

One district rather than the whole town: the demo's 147 offers make a booklet of 48 pages that
takes WeasyPrint about 20 s, which every first start and every test of the demo would wait for;
a district's booklet shows the same (contents, chapters per life phase, QR codes, map) in a few
seconds. The coordination orders the whole town's on the portal's page.

Call it after every other demo part (offers, boundaries and coordinates): the booklet is rendered
after the demo's transaction commits, by the worker, or in-process when there is none (the
default of `scripts/portal.py start`), so the list of booklets shows it finished.
"""

from netzwerk.models import Sozialraum

from .heft import heft_bestellen
from .models import Wegweiserheft


def build(users: dict) -> None:
    if Wegweiserheft.objects.exists():
        return  # the demo may be built again: keep what is there
    bezirk = Sozialraum.objects.filter(angebote__is_public=True).order_by("position", "name")
    heft_bestellen(user=users["koordination"], sozialraum=bezirk.first())
