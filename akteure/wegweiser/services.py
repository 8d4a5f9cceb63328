from django.db import transaction

from akteure import services
from akteure.models import Angebot, Angebotsuebersetzung

from .forms import AngebotZusatz


@transaction.atomic
def angebot_update_mit_zusatz(*, form, zusatz: AngebotZusatz) -> Angebot:
    """The owner's edit of an offer with its times and translations: all or nothing, and, as
    every edit, a confirmation that the offer is current."""
    angebot = services.angebot_update(form=form)
    if zusatz.zeiten.is_bound:
        zusatz.zeiten.instance = angebot
        zusatz.zeiten.save()
    for ue in zusatz.uebersetzungen:
        if not ue.is_bound:
            continue
        title = ue.cleaned_data["title"].strip()
        if not title:
            Angebotsuebersetzung.objects.filter(angebot=angebot, sprache=ue.sprache).delete()
            continue
        Angebotsuebersetzung.objects.update_or_create(
            angebot=angebot,
            sprache=ue.sprache,
            defaults={"title": title, "description": ue.cleaned_data["description"].strip()},
        )
    return angebot
