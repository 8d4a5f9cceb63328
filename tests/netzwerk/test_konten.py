"""The coordination's account pages: every account with role, organisation, last login and
second factor; roles, deactivation, second-factor reset (after a fresh login) and the
verification mail, each change logged with who and when and shown on the account page."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netzwerk import konten
from netzwerk.konten import Aktion
from netzwerk.models import Kontoprotokoll, Mail, Rolle, User
from netzwerk.selectors import accounts_awaiting_approval
from netzwerk.services import account_reject

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _detail(user) -> str:
    return reverse("netzwerk:konto-detail", args=[user.pk])


def _row(page: str, email: str) -> str:
    """The table row of the account with this address."""
    (row,) = [r for r in page.split("<tr>") if f"<td>{email}</td>" in r]
    return row


def _post(client, name: str, user, data=None):
    return client.post(reverse(f"netzwerk:{name}", args=[user.pk]), data or {})


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_role_organisation_last_login_and_second_factor(client_as, welt):
    User.objects.filter(pk=welt.users["partner"].pk).update(
        last_login=timezone.make_aware(timezone.datetime(2026, 11, 3, 9, 15))
    )
    User.objects.filter(pk=welt.users["wartend"].pk).update(organisation_hint="Jugendtreff Bahnhof")
    page = client_as("koordination").get(reverse("netzwerk:konto-list")).content.decode()
    partner = _row(page, "partner@test.example")
    assert "Partner" in partner and "Kita Wolke" in partner and "03.11.2026 09:15" in partner
    assert "<td>nein</td>" in partner
    assert "<td>eingerichtet</td>" in _row(page, "koordination@test.example")
    wartend = _row(page, "wartend@test.example")
    assert "wartet auf Freigabe" in wartend and "<td>nie</td>" in wartend
    assert "Jugendtreff Bahnhof" in wartend and "laut Registrierung" in wartend
    assert 'href="/akteure/freigaben/"' in page  # approving stays where it is


def test_the_list_filters_by_role_status_and_name(client_as, welt):
    client = client_as("koordination")
    url = reverse("netzwerk:konto-list")
    account_reject(user=welt.users["wartend"], rejected_by=welt.users["koordination"])

    def emails(**params) -> set[str]:
        page = client.get(url, params).content.decode()
        return {e for e in (u.email for u in User.objects.all()) if f"<td>{e}</td>" in page}

    assert emails(rolle="Gremium") == {"gremium@test.example"}
    assert emails(rolle="Koordination") == {
        "koordination@test.example",
        "neu-koordination@test.example",
    }
    assert emails(rolle="ohne") == {"wartend@test.example"}
    assert emails(status="abgelehnt") == {"wartend@test.example"}
    assert emails(status="deaktiviert") == set()
    assert emails(suche="moderation") == {"moderation@test.example"}
    assert emails(rolle="unsinn") == emails()  # an unknown choice: the form says so, all shown
    assert "Bitte eine gültige Auswahl treffen." in client.get(url, {"rolle": "x"}).content.decode()


def test_the_list_is_paginated_with_a_fixed_number_of_queries(client_as, welt):
    client = client_as("koordination")
    url = reverse("netzwerk:konto-list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(60):
        user = UserFactory(email=f"viele{n:02}@test.example", rollen=[Rolle.PARTNER])
        if n % 2:
            TOTP.activate(user, TOTP_SECRET)
    assert queries() == few
    page = client.get(url).content.decode()
    assert "Seite 1 von 2" in page
    assert "66 Konten" in page


# --- Roles -----------------------------------------------------------------------------------


def test_changing_roles_is_logged_and_shown_on_the_account_page(client_as, welt):
    partner = welt.users["partner"]
    client = client_as("koordination")
    response = _post(client, "konto-rollen", partner, {"rollen": ["Gremium"]})
    assert response.status_code == 302
    assert User.objects.get(pk=partner.pk).rollen() == {"Gremium"}
    log = list(Kontoprotokoll.objects.filter(user=partner).values_list("action", "detail", "by"))
    koordination = welt.users["koordination"].pk
    assert sorted(log) == [
        (Aktion.ROLLE_ENTZOGEN, "Partner", koordination),
        (Aktion.ROLLE_ERTEILT, "Gremium", koordination),
    ]
    page = client.get(_detail(partner)).content.decode()
    assert "Rolle erteilt" in page and "Rolle entzogen" in page
    assert welt.users["koordination"].display_name in page


def test_giving_koordination_makes_staff_and_taking_it_undoes_it(welt):
    partner, by = welt.users["partner"], welt.users["koordination"]
    konten.konto_rollen_set(user=partner, rollen=["Partner", "Koordination"], by=by)
    partner.refresh_from_db()
    assert partner.is_staff
    konten.konto_rollen_set(user=partner, rollen=["Partner"], by=by)
    partner.refresh_from_db()
    assert not partner.is_staff


def test_a_coordinator_cannot_take_their_own_koordination_role(client_as, welt):
    koordination = welt.users["koordination"]
    response = _post(client_as("koordination"), "konto-rollen", koordination, {"rollen": []})
    assert response.status_code == 400
    assert "Sie können sich die Rolle Koordination nicht selbst entziehen." in (
        response.content.decode()
    )
    assert Rolle.KOORDINATION in User.objects.get(pk=koordination.pk).rollen()
    assert not Kontoprotokoll.objects.exists()


def test_an_unknown_role_or_an_unapproved_account_is_refused(welt):
    by = welt.users["koordination"]
    with pytest.raises(ValidationError, match="Unbekannte Rolle"):
        konten.konto_rollen_set(user=welt.users["partner"], rollen=["Chef"], by=by)
    with pytest.raises(ValidationError, match="die erste Rolle vergibt die Freigabe"):
        konten.konto_rollen_set(user=welt.users["wartend"], rollen=["Partner"], by=by)
    assert not welt.users["wartend"].groups.exists()


# --- Deactivating ----------------------------------------------------------------------------


def test_a_deactivated_account_is_signed_out_and_can_be_reactivated(client_as, welt):
    from django.test import Client

    partner = welt.users["partner"]
    own = Client()
    own.force_login(partner)  # the partner's session, from before the deactivation
    koordination_client = client_as("koordination")
    _post(koordination_client, "konto-deactivate", partner)
    partner.refresh_from_db()
    assert not partner.is_active
    page = koordination_client.get(_detail(partner)).content.decode()
    assert "Konto deaktiviert" in page and "Konto reaktivieren" in page
    assert own.get(reverse("netzwerk:dashboard")).status_code == 302
    _post(koordination_client, "konto-reactivate", partner)
    partner.refresh_from_db()
    assert partner.is_active and partner.is_approved
    actions = list(Kontoprotokoll.objects.filter(user=partner).values_list("action", flat=True))
    assert actions == [Aktion.REAKTIVIERT, Aktion.DEAKTIVIERT]  # newest first


def test_a_coordinator_cannot_deactivate_themselves(client_as, welt):
    koordination = welt.users["koordination"]
    client = client_as("koordination")
    response = _post(client, "konto-deactivate", koordination)
    assert response.status_code == 302
    koordination.refresh_from_db()
    assert koordination.is_active
    page = client.get(response["Location"]).content.decode()
    assert "Sie können Ihr eigenes Konto nicht deaktivieren." in page


def test_reactivating_a_rejected_signup_puts_it_back_on_the_approval_list(welt):
    wartend, by = welt.users["wartend"], welt.users["koordination"]
    account_reject(user=wartend, rejected_by=by)
    assert konten.konto_status(wartend) == "abgelehnt"
    konten.konto_reactivate(user=wartend, by=by)
    assert wartend in accounts_awaiting_approval()
    assert list(Kontoprotokoll.objects.filter(user=wartend).values_list("action", flat=True)) == [
        "reaktiviert",
        "abgelehnt",
    ]
    assert "Ablehnung aufgehoben" in Kontoprotokoll.objects.filter(user=wartend).first().detail


def test_the_operator_account_is_only_changed_by_the_operator(welt):
    betrieb = UserFactory(email="betrieb@test.example", is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError, match="nur die Systemverwaltung"):
        konten.konto_deactivate(user=betrieb, by=welt.users["koordination"])


# --- Second factor ---------------------------------------------------------------------------


@pytest.fixture
def mit_totp(welt):
    user = UserFactory(email="kollegin@test.example", rollen=[Rolle.KOORDINATION], is_staff=True)
    TOTP.activate(user, TOTP_SECRET)
    return user


def test_resetting_a_second_factor_asks_the_coordinator_to_log_in_again(client_as, welt, mit_totp):
    client = client_as("koordination")
    url = reverse("netzwerk:konto-mfa-reset", args=[mit_totp.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=mit_totp).exists()  # nothing happened yet
    # The fresh login resumes the suspended request.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == _detail(mit_totp)
    assert not Authenticator.objects.filter(user=mit_totp).exists()
    eintrag = Kontoprotokoll.objects.get(user=mit_totp)
    assert (eintrag.action, eintrag.by, eintrag.detail) == (
        Aktion.ZWEITER_FAKTOR,
        welt.users["koordination"],
        "totp",
    )
    page = client.get(_detail(mit_totp)).content.decode()
    assert "Zweiter Faktor zurückgesetzt" in page and "Kein zweiter Faktor eingerichtet." in page


def test_a_wrong_password_at_the_fresh_login_resets_nothing(client_as, welt, mit_totp):
    client = client_as("koordination")
    response = client.post(reverse("netzwerk:konto-mfa-reset", args=[mit_totp.pk]))
    response = client.post(response["Location"], {"password": "falsch"})
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=mit_totp).exists()
    assert not Kontoprotokoll.objects.exists()


def test_own_second_factor_and_none_at_all_are_refused(welt, mit_totp):
    koordination = welt.users["koordination"]
    with pytest.raises(ValidationError, match="Ihren eigenen zweiten Faktor"):
        konten.konto_zweiter_faktor_reset(user=koordination, by=koordination)
    with pytest.raises(ValidationError, match="keinen zweiten Faktor"):
        konten.konto_zweiter_faktor_reset(user=welt.users["partner"], by=koordination)
    assert Authenticator.objects.filter(user=koordination).exists()


# --- Verification mail -----------------------------------------------------------------------


def test_the_verification_mail_is_sent_again_for_an_unconfirmed_address(client_as, welt):
    user = UserFactory(email="unbestaetigt@test.example", approved_at=None)
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = client_as("koordination")
    assert "Bestätigungs-E-Mail erneut senden" in client.get(_detail(user)).content.decode()
    response = _post(client, "konto-verification-send", user)
    assert response.status_code == 302
    mail = Mail.objects.get(template="email_confirmation")
    assert mail.to == ["unbestaetigt@test.example"]
    assert "/konto/confirm-email/" in mail.body_text
    assert Kontoprotokoll.objects.get(user=user).action == Aktion.BESTAETIGUNG


def test_a_confirmed_address_gets_no_second_mail(client_as, welt):
    partner = welt.users["partner"]
    client = client_as("koordination")
    assert "Bestätigungs-E-Mail erneut senden" not in client.get(_detail(partner)).content.decode()
    response = _post(client, "konto-verification-send", partner)
    page = client.get(response["Location"]).content.decode()
    assert "Die E-Mail-Adresse dieses Kontos ist schon bestätigt." in page
    assert not Mail.objects.filter(template__startswith="email_confirmation").exists()


def test_the_account_page_links_to_the_approval_instead_of_repeating_it(client_as, welt):
    page = client_as("koordination").get(_detail(welt.users["wartend"])).content.decode()
    assert reverse("akteure:freigabe-list") in page
    assert "Ein Konto bekommt seine erste Rolle bei der Freigabe." in page
