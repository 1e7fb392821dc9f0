"""The register's tables, declared on the store's MetaData (``gongkai.store.schema.metadata``); the
migration ``store/migrations/versions/0003_register.py`` creates exactly these."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Table, Text

from ..store.schema import metadata

# One row per application. Consultations and follow-ups are short lists kept as JSON text; ``received``
# is the day 第三十一条 fixes, kept for the queries by year (written from the entry on every change).
register_applications = Table(
    "register_applications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=False),
    Column("number", Text, nullable=True),  # the office's own number, unique within the agency
    Column("channel", String(16), nullable=False),
    Column("submitted", Date, nullable=True),
    Column("confirmed", Date, nullable=True),
    Column("received", Date, nullable=False),
    Column("applicant_type", String(24), nullable=False),
    Column("applicant", Text, nullable=True),
    Column("content", Text, nullable=True),
    Column("correction_requested", Date, nullable=True),
    Column("correction_answered", Date, nullable=True),
    Column("consultations", Text, nullable=True),  # JSON [{kind, start, end}]
    Column("extension_days", SmallInteger, nullable=False),
    Column("extended_on", Date, nullable=True),
    Column("replied", Date, nullable=True),
    Column("outcome", String(40), nullable=True),  # a leaf row key of table 三
    Column("fee_notice", Date, nullable=True),
    Column("fee_amount", Float, nullable=True),
    Column("fee_paid", Date, nullable=True),
    Column("follow_ups", Text, nullable=True),  # JSON [{kind, filed, result, decided}]
    Column("note", Text, nullable=True),
    Column("version", Integer, nullable=False),  # raised by every change: an edit made on a stale page is refused
    Column("created", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=True),
    Column("updated", DateTime(timezone=True), nullable=False),
    Column("updated_by", Text, nullable=True),
    Index("ix_register_applications_agency_id_received", "agency_id", "received"),
    Index("ix_register_applications_agency_id_replied", "agency_id", "replied"),
    Index("uq_register_applications_agency_id_number", "agency_id", "number", unique=True),
)

# Every change of the register: who, when, what the entry was before and after (JSON). Kept when an
# entry is deleted, so no foreign key.
register_log = Table(
    "register_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, nullable=True),
    Column("agency_id", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", Text, nullable=True),
    Column("action", String(16), nullable=False),  # add | update | delete | import
    Column("old_entry", Text, nullable=True),
    Column("new_entry", Text, nullable=True),
    Index("ix_register_log_application_id", "application_id"),
    Index("ix_register_log_agency_id", "agency_id"),
)
