"""Loose documents (a file, or a folder of them) as a source of records.

Each document becomes one record of the given operation, identified by its
content (``DOC-`` and the first 16 hex digits of its SHA-256), so that the
same document imported twice, under any name, is one record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from threadline.ingest.documents import SUPPORTED_SUFFIXES
from threadline.ingest.kinds import RECORD
from threadline.ingest.problems import Problems
from threadline.ingest.sources import SourceItem

CHUNK = 1 << 20


class DocumentsSource:
    format = "documents"

    def __init__(self, path: Path, operation: str, kind: str = "other") -> None:
        self.path = path.resolve()
        self.files_root = self.path if self.path.is_dir() else self.path.parent
        self.operation = operation
        self.kind = kind

    def open(self, problems: Problems) -> dict[str, Any]:
        if not self.path.exists():
            problems.add(str(self.path), None, None, "does not exist")
        elif self.path.is_file() and self.path.suffix.lower() not in SUPPORTED_SUFFIXES:
            problems.add(
                self.path.name,
                None,
                None,
                f"not a supported document (expected one of {', '.join(SUPPORTED_SUFFIXES)})",
            )
        return {"name": self.path.name, "operation": self.operation}

    def _documents(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(
            p
            for p in self.path.rglob("*")
            if p.is_file() and not p.is_symlink() and p.suffix.lower() in SUPPORTED_SUFFIXES
        )

    def items(self, problems: Problems) -> Iterator[SourceItem]:
        seen: set[str] = set()
        for number, document in enumerate(self._documents(), start=1):
            relative = document.relative_to(self.files_root).as_posix()
            digest = hashlib.sha256()
            with document.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
            record_id = f"DOC-{digest.hexdigest()[:16]}"
            if record_id in seen:
                continue  # a copy of a document already read: one record
            seen.add(record_id)
            value = {
                "id": record_id,
                "operation": self.operation,
                "kind": self.kind,
                "title": document.name,
                "file": relative,
            }
            yield SourceItem(RECORD, relative, number, json.dumps(value), value)
