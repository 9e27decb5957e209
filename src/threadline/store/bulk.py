"""Fast bulk writes for the ingest path.

The ORM's bulk insert does per-row bookkeeping that an import of millions of
rows does not need; a Core ``INSERT`` with ``executemany`` does the same work
several times faster. Every dict in one call must carry the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from threadline.store.models import Base


def bulk_insert(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        table = Base.metadata.tables[model.__tablename__]
        session.execute(table.insert(), list(rows))
