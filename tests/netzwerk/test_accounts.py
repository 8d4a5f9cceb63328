import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from akteure.models import Person
from netzwerk.models import Rolle, User

pytestmark = pytest.mark.django_db


def _signup(client, email="lea.neu@test.example"):
    # Mails leave through the outbox after commit: let the test's commit callbacks run.
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return _post_signup(client, email)


def _post_signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "Ein-sicheres-Passwort-42",
            "password2": "Ein-sicheres-Passwort-42",
            "first_name": "Lea",
            "last_name": "Neu",
            "organisation_hint": "Kita Wolke",
        },
    )


def test_signup_asks_to_confirm_the_address_and_keeps_the_account_unapproved(client, welt):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="lea.neu@test.example")
    assert user.organisation_hint == "Kita Wolke"
    assert not user.is_approved
    assert len(mail.outbox) == 1
    assert "lea.neu@test.example" in mail.outbox[0].to
    body = mail.outbox[0].body
    assert body.startswith("Guten Tag,") and body.rstrip().endswith("Netzwerkportal")
    assert "Hallo von" not in body
    from netzwerk.models import Mail

    assert Mail.objects.get(template="email_confirmation_signup").status == Mail.Status.SENT


def test_confirming_the_address_tells_the_coordinators(
    client, welt, django_capture_on_commit_callbacks
):
    _signup(client)
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", mail.outbox[0].body).group(0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link.split("testserver")[-1])
    assert EmailAddress.objects.get(email="lea.neu@test.example").verified
    to_koordination = [m for m in mail.outbox if "koordination@test.example" in m.to]
    assert len(to_koordination) == 1
    assert "wartet auf Freigabe" in to_koordination[0].subject


def test_a_waiting_account_sees_that_it_waits_and_no_internal_page(client, signed_up_user, welt):
    client.force_login(signed_up_user)
    dashboard = client.get(reverse("netzwerk:dashboard"))
    assert "wartet auf Freigabe" in dashboard.content.decode()
    assert client.get(welt.angebot_intern.get_absolute_url()).status_code == 404


def test_a_coordinator_approves_a_partner_and_links_the_organisation(
    client_as, welt, signed_up_user, django_capture_on_commit_callbacks
):
    client = client_as("koordination")
    prefix = f"u{signed_up_user.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("akteure:freigabe-decide", kwargs={"pk": signed_up_user.pk}),
            {
                f"{prefix}-decision": "approve",
                f"{prefix}-rolle": Rolle.PARTNER,
                f"{prefix}-organisation": welt.organisation.pk,
            },
        )
    assert response.status_code == 302
    signed_up_user.refresh_from_db()
    assert signed_up_user.is_approved
    assert signed_up_user.approved_by == welt.users["koordination"]
    assert signed_up_user.has_perm("akteure.edit_organisation", welt.organisation)
    assert not signed_up_user.has_perm("akteure.edit_organisation", welt.fremde_organisation)
    assert Person.objects.get(user=signed_up_user).organisation == welt.organisation
    assert [m.to for m in mail.outbox] == [[signed_up_user.email]]
    assert "freigegeben" in mail.outbox[0].subject


def test_approving_a_partner_without_organisation_says_what_is_missing(
    client_as, welt, signed_up_user
):
    prefix = f"u{signed_up_user.pk}"
    response = client_as("koordination").post(
        reverse("akteure:freigabe-decide", kwargs={"pk": signed_up_user.pk}),
        {f"{prefix}-decision": "approve", f"{prefix}-rolle": Rolle.PARTNER},
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie die Organisation" in response.content.decode()
    signed_up_user.refresh_from_db()
    assert not signed_up_user.is_approved


def test_a_rejected_signup_can_no_longer_log_in(client_as, welt, signed_up_user):
    prefix = f"u{signed_up_user.pk}"
    client_as("koordination").post(
        reverse("akteure:freigabe-decide", kwargs={"pk": signed_up_user.pk}),
        {f"{prefix}-decision": "reject", f"{prefix}-rolle": Rolle.PARTNER},
    )
    signed_up_user.refresh_from_db()
    assert not signed_up_user.is_active
    assert signed_up_user.rejected_by == welt.users["koordination"]
    assert signed_up_user.approved_by is None
    client = client_as("anonym")
    response = client.post(
        reverse("account_login"),
        {"login": signed_up_user.email, "password": "Ein-sicheres-Passwort-42"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_inactive")


def test_repeated_wrong_passwords_are_rate_limited(client, welt, monkeypatch):
    from netzwerk import anmeldebremse

    monkeypatch.setattr(anmeldebremse, "uhr", lambda: 1_000_000.0)  # a stopped clock: no flakes
    pages = [
        client.post(
            reverse("account_login"), {"login": "partner@test.example", "password": "falsch"}
        ).content.decode()
        for _ in range(6)
    ]
    blocked = "Zu viele gescheiterte Anmeldeversuche"
    assert blocked not in pages[0]
    assert blocked in pages[-1]
    # Even the right password is refused while the limit holds.
    right = client.post(
        reverse("account_login"),
        {"login": "partner@test.example", "password": "Ein-sicheres-Passwort-42"},
    )
    assert blocked in right.content.decode()


def test_the_login_form_is_german_and_in_the_portal_layout(client, welt):
    page = client.get(reverse("account_login")).content.decode()
    assert "Anmelden" in page
    assert 'href="#inhalt"' in page  # the portal's skip link: allauth renders inside base.html
    assert "Passwort" in page
