"""Which agencies' reports a reviewer left out of the roll-up (declared in gongkai/web/rollup_choices.py): one
row per agency and year, with the version it was decided on, the reason, who and when.

Revision ID: web04
Revises: web03
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web04"
down_revision = "web03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_rollup_choices",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_web_rollup_choices_agency_id_agencies",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_web_rollup_choices_report_id_reports",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"], name="fk_web_rollup_choices_user_id_web_users",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("agency_id", "year", name="pk_web_rollup_choices"),
    )


def downgrade() -> None:
    op.drop_table("web_rollup_choices")
