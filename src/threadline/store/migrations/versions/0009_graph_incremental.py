"""What the graph and detect stages last computed from: a signature per node and opportunity.

Revision ID: 0009_graph_incremental
Revises: 0005_opportunities
Create Date: 2026-11-28 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_graph_incremental"
down_revision = "0005_opportunities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("graph_nodes") as batch:
        batch.add_column(sa.Column("signature", sa.String(length=32), nullable=True))
    with op.batch_alter_table("opportunities") as batch:
        batch.add_column(sa.Column("signature", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("signature")
    with op.batch_alter_table("graph_nodes") as batch:
        batch.drop_column("signature")
