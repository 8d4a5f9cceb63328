"""A page's text as a screen reader reads it, for assertions that should not care about markup."""

import re


def lesbar(html: str) -> str:
    """Without elements hidden from assistive technology (icons beside a status word), without
    tags, whitespace collapsed: '<span class="badge">…✓</span> fertig</span>' reads 'fertig'."""
    text = re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", text)
