"""HTML pages (and HTML e-mail bodies) as plain text.

Built on the standard library's tolerant `html.parser`: it never fetches
anything, never executes anything, and accepts the broken markup that old
intranet exports are full of.
"""

from __future__ import annotations

import codecs
import io
import re
from html.parser import HTMLParser

from threadline.ingest.documents.extracted import ExtractedText, TextBudget
from threadline.ingest.documents.limits import DocumentLimits
from threadline.ingest.documents.plain_text import decode_bytes

MEDIA_TYPE = "text/html"

# Elements whose content is never shown as text.
_HIDDEN = frozenset({"script", "style", "template"})

# Elements that stand apart from what is around them by a blank line.
_PARAGRAPHS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
        "ul", "ol", "dl", "hr", "figure", "address", "fieldset", "form",
    }
)  # fmt: skip

# Elements that start on a line of their own.
_LINES = frozenset(
    {
        "html", "head", "body", "title", "div", "section", "article", "aside",
        "header", "footer", "nav", "main", "li", "dt", "dd", "tr", "caption",
        "thead", "tbody", "tfoot", "details", "summary", "dialog", "legend",
        "figcaption", "center", "hgroup", "option",
    }
)  # fmt: skip

_CELLS = frozenset({"td", "th"})

# HTML's own notion of white space: NO-BREAK SPACE is deliberately not in it.
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.I)

# What the HTML standard says these labels really mean on the web.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}


class _TextLayout:
    """Gathers text and the breaks between blocks, collapsing white space.

    Breaks are held back until more text arrives, so that nested blocks
    (`<div><p>`) give one break, and a page never starts or ends with blank
    lines.
    """

    def __init__(self, budget: TextBudget) -> None:
        self._budget = budget
        # StringIO grows one buffer; a list of pieces costs an object per piece.
        self._out = io.StringIO()
        self._newlines_at_end = 0
        self._started = False
        self._pending_break = 0
        self._pending_space = False
        self._pending_tab = False

    def block(self, newlines: int) -> None:
        self._pending_break = max(self._pending_break, newlines)

    def cell(self) -> None:
        if self._started and self._newlines_at_end == 0 and self._pending_break == 0:
            self._pending_tab = True

    def line_break(self) -> None:
        self._flush_break()
        self._emit("\n")
        self._pending_space = False

    def flowing_text(self, data: str) -> None:
        words = _WHITESPACE.split(data)
        if words[0] == "":
            self._pending_space = True
            words = words[1:]
        if not words:
            return
        trailing_space = words[-1] == ""
        if trailing_space:
            words = words[:-1]
        if words:
            self._flush_break()
            if self._pending_space and self._started and self._newlines_at_end == 0:
                self._emit(" ")
            self._emit(" ".join(words))
        self._pending_space = trailing_space

    def preformatted_text(self, data: str) -> None:
        if data:
            self._flush_break()
            self._emit(data)
            self._pending_space = False

    def text(self) -> str:
        return self._out.getvalue()

    def _flush_break(self) -> None:
        if self._pending_tab and self._pending_break == 0:
            self._emit("\t")
            self._pending_space = False
        elif self._started and self._pending_break > self._newlines_at_end:
            self._emit("\n" * (self._pending_break - self._newlines_at_end))
            self._pending_space = False
        self._pending_break = 0
        self._pending_tab = False

    def _emit(self, piece: str) -> None:
        self._budget.spend(len(piece))
        self._out.write(piece)
        self._started = True
        stripped = piece.rstrip("\n")
        if stripped:
            self._newlines_at_end = len(piece) - len(stripped)
        else:
            self._newlines_at_end += len(piece)


class _HtmlToText(HTMLParser):
    def __init__(self, layout: _TextLayout) -> None:
        # convert_charrefs: entities arrive already unescaped in handle_data.
        super().__init__(convert_charrefs=True)
        self._layout = layout
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
            return
        if self._hidden_depth:
            return
        self._open(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # "<script/>" hides nothing; "<br/>" and "<p/>" still break lines.
        if tag not in _HIDDEN and not self._hidden_depth:
            self._open(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
            return
        if self._hidden_depth:
            return
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in _PARAGRAPHS:
            self._layout.block(2)
        elif tag in _LINES:
            self._layout.block(1)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self._pre_depth:
            self._layout.preformatted_text(data)
        else:
            self._layout.flowing_text(data)

    def _open(self, tag: str) -> None:
        if tag == "br":
            self._layout.line_break()
        elif tag in _PARAGRAPHS:
            self._layout.block(2)
            if tag == "pre":
                self._pre_depth += 1
        elif tag in _LINES:
            self._layout.block(1)
        elif tag in _CELLS:
            self._layout.cell()


def html_to_text(markup: str, budget: TextBudget) -> str:
    """Convert HTML markup to readable plain text.

    Scripts, styles and templates are dropped; block elements become line
    breaks (paragraphs, headings, lists and tables a blank line); table cells
    in a row are separated by tabs; entities are unescaped; runs of white
    space collapse to one space except inside `<pre>`.

    Args:
        markup: the HTML, already decoded.
        budget: the character budget for the document's text.
    """
    layout = _TextLayout(budget)
    parser = _HtmlToText(layout)
    parser.feed(markup)
    parser.close()
    return layout.text()


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode an HTML page: byte-order mark, then `<meta charset>`, then a guess.

    Returns:
        The markup, and the name of the encoding used.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data)
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        encoding = _CHARSET_ALIASES.get(label, label)
        try:
            codecs.lookup(encoding)
        except LookupError:
            pass
        else:
            return data.decode(encoding, errors="replace"), encoding
    return decode_bytes(data)


def read_html(data: bytes, limits: DocumentLimits) -> ExtractedText:
    """Extract an `.html` / `.htm` original."""
    markup, encoding = decode_html(data)
    text = html_to_text(markup, TextBudget(limits.max_text_chars))
    return ExtractedText(text=text, media_type=MEDIA_TYPE, detail=f"html, {encoding}")
