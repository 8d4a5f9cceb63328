"""Markdown that people type, rendered to HTML that cannot carry script or style.

Markdown first, then nh3 (ammonia) on the result with a short allow-list: no script, no style
attribute or element, no event handlers, links only to http(s) and mailto, and every link opens
with rel="noopener noreferrer nofollow". Raw HTML typed into the text is escaped before Markdown
sees it, so it shows as text rather than being silently dropped. Images are dropped: an external
image would tell a third party who reads the page (DSGVO).
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    # Without "<" no tag can start; ">" stays, it is Markdown's quote.
    source = (text or "").replace("<", "&lt;")
    rendered = markdown.markdown(source, extensions=["sane_lists", "tables"], output_format="html")
    # Headings of level 1 and 2 belong to the page; typed ones are moved down to h3.
    rendered = rendered.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    rendered = rendered.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
