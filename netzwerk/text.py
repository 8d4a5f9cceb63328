"""Markdown that people type, rendered to HTML that cannot carry script or style.

Markdown without its raw-HTML parts (typed tags stay visible as text, escaped by Markdown itself,
and code keeps its "<" as people wrote it), then nh3 (ammonia) on the result with a short
allow-list: no script, no style attribute or element, no event handlers, links only to http(s) and
mailto, each with rel="noopener noreferrer nofollow". Images are dropped: an external image would
tell a third party who reads the page (DSGVO).

Also here: unique slugs made from titles people type, and the names people type reduced to
what matches ("Am Bahnhof" == "am-bahnhof", "Straße" == "Strasse").
"""

import functools
import re
import threading
import unicodedata

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension

TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
_markdown = threading.local()  # a Markdown instance is not thread-safe: one per thread


class _NoRawHtml(Extension):
    """Markdown passes typed HTML through by default; without these parts it is plain text."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(text: str, *, top: int = 3) -> SafeString:
    """`top` is the highest heading level a typed heading may take, so it fits below the page's
    own headings (an entry's text under the h1: 2; a comment under an h2 section: 3).

    The result depends on nothing but `text` and `top`, so it is kept per process by exactly
    these (content-addressed: an edited text is a new key, nothing to invalidate): a concept of
    30 chapters spent 120 ms per request in Markdown and nh3 (bench/konzept.py)."""
    return mark_safe(_rendered(text or "", top))  # noqa: S308 - sanitised by nh3 in _rendered


@functools.lru_cache(maxsize=4096)
def _rendered(text: str, top: int) -> str:
    converter = getattr(_markdown, "converter", None)
    if converter is None:  # building one (its extensions, patterns) costs more than a paragraph
        converter = markdown.Markdown(
            extensions=["sane_lists", "tables", _NoRawHtml()], output_format="html"
        )
        _markdown.converter = converter
    rendered = converter.reset().convert(text)
    for level in range(top - 1, 0, -1):  # h1 -> h<top>, h2 -> h<top>, ...
        rendered = rendered.replace(f"<h{level}>", f"<h{top}>").replace(
            f"</h{level}>", f"</h{top}>"
        )
    return nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def unique_slug(
    model, text: str, fallback: str, *, cut: int = 200, reserved=(), exclude_pk=None
) -> str:
    """A slug for `text` (its first `cut` characters) that no row of `model` (but the one with
    `exclude_pk`, being edited) has yet and that is not `reserved`: "titel", then "titel-2", ...
    (leave room for the suffix in the field's max_length)."""
    from django.utils.text import slugify

    base = slugify(text)[:cut] or fallback
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    slug, n = base, 1
    while slug in reserved or others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def norm_name(text: str) -> str:
    """A name as the imports match it: lower case, umlauts and ß spelt out, accents and every
    character but letters and digits dropped."""
    text = text.strip().lower().replace("ß", "ss")
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]+", "", text)


_SCHREIBWEISEN = [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")]


def schreibweisen_regex(text: str) -> str:
    """A case-insensitive regular expression (for __iregex, on PostgreSQL and SQLite alike) that
    finds `text` however umlauts and ß are written: "Strasse" finds "Straße", "Aerzte" "Ärzte",
    "Münster" "Muenster". The capital umlauts are listed, as case folding beyond ASCII depends on
    the database's locale."""
    text = text.lower()
    teile, i = [], 0
    while i < len(text):
        for zeichen, ausgeschrieben in _SCHREIBWEISEN:
            if text.startswith(zeichen, i) or text.startswith(ausgeschrieben, i):
                gross = "ẞ" if zeichen == "ß" else zeichen.upper()  # "ß".upper() is "SS"
                teile.append(f"({zeichen}|{gross}|{ausgeschrieben})")
                i += 1 if text.startswith(zeichen, i) else len(ausgeschrieben)
                break
        else:
            teile.append(re.escape(text[i]))
            i += 1
    return "".join(teile)


def umlaute_ausgeschrieben(text: str) -> str:
    """`text` with ä, ö, ü and ß spelt out (ae, oe, ue, ss), as the search also indexes it."""
    for zeichen, ausgeschrieben in _SCHREIBWEISEN:
        gross = "ẞ" if zeichen == "ß" else zeichen.upper()
        text = text.replace(zeichen, ausgeschrieben).replace(gross, ausgeschrieben.capitalize())
    return text
