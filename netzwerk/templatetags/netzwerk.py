from django import template

from netzwerk.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """{{ beitrag.text|markdown }}: rendered and sanitised (netzwerk.text)."""
    return render_markdown(text)
