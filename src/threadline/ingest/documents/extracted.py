"""The text taken from one original document, and how it is normalised."""

from __future__ import annotations

from dataclasses import dataclass

from threadline.errors import DocumentError


@dataclass(frozen=True)
class ExtractedText:
    """Text extracted from an original document.

    Attributes:
        text: the document's text, normalised by `normalise_text`. Offsets of
            later mentions point into exactly this string.
        media_type: the IANA media type read, e.g. "application/pdf".
        detail: a short note on how it was read, e.g. "pdf, 3 pages" or
            "txt, cp1252".
    """

    text: str
    media_type: str
    detail: str


def normalise_text(text: str) -> str:
    """Make extracted text uniform without moving anything else.

    Only two changes are made: NUL characters are removed (databases and
    terminals choke on them) and Windows line ends become "\\n". Nothing
    else is touched, because mention offsets are computed on the result.
    """
    return text.replace("\x00", "").replace("\r\n", "\n")


class TextBudget:
    """Counts characters as a document's text is gathered, and stops at the limit.

    Checking while gathering, not after, keeps a document that would yield
    gigabytes of text from first building it in memory.
    """

    def __init__(self, max_chars: int) -> None:
        self._max_chars = max_chars
        self._used = 0

    def spend(self, chars: int) -> None:
        """Account for `chars` more characters.

        Raises:
            DocumentError: if the document's text is now over the limit.
        """
        self._used += chars
        if self._used > self._max_chars:
            raise DocumentError(
                f"its text is longer than the limit of {self._max_chars:,} characters"
            )
