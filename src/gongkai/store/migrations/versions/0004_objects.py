"""Originals out of the database: every ``files.data`` moved to the object store (gongkai/store/objects.py),
then the column dropped.

The move goes in batches, each committed on its own: a row whose bytes are in the object store is marked
(``files.moved``) and its bytes cleared in the same statement. Stopped at any moment, the migration runs
again at the next opening and goes on from the rows not yet marked; an object already present is not
written again. Once every row is marked, ``data`` and the mark are dropped and the revision is stamped.

Revision ID: 0004
Revises: web04
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gongkai.store.objects import ObjectStore, objects_for

revision = "0004"
down_revision = "web04"
branch_labels = None
depends_on = None

ROWS = 500  # rows looked at per statement …
BYTES = 64 * 2**20  # … and originals read at a time, at most this many bytes together (one at least)

_files = sa.table("files", sa.column("sha256", sa.String), sa.column("size", sa.BigInteger),
                  sa.column("data", sa.LargeBinary), sa.column("moved", sa.Boolean))


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("files")}


def upgrade() -> None:
    have = _columns()
    if "data" in have:
        if "moved" not in have:  # (present when an earlier run was stopped during the move)
            op.add_column("files", sa.Column("moved", sa.Boolean(), nullable=True))
        objects = objects_for(op.get_bind().engine)
        with op.get_context().autocommit_block():  # each batch committed: a stopped run keeps what it moved
            move(op.get_bind(), objects)
        # plain ALTER TABLE on both databases (SQLite ≥ 3.35): no copy of the table, which other tables reference
        op.execute("ALTER TABLE files DROP COLUMN data")
    if "moved" in _columns():
        op.execute("ALTER TABLE files DROP COLUMN moved")


def move(conn: sa.Connection, objects: ObjectStore) -> int:
    """Every unmarked row's bytes into ``objects``, in batches; returns how many rows were marked."""
    f = _files.c
    last = ""
    marked = 0
    while True:
        rows = conn.execute(sa.select(f.sha256, f.size).where(f.moved.is_(None), f.sha256 > last)
                            .order_by(f.sha256).limit(ROWS)).all()
        if not rows:
            return marked
        for part in _parts(rows):
            got = conn.execute(sa.select(f.sha256, f.data).where(f.sha256.in_(part))).all()
            for sha, data in got:
                objects.put(sha, data.encode() if isinstance(data, str) else bytes(data))  # (SQLite: text kept as is)
            conn.execute(sa.update(_files).where(f.sha256.in_([sha for sha, _ in got])).values(moved=True, data=b""))
            marked += len(got)
        last = rows[-1].sha256


def _parts(rows) -> list[list[str]]:
    out: list[list[str]] = [[]]
    held = 0
    for sha, size in rows:
        if out[-1] and held + (size or 0) > BYTES:
            out.append([])
            held = 0
        out[-1].append(sha)
        held += size or 0
    return out


def downgrade() -> None:
    op.add_column("files", sa.Column("data", sa.LargeBinary(), nullable=True))
    objects = objects_for(op.get_bind().engine)
    conn = op.get_bind()
    f = _files.c
    last = ""
    while True:
        shas = conn.execute(sa.select(f.sha256).where(f.sha256 > last).order_by(f.sha256).limit(ROWS)).scalars().all()
        if not shas:
            break
        for sha in shas:
            conn.execute(sa.update(_files).where(f.sha256 == sha).values(data=objects.get(sha)))
        last = shas[-1]
    if conn.dialect.name != "sqlite":  # (SQLite cannot add NOT NULL to a column in place)
        op.alter_column("files", "data", nullable=False)
