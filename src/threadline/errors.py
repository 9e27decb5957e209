"""The one exception root, and the errors a user can see.

Every error that reaches a user says where (file, line, field) and what is
wrong, so that it can be fixed at the source without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass


class ThreadlineError(Exception):
    """Root of every error threadline raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where in the input a problem is: a file, and optionally a line and a field."""

    file: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


class InputError(ThreadlineError):
    """Input that cannot be accepted, with the place it was found."""

    def __init__(self, location: Location, message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


class WorkspaceError(ThreadlineError):
    """The workspace is missing, locked or unusable."""


class DocumentError(ThreadlineError):
    """An original document whose text could not be extracted safely."""
