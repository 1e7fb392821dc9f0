"""Originals in the object store: stored once by hash, written whole or not at all, read back checked; an
older store's blobs moved out by the migration, in batches, and the move taken up again after it was
stopped. SQLite and the machine's PostgreSQL; real files, no mocks."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from gongkai.store import ObjectStore, Store, StoreError
from gongkai.store import schema as S
from gongkai.store.db import MIGRATIONS, VERSION_TABLE, create, migrate, resolve_url
from gongkai.store.objects import attach, objects_url

from conftest import SEEDS
from test_store_support import store_url

FIXTURES = (store_url,)  # pytest fixture: a new store on SQLite and on PostgreSQL


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def objects_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------------------------
# the object store itself


def test_an_original_is_stored_once_under_its_hash(store_url, tmp_path):
    objects = tmp_path / "objects"
    folder = tmp_path / "in"
    folder.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, folder / p.name)
    shutil.copy(SEEDS[1], folder / "zz-same-bytes.txt")  # a duplicate under another name
    with Store.open(store_url, objects=str(objects)) as store:
        first = store.ingest([str(folder)], jobs=1)
        assert (first.new, first.duplicates) == (3, 1)
        stored = objects_in(objects)
        assert stored == {sha(p.read_bytes()): p.read_bytes() for p in SEEDS[:3]}
        h = sha(SEEDS[2].read_bytes())
        assert (objects / h[:2] / h[2:4] / h).is_file()  # ab/cd/abcd…
        with store.engine.connect() as conn:  # the database keeps the metadata and the hash only
            columns = {c["name"] for c in inspect(conn).get_columns("files")}
            sizes = dict(conn.execute(select(S.files.c.sha256, S.files.c.size)).all())
        assert columns == {"sha256", "size", "format", "name", "added"}
        assert sizes == {sha(p.read_bytes()): p.stat().st_size for p in SEEDS[:3]}
        row = next(r for r in store.reports() if r.sha256 == h)
        assert store.original(row.id) == (SEEDS[2].name, SEEDS[2].read_bytes())
        when = {p: p.stat().st_mtime_ns for p in objects.rglob("*") if p.is_file()}
        again = store.ingest([str(folder)], jobs=1)
        assert again.unchanged == 4
        assert {p: p.stat().st_mtime_ns for p in objects.rglob("*") if p.is_file()} == when  # nothing rewritten


def test_the_default_place_is_beside_the_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.delenv("GONGKAI_OBJECTS", raising=False)
    db = tmp_path / "office" / "reports.sqlite3"
    assert objects_url(f"sqlite:///{db}") == str(tmp_path / "office" / "reports.objects")
    assert objects_url(f"sqlite:///{db}", "s3://bucket/gongkai") == "s3://bucket/gongkai"
    monkeypatch.setenv("GONGKAI_OBJECTS", str(tmp_path / "elsewhere"))
    assert objects_url(f"sqlite:///{db}") == str(tmp_path / "elsewhere")
    monkeypatch.delenv("GONGKAI_OBJECTS")
    with Store.open(str(db)) as store:
        store.ingest([str(SEEDS[0])], jobs=1)
    h = sha(SEEDS[0].read_bytes())
    assert (tmp_path / "office" / "reports.objects" / h[:2] / h[2:4] / h).read_bytes() == SEEDS[0].read_bytes()


def test_a_half_written_object_is_never_taken_for_one(tmp_path):
    store = ObjectStore(str(tmp_path / "o"))
    data = SEEDS[0].read_bytes()
    h = sha(data)
    path = Path(store.path(h))
    path.parent.mkdir(parents=True)
    Path(f"{path}.4242.deadbeef.tmp").write_bytes(data[:100])  # what a crash mid-write leaves
    assert not store.has(h)
    assert store.put(h, data) is True
    assert store.get(h) == data and store.put(h, data) is False
    assert {p.name for p in path.parent.iterdir()} == {f"{h}.4242.deadbeef.tmp", h}


def test_missing_or_damaged_originals_are_said_so(tmp_path):
    store = ObjectStore(str(tmp_path / "o"))
    data = SEEDS[1].read_bytes()
    h = sha(data)
    with pytest.raises(StoreError) as missing:
        store.get(h)
    assert "原件缺失" in missing.value.zh and h[:12] in missing.value.zh
    store.put(h, data)
    Path(store.path(h)).write_bytes(data[:-1] + b"!")
    with pytest.raises(StoreError) as damaged:
        store.get(h)
    assert "原件已损坏" in damaged.value.zh
    with pytest.raises(ValueError, match="sha256"):
        store.path("../../etc/passwd")


def test_any_fsspec_url_will_do(tmp_path):
    store = ObjectStore("memory://gongkai-test/objects")
    data = SEEDS[2].read_bytes()
    h = sha(data)
    assert store.put(h, data) is True and store.put(h, data) is False
    assert store.get(h) == data and not store.local and store.atomic
    assert ObjectStore(f"file://{tmp_path}/o").local
    with pytest.raises(StoreError) as bad:
        ObjectStore("nosuchprotocol://x/y")
    assert "原件存储位置" in bad.value.zh


# ---------------------------------------------------------------------------------------------
# the migration: blobs out of an older store


def alembic_to(engine, revision: str, *, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
        conn.commit()


def create_url(store_url: str) -> str:
    return resolve_url(store_url)


def head() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def before() -> str:
    """The revision before the originals moved out (0004)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    down = ScriptDirectory.from_config(cfg).get_revision("0004").down_revision
    assert isinstance(down, str)
    return down


def revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


class Counting(ObjectStore):
    """A real object store that counts what it is asked to do, and fails on a given write (a full disk)."""

    def __init__(self, url: str, fail_at: int | None = None) -> None:
        super().__init__(url)
        self.puts = self.writes = 0
        self.fail_at = fail_at

    def put(self, sha256: str, data: bytes) -> bool:
        self.puts += 1
        if not self.has(sha256):
            self.writes += 1
            if self.fail_at is not None and self.writes == self.fail_at:
                raise StoreError("磁盘已满", "no space left on device")
        return super().put(sha256, data)


def old_store(url: str, tmp_path: Path, extra: int) -> tuple[dict[str, bytes], dict[str, int]]:
    """A store at the revision before 0004, its originals in ``files.data``: the seeds ingested (then the
    schema taken back, which puts the bytes back in the rows) and ``extra`` more originals of other files.
    Returns every original by hash and the report ids by hash."""
    first = tmp_path / "first-objects"
    with Store.open(url, objects=str(first)) as store:
        store.ingest([str(p) for p in SEEDS], jobs=1)
        ids = {r.sha256: r.id for r in store.reports(all_versions=True)}
        alembic_to(store.engine, before(), down=True)
        with store.engine.begin() as conn:
            blobs = {}
            for i in range(extra):
                data = f"第{i}份原件 ".encode() * (1 + i % 7)
                blobs[sha(data)] = data
            conn.execute(text("INSERT INTO files (sha256, size, format, name, data, added) "
                              "VALUES (:s, :n, 'text', :name, :d, CURRENT_TIMESTAMP)"),
                         [{"s": h, "n": len(d), "name": f"{i}.txt", "d": d} for i, (h, d) in enumerate(blobs.items())])
            columns = {c["name"] for c in inspect(conn).get_columns("files")}
            assert "data" in columns and revision(store.engine) == before()
    shutil.rmtree(first)  # from now on the bytes are in the database only
    for p in SEEDS:
        blobs[sha(p.read_bytes())] = p.read_bytes()
    return blobs, ids


def test_the_migration_moves_the_blobs_out(store_url, tmp_path):
    blobs, ids = old_store(store_url, tmp_path, extra=20)
    objects = tmp_path / "objects"
    with Store.open(store_url, objects=str(objects)) as store:
        assert objects_in(objects) == blobs  # every original, once, under its hash
        with store.engine.connect() as conn:
            assert {c["name"] for c in inspect(conn).get_columns("files")} == {"sha256", "size", "format", "name",
                                                                               "added"}
        for h, rid in ids.items():
            assert store.original(rid)[1] == blobs[h]
        done = store.recheck(jobs=1)  # the originals are read again from the object store
        assert (done.reports, done.failed) == (len(SEEDS), 0)


def test_a_stopped_migration_goes_on_where_it_stopped(store_url, tmp_path):
    extra = 1195  # with the seeds, 1,200 originals: three batches of 500 rows
    blobs, ids = old_store(store_url, tmp_path, extra=extra)
    total = len(blobs)
    assert total == 1200
    url = objects_url(create_url(store_url), str(tmp_path / "objects"))

    engine = create(create_url(store_url))
    full = Counting(url, fail_at=700)  # the disk fills up in the second batch
    attach(engine, full)
    with pytest.raises(StoreError, match="磁盘已满"):
        migrate(engine)
    assert revision(engine) == before()
    with engine.connect() as conn:
        marked = conn.execute(text("SELECT count(*) FROM files WHERE moved")).scalar()
        emptied = conn.execute(text("SELECT count(*) FROM files WHERE moved AND length(data) = 0")).scalar()
    assert marked == emptied == 500  # the first batch is kept: marked, its bytes cleared
    assert len(objects_in(tmp_path / "objects")) == 699  # and the objects written before the disk was full
    engine.dispose()

    engine = create(create_url(store_url))
    again = Counting(url)
    attach(engine, again)
    migrate(engine)  # the next opening takes it up again
    assert again.puts == total - 500  # the rows marked are not read again …
    assert again.writes == total - 699  # … and an object already present is not written again
    assert revision(engine) == head()
    engine.dispose()
    with Store.open(store_url, objects=str(tmp_path / "objects")) as store:
        assert objects_in(tmp_path / "objects") == blobs
        with store.engine.connect() as conn:
            assert "moved" not in {c["name"] for c in inspect(conn).get_columns("files")}
        for h, rid in ids.items():
            assert store.original(rid)[1] == blobs[h]


def test_taken_back_the_blobs_return_to_the_database(store_url, tmp_path):
    with Store.open(store_url, objects=str(tmp_path / "o")) as store:
        store.ingest([str(SEEDS[0])], jobs=1)
        alembic_to(store.engine, before(), down=True)
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT data FROM files")).scalar_one() == SEEDS[0].read_bytes()
    assert os.path.isdir(tmp_path / "o")


def test_recheck_reads_the_object_store_and_names_a_missing_original(tmp_path):
    objects = tmp_path / "objects"
    with Store.open(str(tmp_path / "s.sqlite3"), objects=str(objects)) as store:
        store.ingest([str(p) for p in SEEDS[:3]], jobs=1)
        gone = sha(SEEDS[1].read_bytes())
        Path(store.objects.path(gone)).unlink()
        done = store.recheck(jobs=1)
        assert (done.reports, done.failed) == (3, 1)
        ((rid, message),) = done.failures
        assert store.report_row(rid).sha256 == gone and "原件缺失" in message
