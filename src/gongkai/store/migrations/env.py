"""Alembic environment for the gongkai store. Run programmatically by gongkai.store.db.migrate(),
which hands over an open connection; there is no alembic.ini."""

from __future__ import annotations

from alembic import context

from gongkai.store.schema import metadata

VERSION_TABLE = "gongkai_schema_version"


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only the programmatic runner is supported
        raise RuntimeError("gongkai migrations run through gongkai.store.db.migrate(), not the alembic CLI")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # each revision commits on its own, and one may commit within itself (0004 moves the originals
        # out in batches): a stopped upgrade keeps what it did and goes on from there the next time
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
