"""The first store: files, agencies and their names, reports, cells, findings, failures, text signatures
and LSH bands.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("added", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_files"),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("core", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("township", sa.Text(), nullable=True),
        sa.Column("from_csv", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
    )
    op.create_index("ix_agencies_core", "agencies", ["core"])
    op.create_index("ix_agencies_county", "agencies", ["county"])
    op.create_index("ix_agencies_city", "agencies", ["city"])
    op.create_table(
        "agency_names",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("core", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_agency_names_agency_id_agencies",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agency_id", "name", name="pk_agency_names"),
    )
    op.create_index("ix_agency_names_name", "agency_names", ["name"])
    op.create_index("ix_agency_names_core", "agency_names", ["core"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("agency_printed", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("edition", sa.String(8), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("infos", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["files.sha256"], name="fk_reports_sha256_files"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name="fk_reports_agency_id_agencies"),
        sa.ForeignKeyConstraint(["superseded_by"], ["reports.id"], name="fk_reports_superseded_by_reports"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("sha256", name="uq_reports_sha256"),
    )
    op.create_index("ix_reports_agency_year", "reports", ["agency_id", "year", "current"])
    op.create_index("ix_reports_year", "reports", ["year"])
    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("table_key", sa.String(24), nullable=False),
        sa.Column("row_key", sa.String(40), nullable=False),
        sa.Column("column_key", sa.String(24), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_cells_report_id_reports", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "table_key", "row_key", "column_key", name="pk_cells"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cells", sa.Text(), nullable=True),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("actual", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_findings_report_id_reports",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["previous_id"], ["reports.id"], name="fk_findings_previous_id_reports",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
    )
    op.create_index("ix_findings_report_id", "findings", ["report_id"])
    op.create_index("ix_findings_code", "findings", ["code"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_failures"),
        sa.UniqueConstraint("sha256", name="uq_failures_sha256"),
    )
    op.create_table(
        "text_signatures",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_text_signatures_report_id_reports",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", name="pk_text_signatures"),
    )
    op.create_table(
        "text_bands",
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_text_bands_report_id_reports",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "key", "report_id", name="pk_text_bands"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_text_bands_report_id", "text_bands", ["report_id"])
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_store_meta"),
    )


def downgrade() -> None:
    for table in ("store_meta", "text_bands", "text_signatures", "failures", "findings", "cells", "reports",
                  "agency_names", "agencies", "files"):
        op.drop_table(table)
