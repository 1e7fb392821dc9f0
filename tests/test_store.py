"""The store: where it lives, migrations, what it keeps for a report, versions, agencies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gongkai.api import read
from gongkai.location import dumps, loads
from gongkai.store import Store
from gongkai.store import schema as S
from gongkai.store.db import default_path, resolve_url

from conftest import SEEDS
from synth import Corpus
from test_store_support import cells_in_json, store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL


def test_default_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GONGKAI_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "gongkai" / "gongkai.sqlite3"
    assert resolve_url() == f"sqlite:///{tmp_path / 'xdg' / 'gongkai' / 'gongkai.sqlite3'}"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "gongkai" / "gongkai.sqlite3"


def test_db_option_and_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GONGKAI_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"  # --db wins
    assert resolve_url("postgresql://postgres@127.0.0.1/db").startswith("postgresql+psycopg://")
    assert resolve_url("sqlite:///tmp/a.sqlite3") == "sqlite:///tmp/a.sqlite3"


def test_opening_creates_the_schema_and_is_idempotent(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from gongkai.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    mine = {"files", "agencies", "agency_names", "reports", "cells", "findings", "failures", "text_signatures",
            "text_bands", "store_meta"}
    with Store.open(store_url) as s, s.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "gongkai_schema_version"})
        assert ctx.get_current_revision() == head
        # the migration scripts create exactly the tables schema.py declares
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), S.metadata)

        def table_of(d):
            d = d[0] if isinstance(d, list) else d
            if d[0] in ("add_table", "remove_table"):
                return d[1].name
            if d[0] in ("add_column", "remove_column") or d[0].startswith("modify_"):
                return d[2]
            return d[1].table.name  # an index or a constraint

        assert [d for d in diff if table_of(d) in mine] == []
    with Store.open(store_url) as s:  # a second open finds the schema current
        assert s.counts()["reports"] == 0


def test_command_works_without_alembic_ini(tmp_path):
    db = tmp_path / "cwd-less.sqlite3"
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "reports", "--db", str(db)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert "共 0 份报告" in run.stdout
    assert not (tmp_path / "alembic.ini").exists()


def test_a_report_is_kept_whole(store):
    seed = SEEDS[3]  # 甘坊镇, 2023, 2021 edition
    summary = store.ingest([str(seed)], jobs=1)
    assert (summary.new, summary.failed) == (1, 0)
    (row,) = store.reports()
    expected = read(seed)
    assert (row.year, row.edition, row.agency_printed) == (2023, "2021", "甘坊镇")
    # the original bytes, once, by sha256
    name, data = store.original(row.id)
    assert data == seed.read_bytes() and name == seed.name
    # the parsed report
    data = store.report_json(row.id)
    assert data["tables"] == expected.to_json()["tables"]
    # every cell in long form, with value, raw and where it was printed
    with store.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(S.cells).where(S.cells.c.report_id == row.id)).scalar()
        cell = conn.execute(select(S.cells).where(
            S.cells.c.report_id == row.id, S.cells.c.table_key == "applications",
            S.cells.c.row_key == "new_received", S.cells.c.column_key == "total")).mappings().one()
    assert n == cells_in_json(data)
    exp = expected.tables["applications"]["new_received"]["total"]
    assert (cell["value"], cell["raw"], cell["at"]) == (exp.value, exp.raw, dumps(exp.at))  # at as JSON text
    assert exp.at is not None and loads(cell["at"]) == exp.at
    # the findings, as `gongkai check` gives them
    findings = store.findings(row.id)
    from gongkai.checks import check

    assert sorted((f["code"], f["message"]) for f in findings) == sorted(
        (f.code, f.message) for f in check(expected))
    assert (row.errors, row.warnings, row.infos) == tuple(
        sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info"))
    # the agency and its region, from the report's text
    assert row.region.path == "江西省/奉新县/甘坊镇" and row.level == "乡镇"


def test_regions_from_the_seeds(store):
    store.ingest([str(p) for p in SEEDS], jobs=1)
    regions = {r.agency_printed: r.region.path for r in store.reports()}
    assert regions["甘坊镇"] == "江西省/奉新县/甘坊镇"  # 江西省奉新县甘坊镇… : no city invented
    assert regions["南关区幸福乡人民政府"] == "长春市/南关区/幸福乡"
    assert regions["繁峙县集义庄乡人民政府"] == "繁峙县/集义庄乡"
    assert len(store.reports(region="奉新县")) == 1
    assert len(store.reports(region="江西省/奉新县")) == 1
    assert len(store.reports(region="江西省/宜春市")) == 0  # the city is not known
    assert len(store.reports(year=2020)) == 1


def test_name_variants_are_one_agency(store, tmp_path):
    c = Corpus(5)
    (a,) = c.agencies(1)  # a township of 奉新县
    town = a.township
    variants = [town, f"{town}人民政府", f"{town[:1]} {town[1:]}", f"{town}政府"]
    prev = None
    for i, name in enumerate(variants):
        a.name = name
        prev = c.report(a, 2020 + i, prev)
        write_text(tmp_path, f"{i}.txt", prev)
    store.ingest([str(tmp_path)], jobs=1)
    rows = store.reports()
    assert len(rows) == 4 and len({r.agency_id for r in rows}) == 1
    (ag,) = store.agencies()
    assert ag["level"] == "乡镇" and ag["county"] == "奉新县" and ag["township"] == town


def test_same_township_name_in_two_counties_is_two_agencies(store, tmp_path):
    c = Corpus(6)
    a, b = c.agencies(2)
    b.township, b.name = a.township, a.township
    b.address = b.address.replace(b.address[b.address.index("县") + 1:], f"{a.township}人民路1号")
    assert a.county != b.county
    write_text(tmp_path, "a.txt", c.report(a, 2023))
    write_text(tmp_path, "b.txt", c.report(b, 2023))
    s = store.ingest([str(tmp_path)], jobs=1)
    assert (s.new, s.replaced) == (2, 0)
    assert len({r.agency_id for r in store.reports()}) == 2


def test_corrected_resubmission_replaces_and_keeps_the_old_version(store, tmp_path):
    c = Corpus(7)
    (a,) = c.agencies(1)
    first = c.report(a, 2023)
    write_text(tmp_path / "1", "report.txt", first)
    store.ingest([str(tmp_path / "1")], jobs=1)
    write_text(tmp_path / "2", "report-corrected.txt", c.corrected(first))
    s = store.ingest([str(tmp_path / "2")], jobs=1)
    assert (s.new, s.replaced) == (0, 1)
    (cur,) = store.reports()
    both = store.reports(all_versions=True)
    assert len(both) == 2
    old = next(r for r in both if r.id != cur.id)
    assert not old.current and old.superseded_by == cur.id and cur.current
    assert store.load_report(cur.id).value("active.licensing.decisions") == \
        store.load_report(old.id).value("active.licensing.decisions") + 1
    with store.engine.connect() as conn:  # only the current version is in the text index
        banded = set(conn.execute(select(S.text_bands.c.report_id).distinct()).scalars())
    assert banded == {cur.id}
    # the old file again: already stored, nothing changes
    s = store.ingest([str(tmp_path / "1")], jobs=1)
    assert s.unchanged == 1 and store.reports()[0].id == cur.id


def test_reports_filters(store, tmp_path):
    c = Corpus(8)
    specs = c.series(4, (2022, 2023))
    for i, sp in enumerate(specs):
        write_text(tmp_path, f"{i}.txt", sp)
    store.ingest([str(tmp_path)], jobs=1)
    assert len(store.reports()) == 8
    assert len(store.reports(year=2023)) == 4
    county = specs[0].agency.county
    assert {r.region.county for r in store.reports(region=county)} == {county}
    name = specs[0].agency.township
    assert {r.agency_id for r in store.reports(agency=name)} == {store.reports(agency=name)[0].agency_id}


def test_cli_reports_json(tmp_path):
    db = tmp_path / "s.sqlite3"
    env_run = [sys.executable, "-m", "gongkai.cli"]
    subprocess.run(env_run + ["ingest", "-q", "--db", str(db), str(SEEDS[3])], check=True, capture_output=True,
                   timeout=120)
    out = subprocess.run(env_run + ["reports", "--db", str(db), "--json", "--region", "奉新县"], capture_output=True,
                         text=True, timeout=60, check=False)
    data = json.loads(out.stdout)
    assert [(d["agency"], d["year"], d["county"]) for d in data] == [("甘坊镇", 2023, "奉新县")]
    one = subprocess.run(env_run + ["reports", "--db", str(db), "--id", str(data[0]["id"]), "--json"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert {f["code"] for f in json.loads(one.stdout)["findings"]} >= {"GK111"}


def test_unreachable_database_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "reports", "--db",
                          "postgresql://nobody@127.0.0.1:1/none"], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2
    assert "无法打开数据库" in out.stderr
    assert Path(tmp_path).exists()


@pytest.mark.parametrize("bad", ["乡", "我县教育局"])
def test_no_region_invented(bad):
    from gongkai.agencies import report_region

    _, region = report_region(bad, None, None, "")
    assert region.province is None and region.city is None
