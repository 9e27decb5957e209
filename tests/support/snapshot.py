"""Everything a workspace holds, in a form two states can be compared by."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from threadline.store.schema import Base
from threadline.workspace import DB_NAME, Workspace


def snapshot(workspace: Workspace) -> dict[str, Any]:
    """Every row of every table (sorted), and every file outside the database."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with workspace.engine.connect() as conn:
        for name, table in sorted(Base.metadata.tables.items()):
            rows = conn.execute(select(table)).all()
            tables[name] = sorted(tuple(repr(v) for v in row) for row in rows)
    files = {}
    for path in sorted(workspace.path.rglob("*")):
        if path.is_file() and not path.name.startswith(DB_NAME):
            files[str(path.relative_to(workspace.path))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return {"tables": tables, "files": files}
