"""No portal page leads into the back office (/verwaltung/) for anyone but the operator: every
page each role may open (the permission matrix's GET cases answering 200) is read for links and
form targets; only superusers see the one "Systemverwaltung" link."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from .conftest import TOTP_SECRET
from .factories import UserFactory
from .test_permission_matrix import MATRIX

BACK_OFFICE = "/verwaltung/"
WALKED_ROLES = ["anonym", "partner", "moderation", "gremium", "koordination"]


class _Targets(HTMLParser):
    """Every href, action and formaction of a page."""

    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "action", "formaction") and value:
                self.targets.append(value)


def back_office_links(html: str) -> list[str]:
    parser = _Targets()
    parser.feed(html)
    return [t for t in parser.targets if urlsplit(t).path.startswith(BACK_OFFICE)]


def test_the_checker_finds_a_link_into_the_back_office():
    html = (
        '<nav><a href="/foren/">Foren</a><a class="x" href="/verwaltung/">Verwaltung</a></nav>'
        '<form action="http://portal.example/verwaltung/netzwerk/user/1/change/"></form>'
        '<button formaction="/verwaltung/logout/">x</button><a href="/konto/verwaltung/">ok</a>'
    )
    assert back_office_links(html) == [
        "/verwaltung/",
        "http://portal.example/verwaltung/netzwerk/user/1/change/",
        "/verwaltung/logout/",
    ]
    assert back_office_links('<a href="/koordination/konten/">Konten</a>') == []


def _html(response) -> str | None:
    if getattr(response, "streaming", False):
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode()


@pytest.mark.parametrize("role", WALKED_ROLES)
def test_no_page_links_to_the_back_office(role, client_as, welt):
    client = client_as(role)
    wrong, pages = [], 0
    for case in MATRIX:
        if case.method != "get" or case.expected[role] != 200:
            continue
        url = reverse(case.name, kwargs=case.kwargs(welt) if case.kwargs else None)
        response = client.get(url, case.data)
        assert response.status_code == 200, (url, response.status_code)
        html = _html(response)
        if html is None:
            continue
        pages += 1
        if links := back_office_links(html):
            wrong.append(f"{url}: {links}")
    assert pages > 20
    assert wrong == [], f"Rolle {role}: Links in die Verwaltung:\n" + "\n".join(wrong)


def test_only_the_superuser_sees_the_systemverwaltung_link(client_as, welt):
    dashboard = reverse("netzwerk:dashboard")
    page = client_as("koordination").get(dashboard).content.decode()
    assert back_office_links(page) == [] and "Systemverwaltung" not in page
    betrieb = UserFactory(email="betrieb@test.example", is_staff=True, is_superuser=True)
    TOTP.activate(betrieb, TOTP_SECRET)
    client = client_as("anonym")
    client.force_login(betrieb)
    page = client.get(dashboard).content.decode()
    assert back_office_links(page) == [reverse("admin:index")]
    assert "Systemverwaltung" in page
