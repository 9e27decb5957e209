"""entity_members.via holds the rule that joined a mention, which is longer than 40 characters.

Revision ID: 0010_member_via
Revises: 0003_entities
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_member_via"
down_revision = "0003_entities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entity_members") as batch:
        batch.alter_column("via", existing_type=sa.String(length=40), type_=sa.Text())


def downgrade() -> None:
    with op.batch_alter_table("entity_members") as batch:
        batch.alter_column("via", existing_type=sa.Text(), type_=sa.String(length=40))
