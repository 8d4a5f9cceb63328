import pytest
from django.db import connection  # noqa: F401 - read by the skipif condition
from django.urls import reverse

from akteure.services import einladung_create
from netzwerk.rules import is_partner

pytestmark = pytest.mark.django_db


def test_a_coordinator_creates_a_link_that_approves_and_links_a_new_partner(
    client_as, welt, signed_up_user, client
):
    page = client_as("koordination").post(
        reverse("akteure:einladung-create", kwargs={"slug": welt.organisation.slug})
    )
    link = page.context["link"]
    client.force_login(signed_up_user)
    response = client.post(link.split("testserver")[-1])
    assert response.status_code == 302
    signed_up_user.refresh_from_db()
    assert signed_up_user.is_approved and is_partner(signed_up_user)
    assert signed_up_user.approved_by == welt.users["koordination"]
    assert signed_up_user.has_perm("akteure.edit_organisation", welt.organisation)


def test_a_forged_or_foreign_token_links_nobody(client, welt, signed_up_user):
    client.force_login(signed_up_user)
    response = client.post(reverse("akteure:einladung", kwargs={"token": "gefaelscht"}))
    assert response.status_code == 404 and "gilt nicht" in response.content.decode()
    # A link a partner somehow made approves nobody: only a coordinator's link does.
    token = einladung_create(organisation=welt.organisation, by=welt.users["partner"]).token
    client.post(reverse("akteure:einladung", kwargs={"token": token}))
    signed_up_user.refresh_from_db()
    assert not signed_up_user.is_approved


def test_anonymous_visitors_are_asked_to_log_in_first(client, welt):
    token = einladung_create(organisation=welt.organisation, by=welt.users["koordination"]).token
    page = client.get(reverse("akteure:einladung", kwargs={"token": token})).content.decode()
    assert "Kita Wolke" in page and "Melden Sie sich zuerst an" in page


def test_a_link_works_once_and_the_second_account_is_told_so(
    client, welt, signed_up_user, django_user_model
):
    from tests.factories import UserFactory

    token = einladung_create(organisation=welt.organisation, by=welt.users["koordination"]).token
    url = reverse("akteure:einladung", kwargs={"token": token})
    client.force_login(signed_up_user)
    assert client.post(url).status_code == 302
    forwarded = UserFactory(email="weitergeleitet@test.example", approved_at=None)
    client.force_login(forwarded)
    response = client.post(url)
    assert response.status_code == 410
    assert "schon angenommen" in response.content.decode()
    forwarded.refresh_from_db()
    assert not forwarded.is_approved and not is_partner(forwarded)


def test_an_expired_link_says_so(client, welt, signed_up_user):
    from datetime import timedelta

    from django.utils import timezone

    einladung = einladung_create(
        organisation=welt.organisation,
        by=welt.users["koordination"],
        now=timezone.now() - timedelta(days=31),
    )
    client.force_login(signed_up_user)
    response = client.post(reverse("akteure:einladung", kwargs={"token": einladung.token}))
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    signed_up_user.refresh_from_db()
    assert not signed_up_user.is_approved


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_two_accounts_accepting_one_link_at_the_same_moment_make_one_partner(welt, monkeypatch):
    """Both read the link as open before either writes (the read is slowed down); only the
    conditional UPDATE lets exactly one of them in. A plain save would let both."""
    import threading
    import time

    from akteure import services
    from tests.factories import UserFactory

    token = einladung_create(organisation=welt.organisation, by=welt.users["koordination"]).token
    original = services.einladung_read

    def slow_read(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.2)
        return result

    monkeypatch.setattr(services, "einladung_read", slow_read)
    users = [UserFactory(email=f"weiter{i}@test.example", approved_at=None) for i in range(2)]
    barrier, results = threading.Barrier(2), []

    def accept(user):
        barrier.wait()
        try:
            results.append(services.einladung_accept(token=token, user=user)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["", "benutzt"]
    for user in users:
        user.refresh_from_db()
    assert sum(is_partner(u) for u in users) == 1
