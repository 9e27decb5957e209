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

__all__ = ["TABLE_MODULES", "Base"]
