"""Plain text files, and turning bytes of unknown encoding into text."""

from __future__ import annotations

import codecs

from threadline.ingest.documents.extracted import ExtractedText, TextBudget
from threadline.ingest.documents.limits import DocumentLimits

MEDIA_TYPE = "text/plain"

# Historic material is mostly UTF-8 or Windows "ANSI" (cp1252). latin-1 decodes
# any byte at all, so it comes last: it only catches the five bytes cp1252
# leaves undefined.
_FALLBACKS = ("cp1252", "latin-1")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes whose encoding is not declared.

    A byte-order mark decides the encoding (and is dropped). Otherwise UTF-8
    is tried strictly, then cp1252, then latin-1.

    Returns:
        The text, and the name of the encoding used ("utf-8 with BOM",
        "utf-16", "utf-8", "cp1252" or "latin-1").
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # The utf-16 codec reads the mark to choose the byte order, and drops it.
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in _FALLBACKS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def read_plain_text(data: bytes, limits: DocumentLimits) -> ExtractedText:
    """Extract a `.txt` original."""
    text, encoding = decode_bytes(data)
    TextBudget(limits.max_text_chars).spend(len(text))
    return ExtractedText(text=text, media_type=MEDIA_TYPE, detail=f"txt, {encoding}")
