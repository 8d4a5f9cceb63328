"""Status messages of htmx updates reach screen readers (WCAG 4.1.3, issue 17): a live region
must already be on the page when its text changes. A region that htmx replaces as a whole
(outerHTML) is a new node each time, which screen readers do not reliably announce; so a swapped
fragment carries no live region of its own, and every fragment that polls (progress of a report,
a booklet, an import, a mailing, the prints) sits inside a live region of the page that includes
it, or sends its announcement out of band into one (data-hx-swap-oob)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR, "templates")
TEMPLATES = {
    p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in ROOT.rglob("*.html")
}
LIVE = re.compile(r'aria-live="(polite|assertive)"|role="(status|log)"')
# The fragments (no page: they extend nothing) that htmx swaps in place of themselves.
SWAPPED = {
    name: text
    for name, text in TEMPLATES.items()
    if 'data-hx-swap="outerHTML"' in text and "{% extends" not in text
}
POLLING = {name: text for name, text in SWAPPED.items() if 'data-hx-trigger="every' in text}


def _without_oob(text: str) -> str:
    """The fragment without its out-of-band parts (those land in the page's own regions)."""
    return re.sub(r"<(\w+)[^>]*data-hx-swap-oob[^>]*>.*?</\1>", "", text, flags=re.S)


def _includes(name: str):
    for includer, text in TEMPLATES.items():
        for line in text.splitlines():
            if f'{{% include "{name}"' in line:
                yield includer, line


def test_the_templates_have_polling_fragments_to_check():
    assert {"akteure/_import_fortschritt.html", "konferenzen/verwaltung/_versand.html"} <= set(
        POLLING
    )


@pytest.mark.parametrize("name", sorted(SWAPPED))
def test_a_fragment_htmx_replaces_carries_no_live_region_of_its_own(name):
    assert not LIVE.search(_without_oob(SWAPPED[name])), (
        f"{name}: die Live-Region wird mit dem Fragment ersetzt und nicht angesagt; "
        "sie gehört in die Seite, die das Fragment einbindet."
    )


@pytest.mark.parametrize("name", sorted(POLLING))
def test_a_polling_fragment_is_announced_through_a_region_of_the_page(name):
    if "data-hx-swap-oob" in POLLING[name]:
        # Its announcement goes out of band into a region the page holds: that region must exist.
        for target in re.findall(r'id="([\w-]+)"[^>]*data-hx-swap-oob', POLLING[name]):
            pages = [t for t in TEMPLATES.values() if f'id="{target}"' in t and t != POLLING[name]]
            assert any(LIVE.search(re.search(rf'<[^>]*id="{target}"[^>]*>', t)[0]) for t in pages)
        return
    includes = list(_includes(name))
    assert includes, f"{name} wird nirgends eingebunden"
    for includer, line in includes:
        before = line.split("{% include")[0]
        opened = TEMPLATES[includer].split(line)[0].splitlines()[-1:]  # the line above, for a list
        assert LIVE.search(before) or any(LIVE.search(o) for o in opened), (
            f"{includer} bindet {name} ohne umgebende Live-Region ein"
        )
