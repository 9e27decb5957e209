"""What an importer reads from: a stream of items, each located in its input.

A case bundle, a spreadsheet with a mapping, and a folder of loose documents
are three *sources*. Each turns its input into bundle-shaped items (the
objects ``bundle.md`` describes), one at a time, so that one importer
validates, stages, checks and applies them all the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from threadline.ingest.kinds import ItemKind
from threadline.ingest.problems import Problems


@dataclass(frozen=True)
class SourceItem:
    kind: ItemKind
    label: str
    """The file the item came from, as a person would name it."""
    number: int
    """Its line (or spreadsheet row) in that file."""
    raw: str
    """The item exactly as it arrived (a JSON line; a row's cells as JSON)."""
    value: dict[str, Any]
    """The item in bundle shape."""
    fields: dict[str, str] = field(default_factory=dict)
    """Bundle field path → the source's own name for it, for problems to name."""


class Source(Protocol):
    format: str
    """``bundle``, ``csv``, ``xlsx`` or ``documents``."""
    path: Path
    files_root: Path
    """Where a record's ``file`` is resolved from; nothing may escape it."""

    def open(self, problems: Problems) -> dict[str, Any]:
        """Check the layout; return a manifest-like description of the source."""
        ...

    def items(self, problems: Problems) -> Iterator[SourceItem]:
        """Every item, in the order kinds must be applied (operations first)."""
        ...
