"""Text extraction from original documents, including hostile ones.

Every fixture is built here. Hostile files are made small by lowering the
limits they meet, so each test shows the mechanism without costing the
machine what a real bomb would.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from tests.ingest.document_builders import (
    document_xml,
    docx,
    flate,
    minimal_pdf,
    page_content,
    paragraph,
    run,
    table,
    with_declared_size,
)
from threadline.errors import DocumentError, ThreadlineError
from threadline.ingest.documents import (
    SUPPORTED_SUFFIXES,
    DocumentExtractor,
    DocumentLimits,
    ExtractedText,
    UnreadableDocument,
    extract_text,
    normalise_text,
)
from threadline.ingest.documents.docx import BoundedReader
from threadline.ingest.documents.limits import MIB, describe_bytes, describe_seconds

LIMITS = DocumentLimits()
SMALL_INFLATION = DocumentLimits(max_decompressed_bytes=1 * MIB)
WORD_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def write(directory: Path, name: str, data: bytes | str) -> Path:
    path = directory / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def refused(path: Path, limits: DocumentLimits = LIMITS) -> str:
    """Extract `path`, expecting a DocumentError; return its message."""
    with pytest.raises(UnreadableDocument) as caught:
        extract_text(path, limits)
    message = str(caught.value)
    assert (caught.value.path, caught.value.reason) == (str(path), message[len(f"{path}: ") :])
    assert message.startswith(f"{path}: "), message
    return message


# --- plain text -----------------------------------------------------------


def test_utf8_text_with_non_ascii_names(tmp_path: Path) -> None:
    path = write(tmp_path, "INT-000123.txt", "Zoë BAKER seen with Ahmed Çelik at Canal St.\n")
    assert extract_text(path, LIMITS) == ExtractedText(
        text="Zoë BAKER seen with Ahmed Çelik at Canal St.\n",
        media_type="text/plain",
        detail="txt, utf-8",
    )


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfZo\xc3\xab")
    extracted = extract_text(path, LIMITS)
    assert (extracted.text, extracted.detail) == ("Zoë", "txt, utf-8 with BOM")


def test_utf16_with_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Ahmed Çelik\r\n".encode("utf-16"))
    extracted = extract_text(path, LIMITS)
    assert (extracted.text, extracted.detail) == ("Ahmed Çelik\n", "txt, utf-16")


def test_windows_text_falls_back_to_cp1252_and_says_so(tmp_path: Path) -> None:
    # "…" and "’" exist in cp1252 but not in latin-1: this is cp1252, not a guess.
    path = write(tmp_path, "a.txt", "Zoë said “he’s called Taz”…".encode("cp1252"))
    extracted = extract_text(path, LIMITS)
    assert (extracted.text, extracted.detail) == ("Zoë said “he’s called Taz”…", "txt, cp1252")


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"Zo\xeb \x81")
    extracted = extract_text(path, LIMITS)
    assert (extracted.text, extracted.detail) == ("Zoë \x81", "txt, latin-1")


def test_normalisation_changes_only_crlf_and_nul(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"line one\r\nline\x00 two\rthree\n\tend  ")
    assert extract_text(path, LIMITS).text == "line one\nline two\rthree\n\tend  "


def test_suffix_is_matched_case_insensitively(tmp_path: Path) -> None:
    path = write(tmp_path, "STATEMENT.TXT", "S1")
    assert extract_text(path, LIMITS).text == "S1"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property")


@settings(max_examples=60, deadline=None)
@given(text=st.text())
def test_any_utf8_text_comes_back_normalised(scratch: Path, text: str) -> None:
    # A leading U+FEFF is read as a byte-order mark, by design.
    assume(not text.startswith("\ufeff"))
    path = write(scratch, "p.txt", text.encode("utf-8"))
    assert extract_text(path, LIMITS).text == normalise_text(text)


def test_text_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "x" * 11)
    message = refused(path, DocumentLimits(max_text_chars=10))
    assert "longer than the limit of 10 characters" in message


# --- files themselves -------------------------------------------------------


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.pdf", b"%PDF" + b"\0" * 2044)
    message = refused(path, DocumentLimits(max_file_bytes=1024))
    assert message.endswith("is 2 KiB, over the limit of 1 KiB")


def test_unsupported_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0")
    message = refused(path)
    assert "unsupported document type '.doc'" in message
    assert ".docx" in message


def test_missing_file(tmp_path: Path) -> None:
    message = refused(tmp_path / "gone.txt")
    assert "cannot be read" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert refused(path).endswith("is not a regular file")


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_seconds"):
        DocumentLimits(max_seconds=0)


def test_unreadable_document_is_a_document_error_and_pickles() -> None:
    error = UnreadableDocument("files/S1.pdf", "PDF is damaged")
    assert isinstance(error, DocumentError)
    assert isinstance(error, ThreadlineError)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.path, copy.reason) == (
        "files/S1.pdf: PDF is damaged",
        "files/S1.pdf",
        "PDF is damaged",
    )


def test_sizes_and_durations_read_naturally() -> None:
    assert [describe_bytes(n) for n in (200, 1536, 64 * MIB, 3 * 1024 * MIB // 2)] == [
        "200 bytes",
        "1.5 KiB",
        "64 MiB",
        "1.5 GiB",
    ]
    assert (describe_seconds(30.0), describe_seconds(0.5)) == ("30 s", "0.5 s")


def test_supported_suffixes() -> None:
    assert sorted(SUPPORTED_SUFFIXES) == [".docx", ".eml", ".htm", ".html", ".pdf", ".txt"]


# --- PDF ------------------------------------------------------------------


def test_pdf_pages_joined_by_a_blank_line(tmp_path: Path) -> None:
    pdf = minimal_pdf(
        [["Zoë BAKER seen with Ahmed Çelik", "VRM AB12 CDE (silver Astra)"], ["Page two"]]
    )
    assert len(pdf) < 1500
    extracted = extract_text(write(tmp_path, "CR-000045.pdf", pdf), LIMITS)
    assert extracted == ExtractedText(
        text="Zoë BAKER seen with Ahmed Çelik\nVRM AB12 CDE (silver Astra)\n\nPage two",
        media_type="application/pdf",
        detail="pdf, 2 pages",
    )


def _encrypted(pdf: bytes, *, user_password: str, owner_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_needing_a_password_is_refused(tmp_path: Path) -> None:
    pdf = _encrypted(minimal_pdf([["secret"]]), user_password="s3cret", owner_password="0wner")
    message = refused(write(tmp_path, "locked.pdf", pdf))
    assert "PDF is encrypted and needs a password to open" in message


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    # Restricts printing and copying, but anyone may open it: so may we.
    pdf = _encrypted(minimal_pdf([["Ahmed Çelik"]]), user_password="", owner_password="0wner")
    assert extract_text(write(tmp_path, "restricted.pdf", pdf), LIMITS).text == "Ahmed Çelik"


def test_pdf_decompression_bomb_is_refused(tmp_path: Path) -> None:
    # 4 MiB of content stream in a few kilobytes, against a 1 MiB limit.
    stream = flate(page_content(["x"]) + b" " * (4 * MIB))
    path = write(tmp_path, "bomb.pdf", minimal_pdf([], streams=[stream]))
    assert path.stat().st_size < 10_000
    started = time.process_time()  # processor time: a loaded machine does not inflate it
    message = refused(path, SMALL_INFLATION)
    assert "PDF exceeds a safety limit" in message
    assert time.process_time() - started < 2
    # The same file is fine where the limit allows it.
    assert extract_text(path, LIMITS).text == "x"


def test_damaged_pdf_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "junk.pdf", b"%PDF-1.4\nnot really a pdf"))
    assert "PDF is damaged or unreadable" in message or "could not be read" in message


# --- DOCX -----------------------------------------------------------------


def test_docx_paragraphs_tabs_breaks_and_tables(tmp_path: Path) -> None:
    body = (
        paragraph(run("Statement of Zoë BAKER")),
        paragraph(
            '<w:r><w:t>Name:</w:t><w:tab/><w:t xml:space="preserve">Ahmed Çelik</w:t>'
            "<w:br/><w:t>aka Taz</w:t></w:r>"
        ),
        # A tab stop in paragraph properties is layout, not text.
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        + run("Seen 12/06/2004")
        + "</w:p>",
        # Deleted text (tracked changes) and field codes are not what a reader sees.
        "<w:p><w:del><w:r><w:delText>withdrawn</w:delText></w:r></w:del>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>kept</w:t></w:r></w:p>",
        paragraph(),
        table([["Name", "VRM"], ["Zoë BAKER", "AB12 CDE"]]),
    )
    path = write(tmp_path, "S1.docx", docx(document_xml("".join(body))))
    extracted = extract_text(path, LIMITS)
    assert extracted == ExtractedText(
        text=(
            "Statement of Zoë BAKER\nName:\tAhmed Çelik\naka Taz\nSeen 12/06/2004\nkept\n\n"
            "Name\nVRM\nZoë BAKER\nAB12 CDE"
        ),
        media_type=WORD_MEDIA_TYPE,
        detail="docx, 9 paragraphs",
    )


def test_docx_whose_part_inflates_past_the_limit_is_refused_unread(tmp_path: Path) -> None:
    # An honest header: 4 MiB declared, compressed to a few kilobytes.
    bomb = docx(document_xml(paragraph(run("x")) + " " * (4 * MIB)))
    path = write(tmp_path, "bomb.docx", bomb)
    assert len(bomb) < 20_000
    message = refused(path, SMALL_INFLATION)
    assert "declares 4 MiB uncompressed, over the limit of 1 MiB" in message


def test_docx_declaring_a_huge_size_is_refused_at_once(tmp_path: Path) -> None:
    archive = docx(document_xml(paragraph(run("x"))))
    path = write(tmp_path, "huge.docx", with_declared_size(archive, "word/document.xml", 2**32 - 1))
    started = time.process_time()
    message = refused(path)
    assert time.process_time() - started < 1
    assert "declares 4 GiB uncompressed, over the limit of 256 MiB" in message


def test_docx_declaring_a_small_size_but_inflating_large_is_refused(tmp_path: Path) -> None:
    # The headers say 200 bytes; the data inflates to 4 MiB. Reading stops at
    # the declared size, where the checksum gives the lie away.
    bomb = docx(document_xml(paragraph(run("x")) + " " * (4 * MIB)))
    path = write(tmp_path, "liar.docx", with_declared_size(bomb, "word/document.xml", 200))
    started = time.process_time()
    message = refused(path, SMALL_INFLATION)
    assert time.process_time() - started < 1
    assert "DOCX archive is damaged" in message
    assert "CRC" in message


def test_bounded_reader_stops_a_stream_that_outgrows_its_limit() -> None:
    # The second line of defence, should a declared size ever be bypassed.
    reader = BoundedReader(io.BytesIO(b"x" * 100), 64, "word/document.xml")
    assert reader.read(60) == b"x" * 60
    with pytest.raises(DocumentError, match="inflates to more than the limit of 64 bytes"):
        reader.read(60)
    assert BoundedReader(io.BytesIO(b"x" * 64), 64, "part").read() == b"x" * 64


def test_docx_with_too_many_members_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "many.docx", docx(document_xml(""), extra_members=20))
    message = refused(path, DocumentLimits(max_zip_members=10))
    assert "DOCX archive declares 23 entries, over the limit of 10" in message


def test_docx_understating_its_entry_count_is_still_refused(tmp_path: Path) -> None:
    archive = bytearray(docx(document_xml(""), extra_members=20))
    end = archive.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", archive, end + 8, 1, 1)  # "1 entry", says the end record
    message = refused(
        write(tmp_path, "liar.docx", bytes(archive)), DocumentLimits(max_zip_members=10)
    )
    assert "DOCX archive holds 23 entries, over the limit of 10" in message


def test_docx_entry_count_is_read_from_zip64_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past 65,535 entries the count moves to the zip64 end record; make
    # zipfile write one for a small archive rather than build 65,536 entries.
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)
    archive = docx(document_xml(""), extra_members=20)
    monkeypatch.undo()
    assert b"PK\x06\x06" in archive
    message = refused(write(tmp_path, "z64.docx", archive), DocumentLimits(max_zip_members=10))
    assert "DOCX archive declares 23 entries, over the limit of 10" in message


BILLION_LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL_ENTITY = '<!DOCTYPE w:document [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("prolog", "reference"), [(BILLION_LAUGHS, "&lol3;"), (EXTERNAL_ENTITY, "&leak;")]
)
def test_docx_with_a_dtd_is_refused(tmp_path: Path, prolog: str, reference: str) -> None:
    body = paragraph(f"<w:r><w:t>{reference}</w:t></w:r>")
    path = write(tmp_path, "entities.docx", docx(document_xml(body, prolog=prolog)))
    message = refused(path)
    assert "declares a DTD" in message
    assert "entity-expansion bomb" in message


def test_docx_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "fake.docx", b"just text"))
    assert "is not a readable DOCX (zip) archive" in message


def test_password_protected_docx_is_recognised(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    message = refused(write(tmp_path, "protected.docx", ole))
    assert "password-protected" in message


def test_docx_without_a_main_document_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/styles.xml", "<x/>")
    message = refused(write(tmp_path, "empty.docx", buffer.getvalue()))
    assert "has no word/document.xml" in message


def test_docx_with_broken_xml_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.docx", docx(b"<w:document><w:body>"))
    assert "is not well-formed XML" in refused(path)


# --- e-mail ---------------------------------------------------------------


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Zoë Baker <zoe.baker@example.org>"
    message["To"] = "Ahmed Çelik <a.celik@example.org>"
    message["Date"] = "Mon, 14 Jun 2004 10:00:00 +0100"
    message["Subject"] = "Referral re Canal Street"
    return message


def test_eml_headers_and_plain_body(tmp_path: Path) -> None:
    message = _message()
    message.set_content("Girl reported missing 2130 hrs.\nSeen in silver Astra AB12 CDE.\n")
    message.add_alternative("<p>HTML copy, not used</p>", subtype="html")
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw  # the names travel encoded, and must come back decoded
    extracted = extract_text(write(tmp_path, "M1.eml", raw), LIMITS)
    assert extracted == ExtractedText(
        text=(
            "From: Zoë Baker <zoe.baker@example.org>\n"
            "To: Ahmed Çelik <a.celik@example.org>\n"
            "Date: Mon, 14 Jun 2004 10:00:00 +0100\n"
            "Subject: Referral re Canal Street\n"
            "\n"
            "Girl reported missing 2130 hrs.\nSeen in silver Astra AB12 CDE.\n"
        ),
        media_type="message/rfc822",
        detail="eml, 3 parts, text/plain body",
    )


def test_eml_with_only_html_uses_the_html_as_text(tmp_path: Path) -> None:
    message = _message()
    message.set_content("<p>Strategy meeting held.</p><p>Referral to <b>CSC</b>.</p>", "html")
    extracted = extract_text(write(tmp_path, "M2.eml", message.as_bytes()), LIMITS)
    assert extracted.text.endswith(
        "Subject: Referral re Canal Street\n\nStrategy meeting held.\n\nReferral to CSC."
    )
    assert extracted.detail == "eml, 1 part, text/html body"


def test_eml_with_an_unknown_charset_is_still_read(tmp_path: Path) -> None:
    raw = (
        b"From: PC 1234\r\nSubject: Log\r\nContent-Type: text/plain; charset=x-unheard-of\r\n"
        b"\r\nVehicle AB12 CDE seen.\r\n"
    )
    assert extract_text(write(tmp_path, "M3.eml", raw), LIMITS).text == (
        "From: PC 1234\nSubject: Log\n\nVehicle AB12 CDE seen.\n"
    )


def test_eml_folded_and_encoded_headers_read_as_written(tmp_path: Path) -> None:
    raw = (
        b"From: =?utf-8?q?Zo=C3=AB_BAKER?= <z.baker@example.org>\r\n"
        b"To: PC 1234,\r\n =?iso-8859-1?q?Ahmed_=C7elik?=\r\n"
        b"Subject: =?utf-8?b?UmU6IMOHZWxpaw==?=\r\n"
        b"Subject: second subject line, ignored\r\n"
        b"\r\nBody.\r\n"
    )
    assert extract_text(write(tmp_path, "M4.eml", raw), LIMITS).text == (
        "From: Zoë BAKER <z.baker@example.org>\nTo: PC 1234, Ahmed Çelik\n"
        "Subject: Re: Çelik\n\nBody.\n"
    )


def test_eml_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    message = _message()
    message.set_content("body")
    for index in range(12):
        message.add_attachment(
            b"x", maintype="application", subtype="octet-stream", filename=f"a{index}.bin"
        )
    message_path = write(tmp_path, "many.eml", message.as_bytes())
    assert "more than the limit of 10 MIME parts" in refused(
        message_path, DocumentLimits(max_mime_parts=10)
    )
    assert extract_text(message_path, LIMITS).detail == "eml, 14 parts, text/plain body"


# --- HTML -----------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Intelligence log</title>
<style>p { color: red }</style>
<script>var s = "<p>not text</p>";</script></head>
<body>
  <h1>Log   entry&nbsp;42</h1>
  <p>Seen at   Mumtaz Takeaway,
     4 Wellgate &amp; Canal St.</p>
  <div>Named: Zo&euml; BAKER, <b>Ahmed</b> &#199;elik</div>
  <ul><li>AB12 CDE</li><li>07700 900123</li></ul>
  <table><tr><th>Name</th><th>VRM</th></tr><tr><td>TAZ</td><td>AB12 CDE</td></tr></table>
  first<br>second<br><br>fourth
  <pre>  keep   this
    spacing</pre>
  <template><p>never shown</p></template>
</body></html>"""


def test_html_as_readable_text(tmp_path: Path) -> None:
    extracted = extract_text(write(tmp_path, "log.html", PAGE), LIMITS)
    assert extracted == ExtractedText(
        text=(
            "Intelligence log\n\n"
            "Log entry\xa042\n\n"
            "Seen at Mumtaz Takeaway, 4 Wellgate & Canal St.\n\n"
            "Named: Zoë BAKER, Ahmed Çelik\n\n"
            "AB12 CDE\n07700 900123\n\n"
            "Name\tVRM\nTAZ\tAB12 CDE\n\n"
            "first\nsecond\n\nfourth\n\n"
            "  keep   this\n    spacing"
        ),
        media_type="text/html",
        detail="html, utf-8",
    )


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body>Zoë Çelik</body></html>'
    extracted = extract_text(write(tmp_path, "old.htm", page.encode("cp1252")), LIMITS)
    assert (extracted.text, extracted.detail) == ("Zoë Çelik", "html, windows-1252")


def test_html_unclosed_script_hides_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "x.html", "<p>before</p><script>document.write('<p>x</p>')")
    assert extract_text(path, LIMITS).text == "before"


# --- the worker process -------------------------------------------------------


@pytest.fixture(scope="module")
def extractor() -> Iterator[DocumentExtractor]:
    with DocumentExtractor(DocumentLimits(max_seconds=20)) as shared:
        yield shared


def test_worker_gives_the_same_text_and_is_reused(
    extractor: DocumentExtractor, tmp_path: Path
) -> None:
    pdf = write(tmp_path, "a.pdf", minimal_pdf([["Ahmed Çelik"]]))
    txt = write(tmp_path, "b.txt", "Zoë")
    assert extractor.extract(pdf) == extract_text(pdf, LIMITS)
    pid = extractor.worker_pid
    assert extractor.extract(txt).text == "Zoë"
    assert extractor.worker_pid == pid


def test_worker_reports_a_refused_document_and_carries_on(
    extractor: DocumentExtractor, tmp_path: Path
) -> None:
    word97 = write(tmp_path, "x.doc", b"")
    with pytest.raises(DocumentError, match=r"x\.doc: unsupported document type '\.doc'") as caught:
        extractor.extract(word97)
    assert str(caught.value).startswith(f"{word97}: ")
    pid = extractor.worker_pid
    assert extractor.extract(write(tmp_path, "ok.txt", "fine")).text == "fine"
    assert extractor.worker_pid == pid


def test_worker_resolves_relative_paths_where_the_caller_stands(
    extractor: DocumentExtractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "rel.txt", "relative")
    monkeypatch.chdir(tmp_path)
    assert extractor.extract(Path("rel.txt")).text == "relative"


def test_slow_document_is_stopped_and_the_next_one_read(tmp_path: Path) -> None:
    # Legitimate but slow: two million paragraphs take the parser seconds.
    slow = write(tmp_path, "slow.html", "<p>x</p>" * 2_000_000)
    small = write(tmp_path, "small.txt", "Ahmed Çelik")
    with DocumentExtractor(DocumentLimits(max_seconds=1)) as extractor:
        assert extractor.extract(small).text == "Ahmed Çelik"
        first_worker = extractor.worker_pid
        started = time.monotonic()
        with pytest.raises(UnreadableDocument) as caught:
            extractor.extract(slow)
        # Stopped at its 1 s wall-clock limit; the margin absorbs a loaded machine.
        assert time.monotonic() - started < 15
        assert str(caught.value) == f"{slow}: reading it took longer than 1 s and was stopped"
        assert caught.value.reason == "reading it took longer than 1 s and was stopped"
        assert extractor.worker_pid is None
        assert extractor.extract(small).text == "Ahmed Çelik"
        assert extractor.worker_pid not in (None, first_worker)


def test_memory_hungry_document_is_stopped_and_the_next_one_read(tmp_path: Path) -> None:
    # 96 MiB of legitimate text, allowed by every size limit, in a worker
    # allowed 128 MiB of address space (its interpreter alone takes ~50).
    hungry = tmp_path / "hungry.txt"
    hungry.write_bytes(b"Seen again. " * (8 * MIB))
    small = write(tmp_path, "small.txt", "Zoë")
    limits = DocumentLimits(
        max_file_bytes=256 * MIB, max_text_chars=256 * MIB, max_memory_bytes=128 * MIB
    )
    try:
        with DocumentExtractor(limits) as extractor:
            with pytest.raises(UnreadableDocument) as caught:
                extractor.extract(hungry)
            assert str(caught.value) == (
                f"{hungry}: reading it needed more than 128 MiB of memory and was stopped"
            )
            assert extractor.extract(small).text == "Zoë"
    finally:
        hungry.unlink()


def test_worker_killed_mid_document_is_reported_and_replaced(tmp_path: Path) -> None:
    slow = write(tmp_path, "slow.html", "<p>x</p>" * 2_000_000)
    small = write(tmp_path, "small.txt", "ok")
    with DocumentExtractor(DocumentLimits(max_seconds=20)) as extractor:
        extractor.extract(small)
        pid = extractor.worker_pid
        assert pid is not None
        killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))
        killer.start()
        try:
            with pytest.raises(DocumentError, match="killed from outside"):
                extractor.extract(slow)
        finally:
            killer.cancel()
        assert extractor.extract(small).text == "ok"


def test_interrupted_wait_never_hands_a_stale_answer_to_the_next_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path, "first.txt", "first")
    second = write(tmp_path, "second.txt", "second")
    with DocumentExtractor() as extractor:
        extractor.extract(first)
        pid = extractor.worker_pid

        def interrupted(self: object, timeout: float) -> bool:
            raise KeyboardInterrupt

        # Ctrl-C arrives while the parent waits: the worker still answers
        # "first" into the pipe, so it must be replaced, not asked again.
        with monkeypatch.context() as patch:
            patch.setattr(Connection, "poll", interrupted)
            with pytest.raises(KeyboardInterrupt):
                extractor.extract(first)
        assert extractor.extract(second).text == "second"
        assert extractor.worker_pid != pid


def test_worker_that_died_while_idle_is_replaced(tmp_path: Path) -> None:
    small = write(tmp_path, "small.txt", "ok")
    with DocumentExtractor() as extractor:
        extractor.extract(small)
        pid = extractor.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        assert extractor.extract(small).text == "ok"
        assert extractor.worker_pid != pid


def test_processor_time_limit_kills_a_worker_left_running() -> None:
    # The backstop for a worker whose parent is gone: nobody is left to
    # enforce the wall-clock limit, so the kernel does, with SIGXCPU.
    code = (
        "from threadline.ingest.documents.worker import _allow_processor_time\n"
        "_allow_processor_time(0.2)\n"
        "while True: pass\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run([sys.executable, "-c", code], timeout=60, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert finished.returncode == -signal.SIGXCPU
    # Processor time, not wall time: a loaded machine delays the kill, not the limit.
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < 5


def test_worker_does_not_outlive_the_extractor(tmp_path: Path) -> None:
    with DocumentExtractor() as extractor:
        extractor.extract(write(tmp_path, "a.txt", "a"))
        pid = extractor.worker_pid
        assert pid is not None
    assert extractor.worker_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
