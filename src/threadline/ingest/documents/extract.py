"""Reading one original document's text in the current process."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from threadline.errors import DocumentError
from threadline.ingest.documents.docx import read_docx
from threadline.ingest.documents.eml import read_eml
from threadline.ingest.documents.extracted import ExtractedText, normalise_text
from threadline.ingest.documents.html_text import read_html
from threadline.ingest.documents.limits import DocumentLimits, describe_bytes
from threadline.ingest.documents.pdf import read_pdf
from threadline.ingest.documents.plain_text import read_plain_text
from threadline.ingest.documents.unreadable import UnreadableDocument

# How much more to read at a time from a file that grew after it was measured.
_GROWTH_CHUNK = 1024 * 1024

Reader = Callable[[bytes, DocumentLimits], ExtractedText]

READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".eml": read_eml,
    ".html": read_html,
    ".htm": read_html,
}


def extract_text(path: Path, limits: DocumentLimits) -> ExtractedText:
    """Extract the text of one original document, in this process.

    The reader is chosen by the file's suffix, case-insensitively. The byte,
    zip-member, MIME-part and character limits are enforced here; time and
    memory are not (a pathological file can still run long or grow large):
    for material from outside, use `DocumentExtractor`, which runs this in a
    worker process with those limits too.

    Args:
        path: the original document.
        limits: how much reading it may cost.

    Returns:
        The text, normalised (see `normalise_text`), with its media type and
        a note on how it was read.

    Raises:
        UnreadableDocument: (a DocumentError) the document's type is not
            supported, or it is too large, damaged, encrypted or hostile.
            The message is "path: reason"; `reason` alone says what is wrong.
    """
    try:
        return read_document(path, limits)
    except DocumentError as exc:
        raise UnreadableDocument(str(path), str(exc)) from None


def read_document(path: Path, limits: DocumentLimits) -> ExtractedText:
    """`extract_text`, with error messages that do not name the path."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(sorted(READERS))
        raise DocumentError(
            f"unsupported document type {path.suffix or '(no suffix)'!r}; supported: {supported}"
        )
    data = _read_capped(path, limits.max_file_bytes)
    try:
        extracted = reader(data, limits)
    except (DocumentError, MemoryError):
        raise
    except RecursionError:
        raise DocumentError("is nested too deeply to read") from None
    except Exception as exc:
        # Parsers meeting hostile input fail in ways they do not document
        # (IndexError, struct.error, ...); each means "cannot be read".
        raise DocumentError(f"could not be read: {type(exc).__name__}: {exc}") from None
    return ExtractedText(
        text=normalise_text(extracted.text),
        media_type=extracted.media_type,
        detail=extracted.detail,
    )


def _read_capped(path: Path, max_bytes: int) -> bytes:
    """Read a regular file of at most `max_bytes`, refusing anything else.

    Only regular files are opened: a FIFO would block forever, and a device
    such as /dev/zero never ends. The size is checked before reading and
    again while reading, since a file can grow between the two.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise DocumentError(f"cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError("is not a regular file")
    if info.st_size > max_bytes:
        raise DocumentError(
            f"is {describe_bytes(info.st_size)}, over the limit of {describe_bytes(max_bytes)}"
        )
    try:
        # O_NONBLOCK: should the path have been swapped for a FIFO since the
        # check, opening it must still not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as stream:
            data = _read_up_to(stream, expected=info.st_size, max_bytes=max_bytes)
    except OSError as exc:
        raise DocumentError(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise DocumentError(f"is over the limit of {describe_bytes(max_bytes)}")
    return data


def _read_up_to(stream: BinaryIO, *, expected: int, max_bytes: int) -> bytes:
    """Read a stream to its end, or to one byte past `max_bytes`.

    `read(n)` allocates n bytes before reading anything, so asking for the
    limit would cost the limit for every small file: ask for the size the
    file had, then for more only if it grew meanwhile.
    """
    chunks = [stream.read(min(expected, max_bytes) + 1)]
    total = len(chunks[0])
    while total <= max_bytes and chunks[-1]:
        chunks.append(stream.read(min(_GROWTH_CHUNK, max_bytes + 1 - total)))
        total += len(chunks[-1])
    return chunks[0] if len(chunks) == 2 and not chunks[1] else b"".join(chunks)
