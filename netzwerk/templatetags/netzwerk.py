from django import template

from netzwerk.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str, top: int = 3):
    """{{ beitrag.text|markdown:2 }}: rendered and sanitised (netzwerk.text); typed headings start
    at level `top`."""
    return render_markdown(text, top=int(top))
