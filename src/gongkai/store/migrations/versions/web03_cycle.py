"""The office's year (declared in gongkai/web/cycle.py): each agency-year's state and the version it is
about, every move made on it, and each region's office with its deadlines per agency level.

Revision ID: web03
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web03"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_cycle_states",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_by", sa.String(64), nullable=True),
        sa.Column("moves", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_web_cycle_states_agency_id_agencies",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_web_cycle_states_report_id_reports",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("agency_id", "year", name="pk_web_cycle_states"),
    )
    op.create_table(
        "web_cycle_moves",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_web_cycle_moves_agency_id_agencies",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_web_cycle_moves_report_id_reports",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"], name="fk_web_cycle_moves_user_id_web_users",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_web_cycle_moves"),
    )
    op.create_index("ix_web_cycle_moves_agency_id_year", "web_cycle_moves", ["agency_id", "year"])
    op.create_table(
        "web_cycle_offices",
        sa.Column("region", sa.String(200), nullable=False),
        sa.Column("office", sa.Text(), nullable=True),
        sa.Column("department_due", sa.String(5), nullable=True),
        sa.Column("government_due", sa.String(5), nullable=True),
        sa.Column("township_due", sa.String(5), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("region", name="pk_web_cycle_offices"),
    )


def downgrade() -> None:
    op.drop_table("web_cycle_offices")
    op.drop_index("ix_web_cycle_moves_agency_id_year", table_name="web_cycle_moves")
    op.drop_table("web_cycle_moves")
    op.drop_table("web_cycle_states")
