"""Committees on the portal: the coordination creates and edits them, adds any approved account
(which gets the role Gremium) or invites a person by e-mail; the invited address alone accepts,
once; the committee's page shows the reports it received."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netzwerk import gremien
from netzwerk.konten import Aktion
from netzwerk.models import Gremium, Gremiumseinladung, Kontoprotokoll, Mail, Rolle, User

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jha(db):
    return gremien.gremium_create(
        name="Jugendhilfeausschuss",
        art=Gremium.Art.AUSSCHUSS,
        url="https://ratsinfo.example/gremium/12",
    )


def _detail(gremium) -> str:
    return reverse("netzwerk:gremium-detail", args=[gremium.slug])


def _invite(client, gremium, email="rita.rat@test.example", name="Rita Rat"):
    return client.post(
        reverse("netzwerk:gremium-einladen", args=[gremium.slug]), {"email": email, "name": name}
    )


def _accept_url(einladung) -> str:
    return reverse("netzwerk:gremium-einladung", args=[einladung.token])


# --- Creating and editing --------------------------------------------------------------------


def test_the_coordination_creates_a_committee_with_kind_and_link(client_as, welt):
    client = client_as("koordination")
    response = client.post(
        reverse("netzwerk:gremium-create"),
        {
            "name": "Integrationsrat",
            "art": "beirat",
            "description": "Berät den Rat in Fragen der Integration.",
            "url": "https://ratsinfo.example/gremium/7",
        },
    )
    gremium = Gremium.objects.get()
    assert (gremium.slug, gremium.art) == ("integrationsrat", "beirat")
    assert response["Location"] == _detail(gremium)
    page = client.get(_detail(gremium)).content.decode()
    assert "Beirat" in page and 'href="https://ratsinfo.example/gremium/7"' in page
    assert "Dieses Gremium hat noch keinen Sachstandsbericht erhalten." in page


def test_a_second_committee_of_the_same_name_is_refused_and_the_input_stays(client_as, welt, jha):
    response = client_as("koordination").post(
        reverse("netzwerk:gremium-create"),
        {"name": "jugendhilfeausschuss", "art": "beirat", "description": "Mein Text", "url": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ein Gremium mit diesem Namen gibt es schon." in page
    assert "Mein Text" in page
    assert Gremium.objects.count() == 1


def test_a_bad_link_gets_a_german_message(client_as, welt):
    response = client_as("koordination").post(
        reverse("netzwerk:gremium-create"), {"name": "Planungsteam", "art": "arbeitskreis",
                                              "url": "kein link"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "gültige" in response.content.decode()
    assert not Gremium.objects.exists()


def test_renaming_keeps_the_address(client_as, welt, jha):
    client = client_as("koordination")
    client.post(
        reverse("netzwerk:gremium-edit", args=[jha.slug]),
        {"name": "Kinder- und Jugendhilfeausschuss", "art": "ausschuss", "url": ""},
    )
    jha.refresh_from_db()
    assert (jha.name, jha.slug, jha.url) == (
        "Kinder- und Jugendhilfeausschuss",
        "jugendhilfeausschuss",
        "",
    )


# --- Members ---------------------------------------------------------------------------------


def test_any_approved_account_is_offered_not_only_committee_members(client_as, welt, jha):
    page = client_as("koordination").get(_detail(jha)).content.decode()
    assert '<datalist id="gremium-konten">' in page
    assert '<option value="partner@test.example">' in page  # a partner, no role Gremium
    assert 'list="gremium-konten"' in page
    assert "wartend@test.example" not in page  # not approved


def test_adding_a_partner_gives_the_role_gremium_and_logs_it(client_as, welt, jha):
    partner = welt.users["partner"]
    client = client_as("koordination")
    response = client.post(
        reverse("netzwerk:gremium-mitglied-add", args=[jha.slug]),
        {"konto": f"Test Person <{partner.email.upper()}>"},
    )
    assert response.status_code == 302
    assert jha.members.filter(pk=partner.pk).exists()
    partner = User.objects.get(pk=partner.pk)
    assert {Rolle.PARTNER, Rolle.GREMIUM} <= partner.rollen()
    eintrag = Kontoprotokoll.objects.get(user=partner)
    assert (eintrag.action, eintrag.by) == (Aktion.ROLLE_ERTEILT, welt.users["koordination"])
    assert "Jugendhilfeausschuss" in eintrag.detail
    page = client.get(_detail(jha)).content.decode()
    assert partner.display_name in page
    assert '<option value="partner@test.example">' not in page  # a member is no candidate


def test_a_member_who_already_has_the_role_gets_no_log_entry(welt, jha):
    assert gremien.gremium_mitglied_add(gremium=jha, user=welt.users["gremium"], by=None)
    assert not gremien.gremium_mitglied_add(gremium=jha, user=welt.users["gremium"], by=None)
    assert not Kontoprotokoll.objects.exists()


def test_an_unknown_or_unapproved_account_is_refused_with_a_message(client_as, welt, jha):
    client = client_as("koordination")
    url = reverse("netzwerk:gremium-mitglied-add", args=[jha.slug])
    for text in ("niemand@test.example", "wartend@test.example"):
        response = client.post(url, {"konto": text})
        assert response.status_code == 200
        page = response.content.decode()
        assert f"Kein freigegebenes Konto passt zu „{text}“" in page
        assert f'value="{text}"' in page  # what was typed stays
    assert not jha.members.exists()
    with pytest.raises(ValidationError, match="Nur freigegebene"):
        gremien.gremium_mitglied_add(gremium=jha, user=welt.users["wartend"], by=None)


def test_a_full_name_without_choosing_finds_the_one_account(client_as, welt, jha):
    welt.users["partner"].first_name, welt.users["partner"].last_name = "Paula", "Sommer"
    welt.users["partner"].save()
    client_as("koordination").post(
        reverse("netzwerk:gremium-mitglied-add", args=[jha.slug]), {"konto": "paula sommer"}
    )
    assert jha.members.filter(pk=welt.users["partner"].pk).exists()


def test_removing_a_member_keeps_the_role(client_as, welt, jha):
    gremium_user = welt.users["gremium"]
    jha.members.add(gremium_user)
    response = client_as("koordination").post(
        reverse("netzwerk:gremium-mitglied-remove", args=[jha.slug, gremium_user.pk])
    )
    assert response.status_code == 302
    assert not jha.members.exists()
    assert Rolle.GREMIUM in User.objects.get(pk=gremium_user.pk).rollen()


def test_removing_someone_who_is_no_member_is_404(client_as, welt, jha):
    response = client_as("koordination").post(
        reverse("netzwerk:gremium-mitglied-remove", args=[jha.slug, welt.users["partner"].pk])
    )
    assert response.status_code == 404


# --- Invitations -----------------------------------------------------------------------------


def test_an_invitation_is_a_mail_with_a_personal_link(client_as, welt, jha):
    response = _invite(client_as("koordination"), jha)
    assert response.status_code == 302
    einladung = Gremiumseinladung.objects.get()
    assert len(einladung.token) >= 40
    assert einladung.created_by == welt.users["koordination"]
    mail = Mail.objects.get(template="gremium_einladung")
    assert mail.to == ["rita.rat@test.example"]
    assert mail.subject == "Einladung in Jugendhilfeausschuss"
    assert _accept_url(einladung) in mail.body_text
    assert mail.body_text.startswith("Guten Tag Rita Rat,")


def test_inviting_twice_or_inviting_a_member_is_refused(client_as, welt, jha):
    client = client_as("koordination")
    _invite(client, jha)
    response = _invite(client, jha, email="Rita.Rat@test.example")
    assert "An diese Adresse ist schon eine Einladung unterwegs." in response.content.decode()
    jha.members.add(welt.users["gremium"])
    response = _invite(client, jha, email="gremium@test.example")
    assert "Diese Person ist schon Mitglied des Gremiums." in response.content.decode()
    response = _invite(client, jha, email="keine-adresse")
    assert response.status_code == 200 and "keine-adresse" in response.content.decode()
    assert Gremiumseinladung.objects.count() == 1


def test_a_person_without_account_signs_up_with_the_invited_address_and_joins(client, welt, jha):
    einladung = gremien.gremium_einladung_create(
        gremium=jha, email="rita.rat@test.example", by=welt.users["koordination"]
    )
    url = _accept_url(einladung)
    page = client.get(url).content.decode()
    assert "Einladung: Jugendhilfeausschuss" in page
    signup = reverse("account_signup")
    assert f"{signup}?email=rita.rat%40test.example&amp;next={url}" in page.replace("%2F", "/")
    assert (
        'value="rita.rat@test.example"'
        in client.get(f"{signup}?email=rita.rat@test.example").content.decode()
    )
    response = client.post(
        f"{signup}?next={url}",
        {
            "email": "rita.rat@test.example", "password1": "Ein-sicheres-Passwort-42",
            "password2": "Ein-sicheres-Passwort-42", "first_name": "Rita", "last_name": "Rat",
            "organisation_hint": "Ratsfraktion",
        },
    )  # fmt: skip
    # The link proved the address: no confirmation mail, signed in, back to the invitation.
    assert response.status_code == 302 and response["Location"] == url
    assert not Mail.objects.filter(template__startswith="email_confirmation").exists()
    assert "Einladung annehmen" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    rita = User.objects.get(email="rita.rat@test.example")
    assert rita.is_approved and rita.approved_by == welt.users["koordination"]
    assert Rolle.GREMIUM in rita.rollen()
    assert jha.members.filter(pk=rita.pk).exists()
    einladung.refresh_from_db()
    assert einladung.accepted_at is not None
    assert Kontoprotokoll.objects.get(user=rita).action == Aktion.FREIGEGEBEN
    # The link is used now: a clear message, for her and anyone else.
    response = client.get(url)
    assert response.status_code == 410
    assert "Diese Einladung wurde schon angenommen" in response.content.decode()


def test_an_account_with_the_invited_address_joins_and_gets_the_role(client_as, welt, jha):
    partner = welt.users["partner"]
    einladung = gremien.gremium_einladung_create(
        gremium=jha, email="PARTNER@test.example", by=welt.users["koordination"]
    )
    client = client_as("partner")
    assert client.post(_accept_url(einladung)).status_code == 302
    assert jha.members.filter(pk=partner.pk).exists()
    assert Rolle.GREMIUM in User.objects.get(pk=partner.pk).rollen()


def test_an_account_with_another_address_is_refused_in_german(client_as, welt, jha):
    einladung = gremien.gremium_einladung_create(
        gremium=jha, email="rita.rat@test.example", by=welt.users["koordination"]
    )
    client = client_as("partner")
    page = client.get(_accept_url(einladung)).content.decode()
    assert "Diese Einladung gilt für die Adresse rita.rat@test.example." in page
    assert "Einladung annehmen" not in page
    response = client.post(_accept_url(einladung))
    assert response.status_code == 403
    assert "mit diesem Konto lässt sie sich nicht annehmen" in response.content.decode()
    einladung.refresh_from_db()
    assert einladung.accepted_at is None and not jha.members.exists()


def test_a_withdrawn_expired_or_unknown_link_says_so(client_as, welt, jha):
    koordination = welt.users["koordination"]
    client = client_as("koordination")
    alt = gremien.gremium_einladung_create(gremium=jha, email="alt@test.example", by=koordination)
    Gremiumseinladung.objects.filter(pk=alt.pk).update(
        created_at=timezone.now() - timedelta(days=gremien.EINLADUNG_TAGE + 1)
    )
    response = client_as("anonym").get(_accept_url(alt))
    assert response.status_code == 410
    assert "Diese Einladung ist abgelaufen" in response.content.decode()
    weg = gremien.gremium_einladung_create(gremium=jha, email="weg@test.example", by=koordination)
    client = client_as("koordination")
    client.post(reverse("netzwerk:gremium-einladung-withdraw", args=[jha.slug, weg.pk]))
    assert not Gremiumseinladung.objects.filter(pk=weg.pk).exists()
    response = client_as("anonym").get(_accept_url(weg))
    assert response.status_code == 404
    assert "Diese Einladung gilt nicht (mehr)" in response.content.decode()


def test_the_link_of_a_coordinator_who_left_invites_nobody(welt, jha):
    koordination = welt.users["koordination"]
    einladung = gremien.gremium_einladung_create(
        gremium=jha, email="x@test.example", by=koordination
    )
    koordination.is_active = False
    koordination.save()
    assert gremien.gremium_einladung_read(einladung.token) == (None, "ungueltig")


def test_a_link_is_accepted_once(welt, jha):
    einladung = gremien.gremium_einladung_create(
        gremium=jha, email="partner@test.example", by=welt.users["koordination"]
    )
    partner = welt.users["partner"]
    assert gremien.gremium_einladung_accept(token=einladung.token, user=partner)[1] == ""
    assert gremien.gremium_einladung_accept(token=einladung.token, user=partner)[1] == "benutzt"


# --- Reports and the list --------------------------------------------------------------------


def _bericht(gremium, nummer: int):
    from netzwerk.models import Sachstandsbericht

    return Sachstandsbericht.objects.create(
        nummer=nummer, gremium=gremium, period_start="2026-07-01", period_end="2026-09-30",
        sections=["zusammenfassung"], status="wartet",
    )  # fmt: skip


def test_the_committee_page_shows_the_reports_it_received(client_as, welt, jha):
    andere = gremien.gremium_create(name="Integrationsrat")
    _bericht(jha, 1)
    _bericht(andere, 2)
    page = client_as("koordination").get(_detail(jha)).content.decode()
    assert reverse("netzwerk:bericht-detail", args=[1]) in page
    assert reverse("netzwerk:bericht-detail", args=[2]) not in page
    assert "01.07.2026 – 30.09.2026" in page


def test_the_list_counts_members_invitations_and_reports_with_a_fixed_number_of_queries(
    client_as, welt, jha
):
    client = client_as("koordination")
    url = reverse("netzwerk:gremium-list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(5):
        gremium = gremien.gremium_create(name=f"Arbeitskreis {n}", art="arbeitskreis")
        gremium.members.add(UserFactory(), welt.users["partner"])
        gremien.gremium_einladung_create(
            gremium=gremium, email=f"g{n}@test.example", by=welt.users["koordination"]
        )
        _bericht(gremium, 10 + n)
    assert queries() == few
    page = client.get(url).content.decode()
    assert "Arbeitskreis 4" in page and "Jugendhilfeausschuss" in page
    row = page.split("Arbeitskreis 4")[1].split("</tr>")[0]
    # Art, then 2 members, 1 open invitation, 1 report.
    assert "<td>2</td>" in row and row.count("<td>1</td>") == 2
