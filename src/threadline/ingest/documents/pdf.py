"""PDF originals, read page by page with pypdf.

pypdf has its own safety limits (stream sizes, decoding work, page-tree
depth); they are tightened here so that no single stream may inflate beyond
`DocumentLimits.max_decompressed_bytes`, and pypdf is told never to call
external decoders. Endless loops in malformed files are not caught here:
`DocumentExtractor`'s time limit stops them.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, apply_configuration, get_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError

from threadline.errors import DocumentError
from threadline.ingest.documents.extracted import ExtractedText, TextBudget
from threadline.ingest.documents.limits import DocumentLimits

MEDIA_TYPE = "application/pdf"
PAGE_SEPARATOR = "\n\n"

# pypdf's per-stream output caps, each lowered to our own decompression limit.
_STREAM_CAPS = (
    "maximum_declared_stream_length",
    "array_based_stream_maximum_output_length",
    "jbig2_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "zlib_maximum_output_length",
    "brotli_maximum_output_length",
    "stream_decoding_work_maximum_length",
    "image_maximum_buffer_size",
)


def _pypdf_limits(limits: DocumentLimits) -> dict[str, Any]:
    current = get_configuration()
    caps: dict[str, Any] = {
        name: min(getattr(current, name), limits.max_decompressed_bytes) for name in _STREAM_CAPS
    }
    caps["jbig2dec_binary"] = None
    return caps


def read_pdf(data: bytes, limits: DocumentLimits) -> ExtractedText:
    """Extract a `.pdf` original: each page's text, pages separated by a blank line.

    A PDF encrypted with only an owner password (which restricts printing or
    copying but opens for anyone) is read; one that needs a password to open
    is refused.
    """
    budget = TextBudget(limits.max_text_chars)
    try:
        with apply_configuration(**_pypdf_limits(limits)):
            reader = PdfReader(io.BytesIO(data), strict=False)
            pages: list[str] = []
            for page in reader.pages:
                text = page.extract_text()
                budget.spend(len(text) + len(PAGE_SEPARATOR))
                pages.append(text)
    except FileNotDecryptedError:
        raise DocumentError(
            "PDF is encrypted and needs a password to open; ask for an unprotected copy"
        ) from None
    except DependencyError as exc:
        # pypdf without the cryptography package cannot undo AES encryption.
        raise DocumentError(f"PDF is encrypted in a way that cannot be read here: {exc}") from None
    except LimitReachedError as exc:
        raise DocumentError(f"PDF exceeds a safety limit: {exc}") from None
    except PyPdfError as exc:
        raise DocumentError(f"PDF is damaged or unreadable: {exc}") from None
    return ExtractedText(
        text=PAGE_SEPARATOR.join(pages),
        media_type=MEDIA_TYPE,
        detail=f"pdf, {len(pages)} page{'' if len(pages) == 1 else 's'}",
    )
