"""Markdown is rendered by one converter per thread and kept by content (netzwerk.text)."""

from netzwerk.text import _rendered, render_markdown


def test_one_text_does_not_leak_into_the_next():
    """The shared converter is reset between texts: a link reference defined in one text must
    not resolve in another."""
    _rendered.cache_clear()
    first = render_markdown("[x]: https://a.example\n\nErster Text")
    second = render_markdown("Siehe [Link][x]")
    assert "a.example" not in first and "a.example" not in second
    assert "[Link][x]" in second


def test_a_text_is_rendered_once_and_an_edit_is_a_new_entry():
    _rendered.cache_clear()
    text = "## Ziel\n\n- eins\n- zwei"
    assert render_markdown(text, top=3) == render_markdown(text, top=3)
    assert _rendered.cache_info().hits == 1
    assert "<h3>Ziel</h3>" in render_markdown(text, top=3)
    assert "<h2>Ziel</h2>" in render_markdown(text, top=2)  # `top` is part of the key
    edited = render_markdown(text + "\n- drei")
    assert "drei" in edited and _rendered.cache_info().currsize == 3
