"""The application register (依申请公开台账): one row per application and a log of every change
(declared in gongkai/register/schema.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_applications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("submitted", sa.Date(), nullable=True),
        sa.Column("confirmed", sa.Date(), nullable=True),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("applicant_type", sa.String(24), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("correction_requested", sa.Date(), nullable=True),
        sa.Column("correction_answered", sa.Date(), nullable=True),
        sa.Column("consultations", sa.Text(), nullable=True),
        sa.Column("extension_days", sa.SmallInteger(), nullable=False),
        sa.Column("extended_on", sa.Date(), nullable=True),
        sa.Column("replied", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("fee_notice", sa.Date(), nullable=True),
        sa.Column("fee_amount", sa.Float(), nullable=True),
        sa.Column("fee_paid", sa.Date(), nullable=True),
        sa.Column("follow_ups", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_register_applications_agency_id_agencies"),
        sa.PrimaryKeyConstraint("id", name="pk_register_applications"),
    )
    op.create_index("ix_register_applications_agency_id_received", "register_applications", ["agency_id", "received"])
    op.create_index("ix_register_applications_agency_id_replied", "register_applications", ["agency_id", "replied"])
    op.create_index("uq_register_applications_agency_id_number", "register_applications", ["agency_id", "number"],
                    unique=True)
    op.create_table(
        "register_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.Text(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("old_entry", sa.Text(), nullable=True),
        sa.Column("new_entry", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_register_log"),
    )
    op.create_index("ix_register_log_application_id", "register_log", ["application_id"])
    op.create_index("ix_register_log_agency_id", "register_log", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_register_log_agency_id", table_name="register_log")
    op.drop_index("ix_register_log_application_id", table_name="register_log")
    op.drop_table("register_log")
    op.drop_index("uq_register_applications_agency_id_number", table_name="register_applications")
    op.drop_index("ix_register_applications_agency_id_replied", table_name="register_applications")
    op.drop_index("ix_register_applications_agency_id_received", table_name="register_applications")
    op.drop_table("register_applications")
