"""Staging: what an import has read, held in the database until it is checked and applied.

Staging lets the import stream input of any size in constant memory and still
check what needs the whole input at once (duplicate ids, references between
files) with set-wise SQL, inside the same transaction that applies it. The
staged rows are deleted before the commit, and vanish with a rollback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from threadline.store.bulk import bulk_insert
from threadline.store.models import StagedItem, StagedRef

BATCH = 1000


@dataclass(frozen=True)
class Ref:
    kind: str
    """``subject``, ``operation``, ``parent`` or ``record``."""
    value: str
    field: str


class Stager:
    def __init__(self, session: Session, import_id: int) -> None:
        self.session = session
        self.import_id = import_id
        self._items: list[dict[str, Any]] = []
        self._refs: list[dict[str, Any]] = []
        self.staged = 0

    def add(
        self,
        *,
        item_type: str,
        item_id: str,
        source_file: str,
        source_line: int,
        content_hash: str,
        raw: str,
        payload: str,
        refs: list[Ref],
    ) -> None:
        self._items.append(
            {
                "import_id": self.import_id,
                "item_type": item_type,
                "item_id": item_id,
                "source_file": source_file,
                "source_line": source_line,
                "content_hash": content_hash,
                "raw": raw,
                "payload": payload,
            }
        )
        for ref in refs:
            self._refs.append(
                {
                    "import_id": self.import_id,
                    "ref_kind": ref.kind,
                    "value": ref.value,
                    "owner_type": item_type,
                    "owner_id": item_id,
                    "source_file": source_file,
                    "source_line": source_line,
                    "field": ref.field,
                }
            )
        self.staged += 1
        if len(self._items) >= BATCH or len(self._refs) >= 4 * BATCH:
            self.flush()

    def flush(self) -> None:
        if self._items:
            bulk_insert(self.session, StagedItem, self._items)
            self._items = []
        if self._refs:
            bulk_insert(self.session, StagedRef, self._refs)
            self._refs = []

    def clear(self) -> None:
        self.session.execute(delete(StagedItem).where(StagedItem.import_id == self.import_id))
        self.session.execute(delete(StagedRef).where(StagedRef.import_id == self.import_id))
