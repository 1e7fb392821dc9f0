"""The writer's drafts (declared in gongkai/web/drafts.py): what a user typed into the writer for an agency and
a year, kept as they type.

Revision ID: web05
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web05"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_writer_drafts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("base_report_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"], name="fk_web_writer_drafts_user_id_web_users",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_web_writer_drafts_agency_id_agencies",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["base_report_id"], ["reports.id"],
                                name="fk_web_writer_drafts_base_report_id_reports", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id", "agency_id", "year", name="pk_web_writer_drafts"),
    )


def downgrade() -> None:
    op.drop_table("web_writer_drafts")
