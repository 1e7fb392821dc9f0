"""The web application's own tables — users, sessions, reviewers' decisions on findings, the audit log —
kept in the store's database and declared on the store's MetaData (``gongkai.store.schema.metadata``).

The migration that creates them is ``store/migrations/versions/web01_users_sessions_decisions_audit.py``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from ..store.schema import metadata

ROLES = ("admin", "reviewer", "submitter")
ROLE_ZH = {"admin": "管理员", "reviewer": "审核人", "submitter": "填报人"}
DECISIONS = ("accepted", "dismissed")
DECISION_ZH = {"accepted": "确认", "dismissed": "驳回"}

web_users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("role", String(16), nullable=False),  # admin | reviewer | submitter
    Column("region", Text, nullable=True),  # a reviewer's region: 江西省/宜春市/奉新县
    Column("agency_id", Integer, nullable=True),  # a submitter's agency (agencies.id)
    Column("display_name", Text, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("last_login", DateTime(timezone=True), nullable=True),
)

# Server-side sessions: the cookie holds a random token, the table its SHA-256.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("expires", DateTime(timezone=True), nullable=False),
    Index("ix_web_sessions_user_id", "user_id"),
)

# A reviewer's decision on a finding. A finding is named by its report and a fingerprint of what it
# says (code, cells, place, message), so the decision survives a recheck that finds the same thing.
web_decisions = Table(
    "web_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("code", String(8), nullable=False),
    Column("decision", String(16), nullable=False),  # accepted | dismissed
    Column("comment", Text, nullable=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="SET NULL"), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("report_id", "fingerprint"),
)

web_audit = Table(
    "web_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("username", String(64), nullable=True),
    Column("action", String(32), nullable=False),  # login, upload, decision, write, user.add …
    Column("target", Text, nullable=True),  # report:12, agency:3, user:alice
    Column("detail", Text, nullable=True),  # JSON
    Column("ip", String(64), nullable=True),
    Index("ix_web_audit_at", "at"),
)

# Login attempts in the current window, per "user:<name>" and per "ip:<address>". An attempt is counted
# (one upsert) before its password is checked; a successful login takes it back.
web_login_attempts = Table(
    "web_login_attempts",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("started", DateTime(timezone=True), nullable=False),  # when the window began
    Column("count", Integer, nullable=False),
)
