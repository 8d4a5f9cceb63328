"""A readable difference between two versions of a chapter: word by word, paragraph by
paragraph, as <del> and <ins> in escaped HTML."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\S+\s*|\s+")


def _words(text: str) -> list[str]:
    return _TOKENS.findall(text.replace("\r\n", "\n"))


def diff_html(old: str, new: str) -> SafeString:
    """Deleted words as <del>, inserted ones as <ins>, the rest as it is; newlines kept."""
    a, b = _words(old), _words(new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
