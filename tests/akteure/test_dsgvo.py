import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from akteure.models import Einwilligung, Person
from akteure.selectors import personen_for_review
from foren.models import Forum

pytestmark = pytest.mark.django_db


def test_an_access_request_gets_everything_as_json(client_as, welt):
    person = welt.users["partner"].person
    Einwilligung.objects.create(person=person, purpose="verzeichnis", method="email")
    response = client_as("koordination").get(
        reverse("akteure:person-export", kwargs={"pk": person.pk})
    )
    data = json.loads(response.content)
    assert data["akteure.person"]["eintraege"][0]["nachname"] == person.last_name
    assert data["akteure.einwilligung"]["eintraege"][0]["weg"] == "per E-Mail"
    assert data["netzwerk.user"]["eintraege"][0]["email"] == "partner@test.example"
    assert [m["forum"] for m in data["foren.mitgliedschaft"]["eintraege"]] == ["Forum Offen"]
    assert "attachment" in response["Content-Disposition"]


def test_erasure_anonymises_the_person_and_ends_their_memberships(client_as, welt):
    user = welt.users["partner"]
    person = user.person
    old_name = person.last_name
    welt.angebot_public.contact = person
    welt.angebot_public.save()
    client = client_as("koordination")
    response = client.post(
        reverse("akteure:person-erase", kwargs={"pk": person.pk}), {"bestaetigt": "ja"}
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.anonymized_at and person.email == "" and person.last_name == "Person"
    assert not person.history.filter(last_name=old_name).exists()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password() and "partner" not in user.email
    assert not Forum.objects.get(pk=welt.forum_public.pk).members.filter(pk=user.pk).exists()
    page = client.get(welt.organisation.get_absolute_url()).content.decode()
    assert old_name not in page


def test_erasure_needs_the_confirmation_box(client_as, welt):
    person = welt.users["partner"].person
    response = client_as("koordination").post(
        reverse("akteure:person-erase", kwargs={"pk": person.pk})
    )
    assert response.status_code == 400 and "Bitte bestätigen" in response.content.decode()
    assert Person.objects.get(pk=person.pk).anonymized_at is None


def test_the_confirmation_page_lists_what_erasure_does_with_counts(client_as, welt):
    person = welt.users["partner"].person
    page = client_as("koordination").get(reverse("akteure:person-erase", kwargs={"pk": person.pk}))
    rows = {schritt.datenart.key: schritt.anzahl for schritt in page.context["plan"]}
    assert rows["foren.mitgliedschaft"] == 1 and rows["netzwerk.user"] == 1
    assert "Mitgliedschaften in Foren" in page.content.decode()


def test_persons_without_activity_are_flagged_after_the_retention_period(welt, settings):
    settings.PERSON_RETENTION_DAYS = 30
    person = welt.users["partner"].person
    Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now() - timedelta(days=5))
    later = timezone.now() + timedelta(days=40)
    assert person in personen_for_review(now=later)
    assert person not in personen_for_review()


def test_logging_in_counts_as_activity(client, welt):
    from tests.factories import PASSWORD

    client.post(reverse("account_login"), {"login": "partner@test.example", "password": PASSWORD})
    person = Person.objects.get(user=welt.users["partner"])
    assert person.last_activity_at is not None
