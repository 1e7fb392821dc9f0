"""Login attempts counted per user name and per address (declared in gongkai/web/schema.py): an attempt
is counted in one statement before its password is checked, so concurrent guesses cannot overrun the limit.

Revision ID: web02
Revises: web01
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web02"
down_revision = "web01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_login_attempts",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_web_login_attempts"),
    )


def downgrade() -> None:
    op.drop_table("web_login_attempts")
