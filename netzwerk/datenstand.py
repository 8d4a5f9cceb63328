"""The version of an app's data in the cache: part of the key of every cached fragment drawn from
that data, renewed on every write of a row the fragments show, so that no fragment outlives the
rows it shows (the forums: foren.selectors; the registry: akteure.stand)."""

from urllib.parse import urlencode
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language


def abfrage(request) -> str:
    """The request's query string in a fixed order: the part of a fragment's key for the
    filters, the search and the page."""
    return urlencode(sorted(request.GET.lists()), doseq=True)


class Datenstand:
    def __init__(self, key: str):
        self.key = key

    def beobachten(self, senders, throughs=()) -> None:
        """Renew the version on every save and delete of a row of `senders` (models or
        "app.Model") and on every change of the many-to-many tables `throughs` (called from an
        app's ready()). Writes that send no signal (queryset updates, bulk creates) call
        erneuern() themselves."""
        for sender in senders:
            post_save.connect(self._signal, sender=sender, dispatch_uid=f"{self.key}:{sender}")
            post_delete.connect(self._signal, sender=sender, dispatch_uid=f"{self.key}:-{sender}")
        for through in throughs:
            m2m_changed.connect(self._signal, sender=through, dispatch_uid=f"{self.key}:{through}")

    def _signal(self, action: str | None = None, **_signal) -> None:
        # A change of a many-to-many table sends pre_ and post_ of each step: one is enough.
        if action is None or action.startswith("post_"):
            self.erneuern()

    def aktuell(self) -> str:
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, uuid4().hex, timeout=None)
            value = cache.get(self.key)
        return value

    def erneuern(self) -> None:
        """The cached fragments are stale: a new version at once, and again after the commit, so
        that a page drawn meanwhile from the old rows does not keep the new key."""
        cache.set(self.key, uuid4().hex, timeout=None)
        transaction.on_commit(lambda: cache.set(self.key, uuid4().hex, timeout=None))

    def fragment_key(self, *parts) -> str:
        """The data's version, the language and `parts` (the viewer's role or account where the
        content differs, the query string)."""
        return ":".join(str(p) for p in (self.aktuell(), get_language(), *parts))
