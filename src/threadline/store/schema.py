"""The whole schema: every module that defines tables, imported in one place.

Alembic, the status counts and the tests take ``Base.metadata`` from here, so
that a table is known everywhere as soon as its module is listed below. Areas
keep their tables in their own modules (the material in ``models``).
"""

from __future__ import annotations

from threadline.store import (
    entity_models,
    mention_models,
    models,
    opportunity_models,
    security_models,
)
from threadline.store.models import Base

TABLE_MODULES = (models, entity_models, security_models, mention_models, opportunity_models)
"""Every module defining tables. Add a new module here."""

OUTSIDE_MODELS = "fts_"
"""The prefix of what migrations make that no model describes: the full-text
search indexes (migration ``0008_search``), which the database keeps itself."""


def include_name(name: str | None, type_: str, _parents: object = None) -> bool:
    """For Alembic's model comparison: leave out the full-text search tables and indexes."""
    return not (type_ in ("table", "index") and (name or "").startswith(OUTSIDE_MODELS))


__all__ = ["OUTSIDE_MODELS", "TABLE_MODULES", "Base", "include_name"]
