import os
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from foren.models import Forum
from netzwerk.models import Rolle

from .factories import (
    AngebotFactory,
    ForumFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The roles the permission matrix walks, anonymous included.
ROLES = [
    "anonym",
    "wartend",
    "partner",
    "moderation",
    "gremium",
    "koordination",
    "koordination_ohne_2fa",
]


def pytest_collection_modifyitems(config, items):
    """The crawl of every page (minutes) first: with pytest-xdist one worker starts on it while
    the others share the rest, instead of it starting last and the run waiting for it alone."""
    items.sort(key=lambda item: item.get_closest_marker("crawl") is None)
    # With --dist loadgroup, pytest-xdist's worker hook (run before this one) has suffixed the
    # id of every xdist_group test with its group, which is how they share one worker. Should
    # a pytest release store ids where xdist does not write (9.2 did), the groups would run on
    # several workers at once, silently: refuse to run instead.
    if getattr(config.option, "loadgroup", False):  # set in each xdist worker
        ungrouped = [
            item.nodeid
            for item in items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid.rsplit("]")[-1]
        ]
        if ungrouped:
            raise pytest.UsageError(
                f"pytest-xdist hat {len(ungrouped)} Tests mit xdist_group nicht gruppiert (etwa "
                f"{ungrouped[0]}): passen pytest und pytest-xdist zueinander?"
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip there hides a missing service or browser."""
    report = yield
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {reason}"
    return report


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class Welt:
    """One small network with a person in every role."""

    users: dict
    organisation: object
    fremde_organisation: object
    forum_public: Forum
    forum_members: Forum
    forum_other: Forum
    angebot_public: object
    angebot_intern: object


@pytest.fixture
def welt(db) -> Welt:
    organisation = OrganisationFactory(name="Kita Wolke", slug="kita-wolke")
    fremde = OrganisationFactory(name="Verein Stern", slug="verein-stern")
    users = {
        "wartend": UserFactory(email="wartend@test.example", approved_at=None),
        "partner": UserFactory(email="partner@test.example", rollen=[Rolle.PARTNER]),
        "moderation": UserFactory(email="moderation@test.example", rollen=[Rolle.PARTNER]),
        "gremium": UserFactory(email="gremium@test.example", rollen=[Rolle.GREMIUM]),
        "koordination": UserFactory(
            email="koordination@test.example", rollen=[Rolle.KOORDINATION], is_staff=True
        ),
        "koordination_ohne_2fa": UserFactory(
            email="neu-koordination@test.example", rollen=[Rolle.KOORDINATION], is_staff=True
        ),
    }
    TOTP.activate(users["koordination"], TOTP_SECRET)
    PersonFactory(organisation=organisation, user=users["partner"])
    forum_public = ForumFactory(name="Forum Offen", slug="forum-offen")
    forum_members = ForumFactory(
        name="Forum Intern", slug="forum-intern", visibility=Forum.Sichtbarkeit.MEMBERS
    )
    forum_other = ForumFactory(name="Forum Anderes", slug="forum-anderes")
    forum_members.moderators.add(users["moderation"])
    forum_members.members.add(users["moderation"])
    forum_public.members.add(users["partner"])
    angebot_public = AngebotFactory(
        organisation=organisation, title="Sprachspiele", slug="sprachspiele"
    )
    angebot_intern = AngebotFactory(
        organisation=organisation, title="Fallbesprechung", slug="fallbesprechung", is_public=False
    )
    return Welt(
        users,
        organisation,
        fremde,
        forum_public,
        forum_members,
        forum_other,
        angebot_public,
        angebot_intern,
    )


@pytest.fixture
def client_as(client, welt):
    """client_as("partner") -> a test client logged in in that role ("anonym": logged out)."""

    def login(role: str):
        client.logout()
        if role != "anonym":
            client.force_login(welt.users[role])
        return client

    return login


@pytest.fixture
def signed_up_user(db):
    """Someone who signed up and confirmed their e-mail address, waiting for approval."""
    user = UserFactory(email="neu@test.example", approved_at=None, organisation_hint="Kita Wolke")
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    return user
