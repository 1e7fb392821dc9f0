"""Export of the long-form cells with agency, region, year and edition: CSV and Parquet."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pyarrow.parquet as pq

from gongkai.store import export

from conftest import SEEDS
from synth import Corpus
from test_store_support import store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL


def test_csv_and_parquet(store, tmp_path):
    c = Corpus(71)
    for s in c.series(3, (2022, 2023)):
        write_text(tmp_path / "in", f"{s.stem}.txt", s)
    store.ingest([str(tmp_path / "in")], jobs=1)
    n_cells = store.counts()["cells"]
    buf = io.StringIO()
    assert export.write_csv(store, buf) == n_cells
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == n_cells and list(rows[0]) == list(export.COLUMNS)
    one = next(r for r in rows if r["table"] == "applications" and r["row"] == "new_received" and r["column"] == "total")
    assert one["row_label"] == "一、本年新收" and one["column_label"] == "总计"
    assert one["edition"] == "2021" and one["county"] and one["region"].startswith("江西省/")
    assert one["level"] in ("乡镇", "县级部门")
    assert len([r for r in rows if r["year"] == "2023"]) == n_cells // 2

    path = tmp_path / "cells.parquet"
    assert export.write_parquet(store, path, year=2023, chunk=100) == n_cells // 2
    table = pq.read_table(path)
    assert table.num_rows == n_cells // 2 and table.column_names == list(export.COLUMNS)
    assert set(table.column("year").to_pylist()) == {2023}
    assert str(table.schema.field("value").type) == "double"


def test_cli_export(tmp_path):
    db = str(tmp_path / "s.sqlite3")
    subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", "-q", "--db", db, str(SEEDS[3])], check=True,
                   capture_output=True, timeout=120)
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "export", "--db", db], capture_output=True, text=True,
                         timeout=60, check=False)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("report_id,agency_id,agency,level,province,city,county,township,region,year,edition")
    assert any(",江西省,,奉新县,甘坊镇,江西省/奉新县/甘坊镇,2023,2021," in ln for ln in lines[1:])
    pq_path = tmp_path / "x.parquet"
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "export", "--db", db, "--format", "parquet", "-o",
                          str(pq_path)], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0 and pq.read_table(pq_path).num_rows == len(lines) - 1
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "export", "--db", db, "--format", "parquet"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2
