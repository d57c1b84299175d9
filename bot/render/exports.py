"""An edition exported from its Telegram HTML: Markdown, a standalone HTML page, or a PDF
(fpdf2, imported only when a PDF is made; the DejaVu fonts matplotlib ships cover Latin,
Cyrillic, Greek and more; pictures go after the text)."""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

FORMATS = ("text", "md", "html", "pdf")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>])")


class _Markdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        self._href.append(href)
        self.out.append({"b": "**", "strong": "**", "i": "_", "em": "_", "a": "["}.get(tag, ""))

    def handle_endtag(self, tag: str) -> None:
        href = self._href.pop() if self._href else None
        if tag == "a":
            self.out.append(f"]({href})" if href else "]")
        else:
            self.out.append({"b": "**", "strong": "**", "i": "_", "em": "_"}.get(tag, ""))

    def handle_data(self, data: str) -> None:
        self.out.append(_MD_SPECIAL.sub(r"\\\1", data))


def html_to_markdown(text: str) -> str:
    """Telegram HTML as Markdown: bold, italics and links kept, other characters escaped; each
    line ends in two spaces so a Markdown viewer keeps the line breaks."""
    parser = _Markdown()
    parser.feed(text)
    parser.close()
    return "\n".join(
        line + "  " if line.strip() else line for line in "".join(parser.out).split("\n")
    )


def html_document(parts: Sequence[str], title: str, pictures: Sequence[bytes] = ()) -> str:
    """A standalone HTML page of the edition (Telegram HTML is valid HTML; newlines kept),
    with its pictures inline."""
    body = "\n\n".join(parts)
    images = "".join(
        f'<p><img alt="" style="max-width:100%" src="data:image/png;base64,'
        f'{base64.b64encode(p).decode()}"></p>'
        for p in pictures
    )
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;line-height:1.45}"
        ".e{white-space:pre-wrap}</style></head>\n"
        f'<body><div class="e">{body}</div>{images}</body></html>\n'
    )


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _pdf_html(part: str) -> str:
    """Telegram HTML for fpdf2's write_html: newlines as <br>, characters the font lacks out."""
    text = part.replace("⚡", "(!)").replace("\n", "<br>")
    return "".join(c for c in text if ord(c) < 0x2600 or 0x2700 <= ord(c) < 0x27C0)


def pdf_document(parts: Sequence[str], title: str, pictures: Sequence[bytes] = ()) -> bytes:
    """The edition as an A4 PDF: its text (bold, italics, links), then its pictures."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Sitrep")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("DejaVu", "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_font("DejaVu", size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for part in parts:
        pdf.write_html(_pdf_html(part), font_family="DejaVu")
        pdf.ln(6)
    for picture in pictures:
        pdf.add_page()
        pdf.image(io.BytesIO(picture), w=pdf.epw)
    return bytes(pdf.output())
