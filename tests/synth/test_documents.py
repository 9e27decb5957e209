"""Original documents: written with the standard library, read back by ordinary readers."""

from __future__ import annotations

import datetime as dt
import email
import io
import zipfile
from email import policy
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from tests.synth.conftest import Bundle
from threadline.synth.documents import pdf_encodable, write_docx, write_eml, write_html, write_pdf

TEXT = "Female, 14, seen getting into silver Vauxhall Astra TA05KTX outside Golden Fry (Wellgate)."
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def squash(text: str) -> str:
    return " ".join(text.split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def read_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def read_docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def read_eml(data: bytes) -> str:
    message = email.message_from_bytes(data, policy=policy.default)
    body = message.get_body()  # type: ignore[attr-defined]
    return f"{message['Subject']}\n{body.get_content()}"


def read_html(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return " ".join(parser.parts)


READERS = {"pdf": read_pdf, "docx": read_docx, "eml": read_eml, "html": read_html}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_each_writer_round_trips_the_text(fmt: str) -> None:
    text = TEXT if fmt == "pdf" else TEXT + " Łukasz WÓJCIK, Öztürk."
    if fmt == "pdf":
        data = write_pdf("Vehicle seen", "INT-000001", text)
    elif fmt == "docx":
        data = write_docx("Vehicle seen", "INT-000001", text)
    elif fmt == "eml":
        sender = "CSC <csc@council.cindermoor.example>"
        data = write_eml("Vehicle seen", "INT-000001", text, dt.date(2004, 6, 12), sender)
    else:
        data = write_html("Vehicle seen", "INT-000001", text)
    assert squash(text) in squash(READERS[fmt](data))


def test_pdf_refuses_what_its_font_cannot_show() -> None:
    assert pdf_encodable("Zoë O'Brien")
    assert not pdf_encodable("Łukasz")
    with pytest.raises(UnicodeEncodeError):
        write_pdf("t", "INT-1", "Łukasz")


def test_writers_are_deterministic() -> None:
    sender = "CSC <csc@council.cindermoor.example>"
    day = dt.date(2004, 6, 12)
    assert write_docx("t", "R", TEXT) == write_docx("t", "R", TEXT)
    assert write_eml("t", "R", TEXT, day, sender) == write_eml("t", "R", TEXT, day, sender)
    assert write_pdf("t", "R", TEXT) == write_pdf("t", "R", TEXT)


def test_bundle_originals_hold_their_records_text(scale_one: Bundle) -> None:
    seen = set()
    for record in scale_one.records:
        if "file" not in record:
            continue
        fmt = record["file"].rsplit(".", 1)[1]
        extracted = READERS[fmt]((scale_one.path / record["file"]).read_bytes())
        assert record["id"] in extracted
        if "text" in record:
            assert squash(record["text"]) in squash(extracted), record["id"]
        else:
            assert len(squash(extracted)) > 40
        seen.add(fmt)
    assert seen == set(READERS)
