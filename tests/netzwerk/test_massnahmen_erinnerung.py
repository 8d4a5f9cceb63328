"""Reminders for progress notes: who is asked, for which measures, and never twice a period."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from netzwerk.konzepte import erinnerung
from netzwerk.konzepte.tasks import remind_massnahmen
from netzwerk.models import (
    Fortschrittsnotiz,
    Handlungsschwerpunkt,
    Konzept,
    Mail,
    Massnahme,
    Rolle,
    Ziel,
)
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _konzept(*, alter: int = 365, slug: str = "praeventionskonzept") -> Konzept:
    return Konzept.objects.create(
        title="Präventionskonzept", slug=slug, created_at=NOW - timedelta(days=alter),
        status="beschlossen",
    )  # fmt: skip


@pytest.fixture
def ziel() -> Ziel:
    schwerpunkt = Handlungsschwerpunkt.objects.create(konzept=_konzept(), title="Übergänge")
    return Ziel.objects.create(schwerpunkt=schwerpunkt, title="Kein Kind geht verloren")


def _massnahme(ziel, title, *, forum=None, organisation=None, notiz_vor=None, **fields):
    massnahme = Massnahme.objects.create(ziel=ziel, title=title, forum=forum, **fields)
    if organisation is not None:
        massnahme.organisationen.add(organisation)
    if notiz_vor is not None:
        _notiz(massnahme, notiz_vor)
    return massnahme


def _notiz(massnahme, tage: int) -> None:
    Fortschrittsnotiz.objects.create(
        massnahme=massnahme, text="Läuft.", progress=massnahme.progress, status=massnahme.status,
        created_at=NOW - timedelta(days=tage),
    )  # fmt: skip


def _erinnerungen() -> dict[str, str]:
    """Address -> body of every reminder queued so far."""
    return {m.to[0]: m.body_text for m in Mail.objects.filter(template="massnahmen_erinnerung")}


def _url(massnahme) -> str:
    konzept = massnahme.ziel.schwerpunkt.konzept
    return settings.SITE_URL + reverse(
        "netzwerk:massnahme-detail", args=[konzept.slug, massnahme.pk]
    )


def test_each_owner_gets_one_mail_listing_all_their_quiet_measures(
    welt, ziel, django_capture_on_commit_callbacks
):
    bogen = _massnahme(
        ziel, "Übergabebogen", forum=welt.forum_members, organisation=welt.organisation,
        status="in_umsetzung", notiz_vor=120,
    )  # fmt: skip
    brief = _massnahme(
        ziel, "Elternbrief", organisation=welt.organisation, start=NOW.date() - timedelta(days=100)
    )
    _massnahme(ziel, "Patenschaften", forum=welt.forum_members, notiz_vor=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_massnahmen.delay().get() == 2
    mails = _erinnerungen()
    assert sorted(mails) == ["moderation@test.example", "partner@test.example"]
    partner, moderation = mails["partner@test.example"], mails["moderation@test.example"]
    assert _url(bogen) in partner and _url(brief) in partner
    assert "noch keine Notiz" in partner
    assert f"letzte Notiz am {timezone.localtime(NOW - timedelta(days=120)):%d.%m.%Y}" in partner
    assert _url(bogen) in moderation and "Elternbrief" not in moderation
    assert "Patenschaften" not in partner + moderation
    assert {m.subject for m in mail.outbox} == {
        "Wie steht es um Ihre 2 Maßnahmen?",
        "Wie steht es um „Übergabebogen“?",
    }
    # Whoever is asked may write the note.
    for user in (welt.users["partner"], welt.users["moderation"]):
        assert user.has_perm("netzwerk.note_massnahme", bogen)


def test_a_recent_note_means_no_reminder_until_it_is_old(welt, ziel):
    _massnahme(ziel, "Elternbrief", organisation=welt.organisation, notiz_vor=30)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 0
    assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=59)) == 0
    assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=61)) == 1


def test_without_notes_the_quiet_time_counts_from_the_start_or_else_from_the_concept(welt):
    alt = Ziel.objects.create(
        schwerpunkt=Handlungsschwerpunkt.objects.create(konzept=_konzept(), title="Alt"),
        title="Alt",
    )
    neu = Ziel.objects.create(
        schwerpunkt=Handlungsschwerpunkt.objects.create(
            konzept=_konzept(alter=20, slug="neu"), title="Neu"
        ),
        title="Neu",
    )
    kurz = {"organisation": welt.organisation, "start": NOW.date() - timedelta(days=30)}
    _massnahme(alt, "Vor kurzem begonnen", **kurz)
    _massnahme(neu, "Im neuen Konzept", organisation=welt.organisation)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 0
    _massnahme(alt, "Im alten Konzept", organisation=welt.organisation)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 1
    body = _erinnerungen()["partner@test.example"]
    assert "Im alten Konzept" in body and "Vor kurzem" not in body and "Im neuen" not in body


def test_a_reminded_measure_is_reminded_again_only_after_a_whole_period(welt, ziel):
    massnahme = _massnahme(ziel, "Elternbrief", organisation=welt.organisation, notiz_vor=100)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 1
    massnahme.refresh_from_db()
    assert massnahme.reminded_at == NOW
    assert erinnerung.massnahmen_erinnern(now=NOW) == 0  # the beat's second run: nothing
    assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=89)) == 0
    assert Mail.objects.filter(template="massnahmen_erinnerung").count() == 1
    assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=91)) == 1


def test_a_measure_another_run_marked_meanwhile_is_not_mailed_again(welt, ziel, monkeypatch):
    """Two runs at once: this one chose the measure, the other one marked it before this one
    did. The conditional UPDATE finds it marked, and this run sends nothing."""
    _massnahme(ziel, "Elternbrief", organisation=welt.organisation, notiz_vor=100)
    owners = erinnerung.massnahme_verantwortliche

    def other_run_first(massnahme):
        Massnahme.objects.filter(pk=massnahme.pk).update(reminded_at=NOW)
        return owners(massnahme)

    monkeypatch.setattr(erinnerung, "massnahme_verantwortliche", other_run_first)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 0
    assert not Mail.objects.exists()


def test_measures_done_put_back_not_begun_or_long_ended_are_left_alone(welt, ziel):
    today, org = NOW.date(), welt.organisation
    _massnahme(ziel, "Umgesetzt", organisation=org, status="umgesetzt", notiz_vor=200)
    _massnahme(ziel, "Zurückgestellt", organisation=org, status="zurueckgestellt", notiz_vor=200)
    _massnahme(ziel, "Beginnt erst", organisation=org, start=today + timedelta(days=10))
    _massnahme(ziel, "Lange vorbei", organisation=org, end=today - timedelta(days=120))
    assert erinnerung.massnahmen_erinnern(now=NOW) == 0
    # Ended within the period and still open: asked for the closing note.
    _massnahme(ziel, "Gerade vorbei", organisation=org, end=today - timedelta(days=20))
    assert erinnerung.massnahmen_erinnern(now=NOW) == 1
    assert "Gerade vorbei" in _erinnerungen()["partner@test.example"]


def test_only_approved_active_moderators_and_partners_of_the_organisation_are_asked(welt, ziel):
    forum, org = welt.forum_members, welt.organisation
    wartend = UserFactory(email="wartend-partner@test.example", approved_at=None)
    PersonFactory(organisation=org, user=wartend)
    inaktiv = UserFactory(email="inaktiv@test.example", is_active=False, rollen=[Rolle.PARTNER])
    forum.moderators.add(inaktiv, welt.users["wartend"])
    fremd = UserFactory(email="fremd@test.example", rollen=[Rolle.PARTNER])
    PersonFactory(organisation=welt.fremde_organisation, user=fremd)
    welt.forum_other.moderators.add(UserFactory(email="anderes-forum@test.example"))
    forum.members.add(UserFactory(email="mitglied@test.example"))
    _massnahme(ziel, "Übergabebogen", forum=forum, organisation=org, notiz_vor=100)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 2
    assert sorted(_erinnerungen()) == ["moderation@test.example", "partner@test.example"]


def test_a_measure_nobody_answers_for_is_skipped_logged_and_stays_due(welt, ziel, caplog):
    massnahme = _massnahme(ziel, "Niemandes Maßnahme", notiz_vor=100)
    with caplog.at_level(logging.WARNING, logger="netzwerk.konzepte.erinnerung"):
        assert erinnerung.massnahmen_erinnern(now=NOW) == 0
    assert f"1 Maßnahmen ohne Verantwortliche übersprungen (ids [{massnahme.pk}])" in caplog.text
    assert not Mail.objects.exists()  # nor to the coordination
    massnahme.refresh_from_db()
    assert massnahme.reminded_at is None
    massnahme.organisationen.add(welt.organisation)
    assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=1)) == 1


def test_the_period_is_the_setting(welt, ziel):
    _massnahme(ziel, "Elternbrief", organisation=welt.organisation, notiz_vor=40)
    assert erinnerung.massnahmen_erinnern(now=NOW) == 0
    with override_settings(KONZEPTE_NOTIZ_ERINNERUNG_TAGE=30):
        assert erinnerung.massnahmen_erinnern(now=NOW) == 1
        body = _erinnerungen()["partner@test.example"]
        assert "seit mehr als 30 Tagen" in body
        assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=29)) == 0
        assert erinnerung.massnahmen_erinnern(now=NOW + timedelta(days=31)) == 1
