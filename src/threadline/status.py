"""Counts of what a workspace holds (``threadline status --json``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from threadline.store.schema import Base

COUNTED = (
    ("operations", "operations"),
    ("records", "records"),
    ("subjects", "subjects"),
    ("actions", "actions"),
    ("events", "events"),
    ("mentions", "mentions"),
    ("entities", "entities"),
    ("opportunities", "opportunities"),
)
"""The keys of ``status --json`` (``cli.md``) and the table each counts.

The analysis tables (mentions, entities, opportunities) are added by the
analysis stages; until a stage has a table, nothing of its kind exists and
the count is 0.
"""


def counts(session: Session) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, table_name in COUNTED:
        table = Base.metadata.tables.get(table_name)
        out[key] = (
            0
            if table is None
            else int(session.scalar(select(func.count()).select_from(table)) or 0)
        )
    return out
