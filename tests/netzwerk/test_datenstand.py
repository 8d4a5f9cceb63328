"""The data version behind the cached fragments (netzwerk.datenstand): renewed by the signals of
the rows the fragments show, once per change."""

from unittest import mock

import pytest

from akteure.stand import STAND
from netzwerk.models import Lebensphase

pytestmark = pytest.mark.django_db


def test_a_save_and_a_delete_renew_the_version(welt):
    vorher = STAND.aktuell()
    welt.angebot_public.save()
    gespeichert = STAND.aktuell()
    assert gespeichert != vorher
    welt.angebot_public.delete()
    assert STAND.aktuell() != gespeichert


def test_a_change_of_a_many_to_many_table_renews_once_per_step_not_before_and_after(welt):
    kita = Lebensphase.objects.create(name="Kita (Test)", slug="kita-test")
    schule = Lebensphase.objects.create(name="Schule (Test)", slug="schule-test")
    angebot = welt.angebot_public
    with mock.patch.object(STAND, "erneuern") as erneuern:
        angebot.lebensphasen.add(kita)
    assert erneuern.call_count == 1, "post_add; pre_add changes nothing yet"
    with mock.patch.object(STAND, "erneuern") as erneuern:
        angebot.lebensphasen.set([schule])
    assert erneuern.call_count == 2, "post_remove and post_add"
    with mock.patch.object(STAND, "erneuern") as erneuern:
        angebot.lebensphasen.clear()
    assert erneuern.call_count == 1, "post_clear"
