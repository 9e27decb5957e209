"""Safe text extraction from original documents (.txt, .pdf, .docx, .eml, .html).

The public face of the package:

- `DocumentLimits`: how much one document may cost to read.
- `extract_text(path, limits)`: read one document in this process (size
  limits only; for trusted or already-checked files).
- `DocumentExtractor`: read documents in a reused worker process that also
  enforces the time and memory limits; use this for anything from outside.
- `ExtractedText`: the result (text, media type, a note on how it was read).

Every failure is an `UnreadableDocument`, a `threadline.errors.DocumentError`
whose message is "path: reason", with `path` and `reason` also apart.
"""

from threadline.ingest.documents.extract import READERS, extract_text
from threadline.ingest.documents.extracted import ExtractedText, normalise_text
from threadline.ingest.documents.limits import DocumentLimits
from threadline.ingest.documents.unreadable import UnreadableDocument
from threadline.ingest.documents.worker import DocumentExtractor

SUPPORTED_SUFFIXES = frozenset(READERS)
"""File suffixes (lower case, with the dot) that can be read."""

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DocumentExtractor",
    "DocumentLimits",
    "ExtractedText",
    "UnreadableDocument",
    "extract_text",
    "normalise_text",
]
