"""The JSON contract other tools read: ``gongkai parse --json`` and ``gongkai check --format json``
against the schema files shipped in the package (src/gongkai/schema/), and those files and docs/json.md
as generated from the edition definitions in gongkai.formats (``gongkai schema``), so that they cannot
drift apart.

The commands run in a child process, as another tool would run them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from gongkai.checks import SEVERITIES, catalogue
from gongkai.formats import EDITIONS, TABLE_KEYS
from gongkai.schema.docs import generated

from conftest import ROOT, SEEDS

SEED = {p.name[:3]: p for p in SEEDS}


# ---------------------------------------------------------------- helpers


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    proc.out = proc.stdout.decode("utf-8")
    proc.err = proc.stderr.decode("utf-8")
    assert "Traceback" not in proc.out + proc.err, proc.err
    return proc


@cache
def schema(name: str) -> dict:
    ref = resources.files("gongkai") / "schema" / f"{name}.schema.json"
    return json.loads(ref.read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(name: str, instance) -> None:
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


@cache
def parsed(code: str) -> dict:
    proc = run("parse", "--json", rel(SEED[code]))
    assert proc.returncode == 0, proc.err
    return json.loads(proc.out)


# ---------------------------------------------------------------- the schema files themselves


@pytest.mark.parametrize("name", ["report", "findings", "data"])
def test_schema_files_are_package_data_and_valid_draft_2020_12(name):
    s = schema(name)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(s)


def test_schema_files_and_docs_are_generated_from_the_model():
    """src/gongkai/schema/*.schema.json and docs/json.md are `gongkai schema --write`'s output."""
    files = generated()
    assert set(files) == {"src/gongkai/schema/report.schema.json", "src/gongkai/schema/findings.schema.json",
                          "src/gongkai/schema/data.schema.json", "docs/json.md"}
    stale = [rel for rel, text in files.items() if (ROOT / rel).read_text(encoding="utf-8") != text]
    assert not stale, f"stale: {stale}; run `gongkai schema --write`"


def test_schema_command_checks_and_rewrites_a_checkout(tmp_path):
    (tmp_path / "src" / "gongkai" / "schema").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "json.md").write_text("# edited by hand\n", encoding="utf-8")
    proc = run("schema", "--check", "--root", str(tmp_path))
    assert proc.returncode == 1
    assert proc.out.count("gongkai schema --write") == 4 and "docs/json.md" in proc.out
    proc = run("schema", "--write", "--root", str(tmp_path))
    assert proc.returncode == 0 and proc.out.count("已重写") == 4
    for rel in generated():
        assert (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    assert run("schema", "--check", "--root", str(tmp_path)).returncode == 0
    assert json.loads(run("schema", "report").out) == schema("report")
    assert run("schema", "--check", "--root", str(tmp_path / "docs")).returncode == 2  # not a checkout


def test_report_json_of_each_seed_is_valid_data():
    """What `gongkai parse --json` prints can be given back as data (gongkai new --data)."""
    for code in sorted(SEED):
        errors = list(validator("data").iter_errors(parsed(code)))
        assert not errors, (code, errors[0].message)
    assert not validator("data").is_valid({"tables": {"applications": {"granted": {"total": [1]}}}})


def _table_defs(table: str) -> dict[str, dict]:
    """edition key -> the schema of ``table`` printed in that edition."""
    s = schema("report")
    refs = [alt["$ref"] for alt in s["properties"]["tables"]["properties"][table]["anyOf"]]
    out = {}
    for ref in refs:
        assert ref.startswith("#/$defs/")
        name = ref.removeprefix("#/$defs/")
        tkey, _, ekey = name.partition(".")
        assert tkey == table
        out[ekey] = s["$defs"][name]
    return out


def test_schema_table_keys_equal_formats():
    tables = schema("report")["properties"]["tables"]
    assert list(tables["properties"]) == list(TABLE_KEYS)
    assert tables["additionalProperties"] is False


@pytest.mark.parametrize("table", TABLE_KEYS)
def test_schema_row_and_column_keys_equal_formats(table):
    defs = _table_defs(table)
    assert sorted(defs) == sorted(EDITIONS), "one table schema per edition"
    for ekey, tschema in defs.items():
        tdef = EDITIONS[ekey].table(table)
        assert tschema["additionalProperties"] is False
        props = tschema["properties"]
        native = [k for k, v in props.items() if "x-gongkai-extra-row" not in v]
        assert native == list(tdef.row_keys), f"{table} {ekey}: row keys"
        for rdef in tdef.rows:
            rs = props[rdef.key]
            cols = [c.key for c in rdef.columns]
            assert rs["title"] == rdef.label, f"{table}.{rdef.key} {ekey}: label"
            assert list(rs["properties"]) == cols, f"{table}.{rdef.key} {ekey}: column keys"
            assert rs["required"] == cols
            assert rs["additionalProperties"] is False
            for c in rdef.columns:
                assert rs["properties"][c.key]["title"] == c.label
                assert rs["properties"][c.key]["$ref"] == "#/$defs/cell"
        # A row of another edition printed in this edition's table is kept, with that edition's columns.
        extra = {k: v for k, v in props.items() if "x-gongkai-extra-row" in v}
        expected_extra = {}
        for other in EDITIONS.values():
            if other.key == ekey:
                continue
            for rdef in other.table(table).rows:
                if rdef.key not in tdef.row_keys:
                    expected_extra.setdefault(rdef.key, (other.key, rdef))
        assert set(extra) == set(expected_extra), f"{table} {ekey}: extra rows"
        for key, (okey, rdef) in expected_extra.items():
            assert extra[key]["x-gongkai-extra-row"] == okey
            assert list(extra[key]["properties"]) == [c.key for c in rdef.columns]


def test_findings_schema_cell_refs_name_the_tables():
    pattern = schema("findings")["$defs"]["cellRef"]["pattern"]
    m = re.match(r"^\^\(([a-z_|]+)\)", pattern)
    assert m, pattern
    assert m.group(1).split("|") == list(TABLE_KEYS)


def test_docs_list_every_key_with_its_label():
    """docs/json.md has a key → label table for each table; it must name every key of formats."""
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    for ed in EDITIONS.values():
        for tdef in ed.tables:
            for rdef in tdef.rows:
                assert f"`{rdef.key}`" in doc, rdef.key
                assert rdef.label in doc, rdef.label
                for c in rdef.columns:
                    assert re.search(rf"`{c.key}`\s*\|\s*{re.escape(c.label)}", doc), f"{tdef.key}.{rdef.key}.{c.key}"


# ---------------------------------------------------------------- gongkai parse --json


@pytest.mark.parametrize("code", sorted(SEED))
def test_parse_json_of_each_seed_is_one_valid_object(code):
    data = parsed(code)
    assert isinstance(data, dict)
    assert_valid("report", data)
    path = SEED[code]
    assert data["schema"] == "gongkai.report/2"
    assert data["source"] == {
        "path": rel(path),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "format": "text",
        "ocr": None,  # nothing was recognised from a scan
    }
    assert set(data["tables"]) == set(TABLE_KEYS)


def test_parse_json_of_several_files_is_an_array_in_argument_order():
    codes = sorted(SEED)
    proc = run("parse", "--json", *(rel(SEED[c]) for c in reversed(codes)))
    assert proc.returncode == 0, proc.err
    data = json.loads(proc.out)
    assert isinstance(data, list) and len(data) == len(codes)
    for item in data:
        assert_valid("report", item)
    assert [d["source"]["path"] for d in data] == [rel(SEED[c]) for c in reversed(codes)]
    for code, item in zip(reversed(codes), data, strict=True):
        assert item == parsed(code)


def test_parse_json_of_a_directory_of_several_files_is_an_array():
    proc = run("parse", "--json", rel(SEEDS[0].parent))
    assert proc.returncode == 0, proc.err
    data = json.loads(proc.out)
    assert isinstance(data, list) and len(data) == len(SEEDS)
    for item in data:
        assert_valid("report", item)


def test_parse_json_with_an_unreadable_file_still_prints_valid_json(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run("parse", "--json", rel(SEED["001"]), str(empty))
    assert proc.returncode == 2
    data = json.loads(proc.out)
    assert isinstance(data, list) and len(data) == 1  # several files given: an array, the readable ones
    assert_valid("report", data[0])
    assert str(empty) in proc.err


def test_parse_json_of_standard_input():
    raw = SEED["000"].read_bytes()
    proc = run("parse", "--json", "-", stdin=raw)
    assert proc.returncode == 0, proc.err
    data = json.loads(proc.out)
    assert_valid("report", data)
    assert data["source"]["path"] == "<stdin>"
    assert data["source"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert data["tables"] == parsed("000")["tables"]


# ---------------------------------------------------------------- values written by hand from the seeds


def test_seed_000_procurement_amount_keeps_the_printed_unit():
    d = parsed("000")
    assert d["edition"] == "2019" and d["year"] == 2023 and d["agency"] == "丰收乡"
    proc = d["tables"]["active"]["procurement"]
    assert proc["items"] == {"value": 3, "raw": "3", "at": {"line": 75}, "how": "printed"}
    assert proc["amount"] == {"value": 20, "raw": "20万元", "at": {"line": 76}, "how": "printed"}
    assert [s["number"] for s in d["sections"]] == [1, 2, 3, 4, 5, 6, 7]
    assert d["date"] is None and d["contact"] is None


def test_seed_002_granted_row_blank_applicants_and_total_zero():
    d = parsed("002")
    assert d["edition"] == "2019" and d["year"] == 2020
    granted = d["tables"]["applications"]["granted"]
    applicants = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"]
    assert list(granted) == applicants + ["total"]
    for col in applicants:
        assert granted[col]["value"] is None, col
        assert granted[col]["raw"] in ("", None), col  # blank, never a number or a nil marker
    for col in applicants[:5]:  # the five blank cells the line prints (line 49: five tabs, then 0)
        assert granted[col]["raw"] == "", col
    assert granted["total"] == {"value": 0, "raw": "0", "at": {"line": 49, "cell": 8}, "how": "printed"}


def test_seed_003_missing_row_is_absent_and_facts_are_read():
    d = parsed("003")
    apps = d["tables"]["applications"]
    assert "other_other" not in apps  # 3.其他 is not printed in this report
    assert "other_no_correction" in apps and "other_unpaid_fee" in apps
    assert d["edition"] == "2021"
    assert d["date"] == "2024-01-10"
    assert d["contact"]["phone"] == "0795-4649001"
    assert d["tables"]["active"]["normative_documents"]["issued"]["value"] is not None


def test_seed_004_blank_cell_is_value_null_raw_empty():
    d = parsed("004")
    assert d["tables"]["active"]["coercion"] == {"decisions": {"value": None, "raw": "", "at": {"line": 46}, "how": "printed"}}
    assert d["tables"]["active"]["fees"]["amount"] == {"value": 0, "raw": "0", "at": {"line": 54}, "how": "printed"}
    assert set(d["tables"]["review_litigation"]) == {"review", "litigation_direct", "litigation_after_review"}


@pytest.mark.parametrize(
    "printed, value, raw",
    [("", None, ""), ("/", None, "/"), ("0", 0, "0"), ("3", 3, "3")],
    ids=["blank", "nil-marker", "zero", "three"],
)
def test_blank_nil_marker_and_zero_stay_apart(tmp_path, printed, value, raw):
    """Seed 004 prints 行政强制 blank (line 46); the same report with "/", "0" or "3" there."""
    lines = SEED["004"].read_text(encoding="utf-8").split("\n")
    assert lines[45] == "\t"
    lines[45] = "\t" + printed
    f = tmp_path / "report.txt"
    f.write_text("\n".join(lines), encoding="utf-8")
    proc = run("parse", "--json", str(f))
    assert proc.returncode == 0, proc.err
    data = json.loads(proc.out)
    assert_valid("report", data)
    assert data["tables"]["active"]["coercion"]["decisions"] == {"value": value, "raw": raw, "at": {"line": 46}, "how": "printed"}


# ---------------------------------------------------------------- gongkai check --format json


def _resolves(ref: str) -> bool:
    parts = ref.split(".")
    if parts[0] not in TABLE_KEYS:
        return False
    if len(parts) == 1:
        return True
    rows = [r for ed in EDITIONS.values() for r in ed.table(parts[0]).rows if r.key == parts[1]]
    if not rows:
        return False
    return len(parts) == 2 or any(parts[2] in [c.key for c in r.columns] for r in rows)


def test_check_json_validates_against_the_findings_schema():
    args = [rel(SEED[c]) for c in sorted(SEED)]
    proc = run("check", "--format", "json", *args)
    assert proc.returncode == 1  # seeds 000 and 003 have error-severity findings
    findings = json.loads(proc.out)
    assert isinstance(findings, list) and findings
    assert_valid("findings", findings)
    codes = {r.code for r in catalogue()}
    for f in findings:
        assert f["file"] in args
        assert f["code"] in codes
        assert f["severity"] in SEVERITIES
        for ref in f["cells"]:
            assert _resolves(ref), ref


def test_check_json_names_the_cells_of_a_broken_identity(tmp_path):
    """Seed 001 with 一、本年新收 总计 changed from 0 to 5: the balance and the row total break."""
    lines = SEED["001"].read_text(encoding="utf-8").split("\n")
    d = parsed("001")
    n = d["tables"]["applications"]["new_received"]["total"]["at"]["line"]
    assert lines[n - 1].strip() == "0"
    lines[n - 1] = "\t5"
    f = tmp_path / "broken.txt"
    f.write_text("\n".join(lines), encoding="utf-8")
    proc = run("check", "--format", "json", str(f))
    assert proc.returncode == 1
    findings = json.loads(proc.out)
    assert_valid("findings", findings)
    by_code = {}
    for x in findings:
        by_code.setdefault(x["code"], []).append(x)
    assert "GK302" in by_code
    row_total = [x for x in by_code["GK302"] if "applications.new_received.total" in x["cells"]]
    assert row_total and row_total[0]["severity"] == "error" and row_total[0]["file"] == str(f)
    assert "GK301" in by_code
    assert any("applications.new_received.total" in x["cells"] for x in by_code["GK301"])


def test_check_json_with_no_findings_or_unreadable_file_is_still_an_array(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run("check", "--format", "json", str(empty))
    assert proc.returncode == 2
    assert json.loads(proc.out) == []
    assert_valid("findings", [])
