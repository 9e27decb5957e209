"""The error for one document whose text could not be extracted."""

from __future__ import annotations

from threadline.errors import DocumentError


class UnreadableDocument(DocumentError):
    """A document whose text could not be extracted: which file, and why.

    `str()` gives "path: reason". Callers that read a copy under another name
    (a staging file, say) can report `reason` against the name the user knows.

    Attributes:
        path: the path the document was read from, as given.
        reason: what is wrong, in a user's words, without the path (e.g.
            "PDF is encrypted and needs a password to open; ...").
    """

    def __init__(self, path: str, reason: str) -> None:
        # Both in args, so the exception survives pickling unchanged.
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
