"""The store's tables (SQLAlchemy Core). The migrations under ``migrations/versions`` create exactly
these; a test compares the two."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Every file that gave a report, once per sha256; its bytes are in the object store (objects.py).
files = Table(
    "files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("format", String(16), nullable=False),
    Column("name", Text, nullable=True),  # the file's name when first seen
    Column("added", DateTime(timezone=True), nullable=False),
)

agencies = Table(
    "agencies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),  # the name shown: the office's (CSV) or as first printed
    Column("core", Text, nullable=False),  # the name within its region: 甘坊镇, 住房和城乡建设局
    Column("kind", String(16), nullable=False),  # township | street | government | department
    Column("level", String(16), nullable=False),  # 乡镇, 街道, 县级政府, 县级部门, 市级政府, …
    Column("province", Text, nullable=True),
    Column("city", Text, nullable=True),
    Column("county", Text, nullable=True),
    Column("township", Text, nullable=True),
    Column("from_csv", Boolean, nullable=False, default=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Index("ix_agencies_core", "core"),
    Index("ix_agencies_county", "county"),
    Index("ix_agencies_city", "city"),
)

# Every spelling that resolves to an agency: printed names, the CSV's 名称 and 别名 (canonical form).
agency_names = Table(
    "agency_names",
    metadata,
    Column("agency_id", Integer, ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("core", Text, nullable=False),
    Column("source", String(16), nullable=False),  # printed | csv | alias
    Index("ix_agency_names_name", "name"),
    Index("ix_agency_names_core", "core"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("files.sha256"), nullable=False, unique=True),
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=True),
    Column("agency_printed", Text, nullable=True),
    Column("year", Integer, nullable=True),
    Column("edition", String(8), nullable=True),
    Column("title", Text, nullable=True),
    Column("date", Date, nullable=True),
    Column("format", String(16), nullable=False),
    Column("path", Text, nullable=True),  # where it was ingested from
    # the agency's report for that year; a corrected re-submission makes the older one not current
    Column("current", Boolean, nullable=False, default=True),
    Column("superseded_by", Integer, ForeignKey("reports.id"), nullable=True),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("infos", Integer, nullable=False, default=0),
    Column("data", Text, nullable=False),  # the parsed report, JSON (gongkai.report/2; older rows /1)
    Index("ix_reports_agency_year", "agency_id", "year", "current"),
    Index("ix_reports_year", "year"),
)

# Every cell of every report in long form.
cells = Table(
    "cells",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("table_key", String(24), primary_key=True),
    Column("row_key", String(40), primary_key=True),
    Column("column_key", String(24), primary_key=True),
    Column("value", Float, nullable=True),
    Column("raw", Text, nullable=True),
    Column("at", Text, nullable=True),
    # how the value was read (model.Cell.how): NULL = as printed; split, ocr, reviewer (entered by eye)
    Column("how", String(8), nullable=True),
    Column("confidence", Float, nullable=True),  # OCR's confidence 0..1
    Column("candidates", Text, nullable=True),  # JSON list of the values the cell could have
    Column("doubt", String(16), nullable=True),  # why the value is uncertain (ambiguous, ocr, identity)
    sqlite_with_rowid=False,  # rows clustered on the key: one B-tree insert per cell
)

# The value a reviewer read by eye for a cell gongkai could not read with certainty: who, when, what
# gongkai had read. Kept apart from ``cells`` so that a recheck (which rewrites the cells) applies it again.
cell_reviews = Table(
    "cell_reviews",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("table_key", String(24), primary_key=True),
    Column("row_key", String(40), primary_key=True),
    Column("column_key", String(24), primary_key=True),
    Column("value", Float, nullable=True),  # NULL: a nil mark or a blank cell, as ``raw`` says
    Column("raw", Text, nullable=False),  # the cell's text as the reviewer read it: "12", "/", "" (blank)
    Column("entered", Text, nullable=False),  # as typed
    Column("reviewer", Text, nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("was", Text, nullable=True),  # JSON: raw, how, doubt, candidates, confidence before
)

# The scanned image (PNG) of each uncertain or reviewed recognised cell: what the reviewer compares with.
cell_crops = Table(
    "cell_crops",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("table_key", String(24), primary_key=True),
    Column("row_key", String(40), primary_key=True),
    Column("column_key", String(24), primary_key=True),
    Column("png", LargeBinary, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(8), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Column("cells", Text, nullable=True),  # JSON list of "table.row.column"
    Column("expected", Text, nullable=True),  # JSON
    Column("actual", Text, nullable=True),  # JSON
    Column("at", Text, nullable=True),
    Column("previous_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=True),  # cross-year rules
    Index("ix_findings_report_id", "report_id"),
    Index("ix_findings_code", "code"),
)

# Files that could not be read, with the reason; a later run skips the same bytes.
failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=True, unique=True),
    Column("path", Text, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("message_en", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

# MinHash signature of each report's narrative (see gongkai.similar) …
text_signatures = Table(
    "text_signatures",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
    Column("shingles", Integer, nullable=False),
    Column("chars", Integer, nullable=False),
)

# … and its LSH band keys, for the current reports: the persisted index `gongkai similar` queries.
text_bands = Table(
    "text_bands",
    metadata,
    Column("band", SmallInteger, primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_text_bands_report_id", "report_id"),
    sqlite_with_rowid=False,
)

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
