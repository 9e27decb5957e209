"""How much a single original document may cost to read.

Every original comes from outside and may be hostile: a zip bomb dressed as a
DOCX, a PDF whose streams inflate without end, a MIME message with a million
parts. These limits bound what reading one document may take. The defaults
fit real case material (a long statement, a scanned report with an OCR layer)
with room to spare, while keeping a bad file from exhausting a 2-core,
24 GB machine that other work shares.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True)
class DocumentLimits:
    """Bounds on reading one original document.

    The byte, member, part and character limits are checked by
    `extract_text` itself. `max_seconds` and `max_memory_bytes` can only be
    enforced from outside the process doing the work, so only
    `DocumentExtractor` applies them.

    Attributes:
        max_file_bytes: largest original accepted, as stored on disk (64 MiB).
        max_decompressed_bytes: most bytes one compressed part (a DOCX zip
            member, a PDF stream) may inflate to (256 MiB).
        max_zip_members: most entries a DOCX archive may hold (10,000).
        max_mime_parts: most MIME parts an e-mail may hold (1,000).
        max_text_chars: most characters of text one document may yield
            (10 million, several thousand pages).
        max_seconds: wall-clock time allowed for one document (30 s).
        max_memory_bytes: address space allowed to the worker process that
            reads documents (1 GiB).
    """

    max_file_bytes: int = 64 * MIB
    max_decompressed_bytes: int = 256 * MIB
    max_zip_members: int = 10_000
    max_mime_parts: int = 1_000
    max_text_chars: int = 10_000_000
    max_seconds: float = 30.0
    max_memory_bytes: int = 1 * GIB

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes",
            "max_decompressed_bytes",
            "max_zip_members",
            "max_mime_parts",
            "max_text_chars",
            "max_seconds",
            "max_memory_bytes",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"DocumentLimits.{name} must be positive")


def describe_bytes(count: int) -> str:
    """Say a byte count the way a user reads it: "64 MiB", "1.5 GiB", "200 bytes"."""
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if count >= unit:
            return f"{_trim(count / unit)} {name}"
    return f"{count} bytes"


def describe_seconds(seconds: float) -> str:
    """Say a duration in seconds: "30 s", "0.5 s"."""
    return f"{_trim(seconds)} s"


def _trim(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
