"""Word documents (`.docx`), read without python-docx.

A DOCX is a zip archive, so it can be a zip bomb, and its XML can carry an
entity-expansion bomb. The archive is checked before anything is inflated
(entry count, the declared size of the one member read), the member is
counted again while it inflates (a declared size can lie), and the XML is
parsed by defusedxml with DTDs forbidden, as events, without building a tree.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import IO

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from threadline.errors import DocumentError
from threadline.ingest.documents.extracted import ExtractedText, TextBudget
from threadline.ingest.documents.limits import DocumentLimits, describe_bytes

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAIN_PART = "word/document.xml"

# Transitional (what Word writes) and Strict OOXML name the same elements.
_WORD_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    }
)

# The first bytes of an OLE compound file: old binary .doc, and also how Word
# stores a password-protected .docx.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_CHUNK = 64 * 1024


class BoundedReader:
    """Reads a stream and refuses to yield more than `limit` bytes in total.

    Args:
        stream: the stream to read, e.g. an opened zip member.
        limit: the most bytes allowed.
        what: what is being read, for the error message.
    """

    def __init__(self, stream: IO[bytes], limit: int, what: str) -> None:
        self._stream = stream
        self._limit = limit
        self._what = what
        self._count = 0

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes (all remaining, within the limit, if negative).

        Raises:
            DocumentError: once more than the limit has come out of the stream.
        """
        allowance = self._limit - self._count + 1
        data = self._stream.read(allowance if size < 0 else min(size, allowance))
        self._count += len(data)
        if self._count > self._limit:
            raise DocumentError(
                f"{self._what} inflates to more than the limit of {describe_bytes(self._limit)}"
            )
        return data


class _WordText:
    """An XML parser target that turns WordprocessingML events into lines.

    Each paragraph (`w:p`), in body text or in a table cell, becomes one
    line. Inside a run, `w:t` gives text, `w:tab` / `w:ptab` a tab and
    `w:br` / `w:cr` a line break. Deleted text (`w:delText`) and field codes (`w:instrText`)
    are not part of the text a reader sees, so they are skipped.
    """

    def __init__(self, budget: TextBudget) -> None:
        self._budget = budget
        self._path: list[str] = []
        # A paragraph can hold another (a text box), so paragraphs nest.
        self._open_paragraphs: list[list[str]] = []
        self.lines: list[str] = []

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        name = _local_name(tag)
        self._path.append(name)
        if name == "p":
            self._open_paragraphs.append([])

    def end(self, tag: str) -> None:
        name = _local_name(tag)
        in_run = len(self._path) >= 2 and self._path[-2] == "r"
        self._path.pop()
        if name == "p" and self._open_paragraphs:
            line = "".join(self._open_paragraphs.pop())
            self._budget.spend(len(line) + 1)
            self.lines.append(line)
        elif in_run and name in ("tab", "ptab"):
            self._add("\t")
        elif in_run and name in ("br", "cr"):
            self._add("\n")
        elif in_run and name == "noBreakHyphen":
            self._add("-")

    def data(self, text: str) -> None:
        if self._path and self._path[-1] == "t":
            self._add(text)

    def close(self) -> None:
        return None

    def _add(self, text: str) -> None:
        if self._open_paragraphs:
            self._budget.spend(len(text))
            self._open_paragraphs[-1].append(text)


def _local_name(tag: str) -> str:
    """The element's name if it is WordprocessingML, else a name matching nothing."""
    namespace, _, name = tag[1:].rpartition("}")
    return name if namespace in _WORD_NAMESPACES else ""


def _declared_entry_count(data: bytes) -> int | None:
    """Read how many entries the archive's end record declares, before opening it.

    `zipfile` loads the whole central directory into memory when it opens an
    archive; this lets an archive claiming millions of entries be refused
    first. Returns None when there is no readable end record (zipfile then
    says what is wrong).
    """
    # The end record is 22 bytes plus a comment of at most 65,535.
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        return None
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    if count != 0xFFFF:
        return count
    # Zip64: a locator just before the end record points at the real count.
    locator = end - 20
    if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
        return count
    record = int.from_bytes(data[locator + 8 : locator + 16], "little")
    if data[record : record + 4] != b"PK\x06\x06":
        return count
    return int.from_bytes(data[record + 32 : record + 40], "little")


def _open_archive(data: bytes, limits: DocumentLimits) -> zipfile.ZipFile:
    if data.startswith(_OLE_SIGNATURE):
        raise DocumentError(
            "is not a DOCX archive but an OLE file: either password-protected "
            "or an old binary Word document; ask for an unprotected .docx copy"
        )
    declared = _declared_entry_count(data)
    if declared is not None and declared > limits.max_zip_members:
        raise DocumentError(
            f"DOCX archive declares {declared:,} entries, over the limit of "
            f"{limits.max_zip_members:,}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"is not a readable DOCX (zip) archive: {exc}") from None
    entries = len(archive.infolist())
    if entries > limits.max_zip_members:
        archive.close()
        raise DocumentError(
            f"DOCX archive holds {entries:,} entries, over the limit of {limits.max_zip_members:,}"
        )
    return archive


def read_docx(data: bytes, limits: DocumentLimits) -> ExtractedText:
    """Extract a `.docx` original: the paragraphs of its main document part."""
    with _open_archive(data, limits) as archive:
        try:
            member = archive.getinfo(MAIN_PART)
        except KeyError:
            raise DocumentError(f"is not a Word document: it has no {MAIN_PART}") from None
        if member.file_size > limits.max_decompressed_bytes:
            raise DocumentError(
                f"DOCX part {MAIN_PART} declares {describe_bytes(member.file_size)} "
                f"uncompressed, over the limit of {describe_bytes(limits.max_decompressed_bytes)}"
            )
        target = _WordText(TextBudget(limits.max_text_chars))
        try:
            with archive.open(member) as stream:
                _parse(BoundedReader(stream, limits.max_decompressed_bytes, MAIN_PART), target)
        except zipfile.BadZipFile as exc:
            # Also what a lying size header ends in: the CRC of the bytes read
            # up to the declared size does not match.
            raise DocumentError(f"DOCX archive is damaged: {exc}") from None
        except (RuntimeError, NotImplementedError) as exc:
            # zipfile's words for an encrypted member or an unknown compression.
            raise DocumentError(f"DOCX part {MAIN_PART} cannot be read: {exc}") from None
    lines = target.lines
    return ExtractedText(
        text="\n".join(lines),
        media_type=MEDIA_TYPE,
        detail=f"docx, {len(lines)} paragraph{'' if len(lines) == 1 else 's'}",
    )


def _parse(source: BoundedReader, target: _WordText) -> None:
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    try:
        while chunk := source.read(_CHUNK):
            parser.feed(chunk)
        parser.close()
    except defusedxml.DTDForbidden:
        raise DocumentError(
            f"DOCX part {MAIN_PART} declares a DTD, which Word never writes and which "
            "can hide an entity-expansion bomb; refused"
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise DocumentError(f"DOCX part {MAIN_PART} declares XML entities; refused") from None
    except ParseError as exc:
        raise DocumentError(f"DOCX part {MAIN_PART} is not well-formed XML: {exc}") from None
