"""Content-addressed fragments: a part of a page, cached under a digest of everything it shows.

For the long documents (a concept's chapters with their comments, a concept's measures tree) the
view reads the rows anyway, and the cost is drawing them: in cProfile most of the concept page's
time was Django's template rendering. A fragment's key is a digest of the rows' rendered fields,
the viewer's flags, the language, the time zone and the state of all templates (the fragment's
own, those it includes) and translations (_ausgabe), so nothing needs renewing on a write: a
changed comment, a renamed author, a deploy with a new template or translation each give a new
key, and the old fragment ages out (FRAGMENT_SECONDS). Unlike netzwerk.datenstand, a write costs
the one fragment it changed, not the whole page.

A cached fragment must not carry one viewer's CSRF token to another: the fragment template writes
`{{ csrf }}` (CSRF_PLATZHALTER), and each request puts its own token in. User text cannot forge the
placeholder: it is escaped, and Markdown goes through nh3, which drops comments.
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.backends.utils import csrf_input
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

CSRF_PLATZHALTER = "<!--netzwerk:csrf-->"
FRAGMENT_SECONDS = 86_400
_PLATZHALTER_SICHER = mark_safe(CSRF_PLATZHALTER)  # noqa: S308 - a constant


@lru_cache(maxsize=1)
def _ausgabe() -> str:
    """What a fragment is drawn with, once per process: every template of the project (its own,
    the included ones, the status badge) and every translation, by size and time. A deploy that
    changes one of them draws anew; so does a restart after `compilemessages`."""
    wurzeln = [
        *(d for t in settings.TEMPLATES for d in t.get("DIRS", [])),
        *settings.LOCALE_PATHS,
    ]
    teile = sorted(
        f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for wurzel in wurzeln
        for p in Path(wurzel).rglob("*")
        if p.suffix in {".html", ".mo"}
    )
    return hashlib.md5("|".join(teile).encode(), usedforsecurity=False).hexdigest()


def fragmente(
    request,
    template_name: str,
    teile: Iterable[tuple[dict, tuple]],
    *,
    vorbereiten: Callable[[list[dict]], None] | None = None,
) -> list[SafeString]:
    """Each (context, inputs) of `teile` drawn with `template_name`, or taken from the cache.

    `inputs` must name everything the fragment shows that `context` could change: the rows'
    rendered fields and the viewer's flags (the template gets no request, user or perms). One
    cache round trip for all hits, one for all misses. `vorbereiten` gets the contexts of the
    misses before they are drawn: what only drawing needs (a chapter's text) is read then, for
    all of them at once, and not at all when every fragment is cached."""
    teile = list(teile)
    grund = "|".join(
        (
            template_name,
            _ausgabe(),
            get_language(),
            get_current_timezone_name(),
        )
    )
    keys = [
        "netzwerk:fragment:"
        + hashlib.md5((grund + repr(inputs)).encode(), usedforsecurity=False).hexdigest()
        for _context, inputs in teile
    ]
    gefunden = cache.get_many(keys)
    if vorbereiten is not None and len(gefunden) < len(keys):
        vorbereiten([c for key, (c, _i) in zip(keys, teile, strict=True) if key not in gefunden])
    neu = {}
    template = get_template(template_name)
    html = []
    for key, (context, _inputs) in zip(keys, teile, strict=True):
        stueck = gefunden.get(key)
        if stueck is None:
            stueck = neu[key] = str(template.render({**context, "csrf": _PLATZHALTER_SICHER}))
        html.append(stueck)
    if neu:
        cache.set_many(neu, FRAGMENT_SECONDS)
    token = str(csrf_input(request))
    return [mark_safe(stueck.replace(CSRF_PLATZHALTER, token)) for stueck in html]  # noqa: S308
