"""Original documents written with the standard library: PDF, DOCX, EML and HTML.

Each writer returns the file's bytes, deterministically (fixed dates in zip
entries and mail headers), so the same world gives the same bytes. They are
minimal but valid: pypdf, ``zipfile`` with an XML parser, ``email`` and
``html.parser`` all read the text back.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import textwrap
import zipfile
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from xml.sax.saxutils import escape

FORMATS = ("pdf", "docx", "eml", "html")


def _lines(title: str, record_id: str, text: str, width: int) -> list[str]:
    lines = [title, f"Ref: {record_id}", ""]
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    return lines


def pdf_encodable(text: str) -> bool:
    """Whether the PDF writer's WinAnsi font can show every character."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def write_pdf(title: str, record_id: str, text: str) -> bytes:
    """A one-page PDF with the text in Helvetica (WinAnsi encoding).

    Raises:
        UnicodeEncodeError: the text has characters outside Windows-1252
            (check with :func:`pdf_encodable` first).
    """
    content = io.BytesIO()
    content.write(b"BT /F1 10 Tf 14 TL 50 800 Td\n")
    for line in _lines(title, record_id, text, 95):
        content.write(_pdf_string(line) + b" Tj T*\n")
    content.write(b"ET\n")
    stream = content.getvalue()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_docx(title: str, record_id: str, text: str) -> bytes:
    """A Word document: one paragraph per line, written by hand into the zip."""
    paragraphs = [title, f"Ref: {record_id}", *text.split("\n")]
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, part in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, part.encode("utf-8"))
    return out.getvalue()


def write_eml(title: str, record_id: str, text: str, day: dt.date, sender: str) -> bytes:
    """An e-mail as a partner agency would send it, dated on the record's day."""
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = "Cindermoor MASH <mash@police.cindermoor.example>"
    message["Subject"] = f"{title} [{record_id}]"
    message["Date"] = format_datetime(
        dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=dt.UTC)
    )
    message["Message-ID"] = f"<{record_id.lower()}@cindermoor.example>"
    message.set_content(text)
    return message.as_bytes()


def write_html(title: str, record_id: str, text: str) -> bytes:
    """An HTML page as an intelligence system's print view shows it."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n"))
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>Ref: {html.escape(record_id)}</p>\n"
        f"{paragraphs}</body></html>\n"
    )
    return page.encode("utf-8")


def write_original(
    fmt: str, title: str, record_id: str, text: str, day: dt.date, sender: str
) -> bytes:
    """The original document of a record in the given format."""
    if fmt == "pdf":
        return write_pdf(title, record_id, text)
    if fmt == "docx":
        return write_docx(title, record_id, text)
    if fmt == "eml":
        return write_eml(title, record_id, text, day, sender)
    if fmt == "html":
        return write_html(title, record_id, text)
    raise ValueError(f"unknown document format {fmt!r}")
