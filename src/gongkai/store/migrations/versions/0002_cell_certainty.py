"""How each cell was read and how sure the reading is (how, confidence, candidates, doubt on ``cells``),
the values reviewers read by eye (``cell_reviews``) and the scanned images of uncertain cells
(``cell_crops``).

Revision ID: 0002
Revises: web02
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "web02"
branch_labels = None
depends_on = None

_KEY = ("report_id", "table_key", "row_key", "column_key")


def _key_columns() -> list[sa.Column]:
    return [
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("table_key", sa.String(24), nullable=False),
        sa.Column("row_key", sa.String(40), nullable=False),
        sa.Column("column_key", sa.String(24), nullable=False),
    ]


def upgrade() -> None:
    # nullable columns with no default: a constant-time change in SQLite and PostgreSQL alike
    op.add_column("cells", sa.Column("how", sa.String(8), nullable=True))
    op.add_column("cells", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column("cells", sa.Column("candidates", sa.Text(), nullable=True))
    op.add_column("cells", sa.Column("doubt", sa.String(16), nullable=True))
    op.create_table(
        "cell_reviews",
        *_key_columns(),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("entered", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("was", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_cell_reviews_report_id_reports",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*_KEY, name="pk_cell_reviews"),
    )
    op.create_table(
        "cell_crops",
        *_key_columns(),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_cell_crops_report_id_reports",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*_KEY, name="pk_cell_crops"),
    )


def downgrade() -> None:
    op.drop_table("cell_crops")
    op.drop_table("cell_reviews")
    for name in ("doubt", "candidates", "confidence", "how"):
        with op.batch_alter_table("cells") as batch:
            batch.drop_column(name)
