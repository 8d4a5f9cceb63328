"""The Präventionskette map as a standalone SVG (for slides and the status report)."""

from xml.sax.saxutils import escape

FILL = {0: "#ffffff", 1: "#deebf7", 2: "#9ecae1", 3: "#2171b5", 4: "#08519c"}
TEXT = {0: "#b02a37", 1: "#000000", 2: "#000000", 3: "#ffffff", 4: "#ffffff"}
LABEL_W, CELL_W, HEAD_H, ROW_H = 230, 120, 50, 36


def _lines(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line][:3]


def render(karte: dict) -> str:
    felder, rows = karte["felder"], karte["rows"]
    width = LABEL_W + CELL_W * len(felder)
    height = HEAD_H + ROW_H * len(rows) + 30
    title = "Präventionskette" + (f" – {karte['sozialraum'].name}" if karte["sozialraum"] else "")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="11" role="img" aria-labelledby="titel">',
        f'<title id="titel">{escape(title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, feld in enumerate(felder):
        x = LABEL_W + i * CELL_W + CELL_W / 2
        for j, line in enumerate(_lines(feld.name, 18)):
            out.append(
                f'<text x="{x}" y="{14 + j * 13}" text-anchor="middle" font-weight="bold">'
                f"{escape(line)}</text>"
            )
    for r, row in enumerate(rows):
        y = HEAD_H + r * ROW_H
        out.append(
            f'<text x="6" y="{y + ROW_H / 2 + 4}" font-weight="bold">'
            f"{escape(row['phase'].name)}</text>"
        )
        for i, cell in enumerate(row["cells"]):
            x = LABEL_W + i * CELL_W
            level = cell["level"]
            label = "Lücke" if cell["n"] == 0 else str(cell["n"])
            out.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{ROW_H}" fill="{FILL[level]}" '
                f'stroke="#6c757d"/>'
                f'<text x="{x + CELL_W / 2}" y="{y + ROW_H / 2 + 4}" text-anchor="middle" '
                f'fill="{TEXT[level]}">{label}</text>'
            )
    out.append(
        f'<text x="6" y="{height - 10}" font-size="10">Anzahl aktueller Angebote je Lebensphase '
        f"und Handlungsfeld; „Lücke“: kein Angebot.</text>"
    )
    out.append("</svg>")
    return "\n".join(out)
