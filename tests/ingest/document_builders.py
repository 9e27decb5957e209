"""Build small original documents (PDF, DOCX) byte by byte for the tests.

Nothing is read from disk or fetched: every fixture is made here, so each
test shows exactly what it feeds the extractor.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from xml.sax.saxutils import escape

WORD_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- PDF ------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252), bytes above ASCII as octal escapes."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte > 0x7E:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def page_content(lines: Sequence[str]) -> bytes:
    """A content stream drawing `lines` in Helvetica, one under another."""
    shown = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
    return b"BT /F1 12 Tf 14 TL 72 720 Td " + shown + b" ET"


def minimal_pdf(pages: Sequence[Sequence[str]], *, streams: Sequence[bytes] | None = None) -> bytes:
    """A small valid PDF with one page per entry of `pages`, each a list of lines.

    Args:
        pages: the lines of text on each page.
        streams: raw FlateDecode-compressed content streams to use instead
            (one per page), for hostile streams.
    """
    page_count = len(streams) if streams is not None else len(pages)
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(page_count))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % page_count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index in range(page_count):
        content_number = first_page + 2 * index + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_number
        )
        if streams is not None:
            body, extra = streams[index], b" /Filter /FlateDecode"
        else:
            body, extra = page_content(pages[index]), b""
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(body), extra) + body + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def flate(data: bytes) -> bytes:
    return zlib.compress(data, 9)


# --- DOCX -----------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def run(text: str) -> str:
    """A `w:r` run holding `text` (spaces kept)."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraph(*runs: str) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


def table(rows: Sequence[Sequence[str]]) -> str:
    """A `w:tbl` whose cells each hold one paragraph of text."""
    cells = (
        "<w:tr>" + "".join(f"<w:tc>{paragraph(run(cell))}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    return "<w:tbl>" + "".join(cells) + "</w:tbl>"


def document_xml(body: str, *, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'{prolog}<w:document xmlns:w="{WORD_NAMESPACE}"><w:body>{body}</w:body></w:document>'
    ).encode()


def docx(document: bytes, *, extra_members: int = 0) -> bytes:
    """A DOCX archive holding `document` as word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
        for index in range(extra_members):
            archive.writestr(f"word/media/padding{index}.xml", b"<x/>")
    return buffer.getvalue()


def with_declared_size(archive: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size `archive` declares for `member`.

    Both the local header and the central directory are changed, as a
    crafted bomb would; the compressed data stays as it was.
    """
    data = bytearray(archive)
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    patched = 0
    while local >= 0:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, size)
            patched += 1
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, size)
            patched += 1
        central = data.find(b"PK\x01\x02", central + 4)
    assert patched == 2, f"{member} not found in both headers"
    return bytes(data)
