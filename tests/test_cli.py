"""The ``gongkai`` command as a user and a script meet it: exit codes, unreadable files, directories,
standard input, the rule list and the text output format.

Every command runs in a child process so that exit codes and standard error are the real ones,
and no output may ever contain a Python traceback.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from gongkai.checks import SEVERITIES, catalogue

from conftest import ROOT, SEEDS

SEED = {p.name[:3]: p for p in SEEDS}
CLEAN = SEED["001"]  # warnings only: exit 0
BROKEN = SEED["000"]  # GK101 (2019 edition in a 2023 report), an error: exit 1

LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+|p\d+): (?P<code>GK\d{3}) (?P<severity>error|warning|info) (?P<message>\S.*)$"
)
SUMMARY = re.compile(
    r"^共检查 (?P<n>\d+) 份报告：错误 (?P<e>\d+) 条，警告 (?P<w>\d+) 条，提示 (?P<i>\d+) 条"
    r"（(?P=n) checked: (?P=e) errors, (?P=w) warnings, (?P=i) info）"
    r"(?:；(?P<bad>\d+) 个文件无法读取)?$"
)


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
    assert "Traceback" not in proc.out, proc.out
    assert "Traceback" not in proc.err, proc.err
    return proc


def rel(p) -> str:
    return str(p.relative_to(ROOT))


def finding_lines(out: str) -> list[re.Match]:
    return [m for m in (LINE.match(line) for line in out.splitlines()) if m]


def summary(out: str) -> re.Match:
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines, "no output"
    m = SUMMARY.match(lines[-1])
    assert m, f"last line is not the summary: {lines[-1]!r}"
    return m


def assert_one_line_reason(err: str, name: str) -> None:
    """The unreadable file is named on one line of standard error, with a reason after it."""
    hits = [line for line in err.splitlines() if line.startswith(f"{name}: ")]
    assert hits, err
    reason = hits[0][len(name) + 2:].strip()
    assert "无法读取" in reason and len(reason) > len("无法读取 (unreadable): "), hits[0]


# ---------------------------------------------------------------- exit codes


def test_clean_report_exits_0():
    proc = run("check", rel(CLEAN))
    assert proc.returncode == 0, proc.out + proc.err
    assert proc.err == ""
    assert all(m["severity"] != "error" for m in finding_lines(proc.out))
    s = summary(proc.out)
    assert (s["n"], s["e"]) == ("1", "0")


@pytest.mark.parametrize("code", ["001", "002", "004"])
def test_seeds_without_errors_exit_0(code):
    assert run("check", rel(SEED[code])).returncode == 0


@pytest.mark.parametrize("code", ["000", "003"])
def test_report_with_an_error_finding_exits_1(code):
    proc = run("check", rel(SEED[code]))
    assert proc.returncode == 1
    assert any(m["severity"] == "error" for m in finding_lines(proc.out))
    assert int(summary(proc.out)["e"]) >= 1
    assert proc.err == ""


def test_one_error_among_several_files_exits_1():
    proc = run("check", rel(CLEAN), rel(BROKEN))
    assert proc.returncode == 1
    assert summary(proc.out)["n"] == "2"


def test_error_finding_exits_1_with_json_output_too():
    proc = run("check", "--format", "json", rel(BROKEN))
    assert proc.returncode == 1
    assert any(f["severity"] == "error" for f in json.loads(proc.out))


def test_select_limits_the_rules_and_the_exit_code():
    proc = run("check", "--select", "GK501", rel(BROKEN))  # only a warning rule: GK101 does not run
    assert proc.returncode == 0
    assert {m["code"] for m in finding_lines(proc.out)} == {"GK501"}


def test_select_takes_prefixes_and_refuses_unknown_codes():
    # GK501 … GK509: no fee statement, no date, no 社会评议 or 责任追究
    proc = run("check", "--select", "GK50", rel(BROKEN))
    assert {m["code"] for m in finding_lines(proc.out)} == {"GK501", "GK504", "GK508"}
    for bad in ("GK999", "GK501,GK9", "XX1", ","):
        proc = run("check", "--select", bad, rel(BROKEN))
        assert proc.returncode == 2, bad
        assert proc.out == "" and len(proc.err.strip().splitlines()) == 1, (bad, proc.err)
    assert "GK999" in run("check", "--select", "GK999", rel(BROKEN)).err


# ---------------------------------------------------------------- unreadable files: exit 2


def test_empty_file_exits_2(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    proc = run("check", str(f))
    assert proc.returncode == 2
    assert len(proc.err.strip().splitlines()) == 1, proc.err
    assert_one_line_reason(proc.err, str(f))
    assert summary(proc.out)["bad"] == "1"


def test_whitespace_only_file_exits_2(tmp_path):
    f = tmp_path / "blank.txt"
    f.write_bytes(b"  \n\r\n\t \n")
    proc = run("check", str(f))
    assert proc.returncode == 2
    assert_one_line_reason(proc.err, str(f))


@pytest.mark.parametrize("name", ["random.bin", "random.txt", "random.docx", "random.pdf"])
def test_random_binary_bytes_exit_2(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(random.Random(20240115).randbytes(8192))
    proc = run("check", str(f))
    assert proc.returncode == 2, proc.out + proc.err
    assert len(proc.err.strip().splitlines()) == 1, proc.err
    assert_one_line_reason(proc.err, str(f))
    assert not finding_lines(proc.out)  # no findings about garbage read as a report


def test_missing_file_exits_2(tmp_path):
    f = tmp_path / "no-such-report.txt"
    proc = run("check", str(f))
    assert proc.returncode == 2
    assert len(proc.err.strip().splitlines()) == 1, proc.err
    assert_one_line_reason(proc.err, str(f))


def test_unreadable_file_wins_over_errors_exit_2(tmp_path):
    f = tmp_path / "no-such-report.txt"
    proc = run("check", rel(BROKEN), str(f))
    assert proc.returncode == 2
    assert any(m["code"] == "GK101" for m in finding_lines(proc.out))  # the readable file is still checked
    assert_one_line_reason(proc.err, str(f))


def test_directory_with_one_good_and_one_empty_file_exits_2(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    shutil.copy(CLEAN, d / "good.txt")
    (d / "empty.txt").write_bytes(b"")
    proc = run("check", str(d))
    assert proc.returncode == 2
    assert_one_line_reason(proc.err, str(d / "empty.txt"))
    files = {m["file"] for m in finding_lines(proc.out)}
    assert files == {str(d / "good.txt")}
    s = summary(proc.out)
    assert (s["n"], s["bad"]) == ("1", "1")


def test_parse_of_an_unreadable_file_exits_2(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    for args in (("parse", str(f)), ("parse", "--json", str(f))):
        proc = run(*args)
        assert proc.returncode == 2
        assert len(proc.err.strip().splitlines()) == 1, proc.err
        assert_one_line_reason(proc.err, str(f))


def test_a_file_of_an_unsupported_kind_named_explicitly_exits_2(tmp_path):
    f = tmp_path / "report.docx"  # a zip archive that is not a Word document
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("hello.txt", "not a report")
    proc = run("check", str(f))
    assert proc.returncode == 2
    assert_one_line_reason(proc.err, str(f))


# ---------------------------------------------------------------- inputs: directories and standard input


def test_directory_is_walked_recursively(tmp_path):
    top = tmp_path / "in"
    deep = top / "2023" / "乡镇" / "deeper"
    deep.mkdir(parents=True)
    shutil.copy(CLEAN, top / "a.txt")
    shutil.copy(BROKEN, deep / "b.txt")
    (top / "notes.csv").write_text("not a report", encoding="utf-8")  # not a report suffix: skipped
    proc = run("check", str(top))
    assert proc.returncode == 1  # the error is in the deepest file
    files = {m["file"] for m in finding_lines(proc.out)}
    assert str(deep / "b.txt") in files
    assert str(top / "a.txt") in files
    assert summary(proc.out)["n"] == "2"
    proc = run("check", "--format", "json", str(top))
    assert {f["file"] for f in json.loads(proc.out)} == files


def test_standard_input():
    raw = BROKEN.read_bytes()
    proc = run("check", "-", stdin=raw)
    assert proc.returncode == 1
    lines = finding_lines(proc.out)
    assert lines and all(m["file"] == "<stdin>" for m in lines)
    assert any(m["code"] == "GK101" for m in lines)
    # the same findings as reading the file itself
    direct = run("check", rel(BROKEN))
    assert [(m["line"], m["code"], m["message"]) for m in lines] == [
        (m["line"], m["code"], m["message"]) for m in finding_lines(direct.out)
    ]


def test_empty_standard_input_exits_2():
    proc = run("check", "-", stdin=b"")
    assert proc.returncode == 2
    assert_one_line_reason(proc.err, "<stdin>")


# ---------------------------------------------------------------- gongkai rules


def test_rules_lists_every_code():
    proc = run("rules")
    assert proc.returncode == 0
    lines = [line for line in proc.out.splitlines() if line.strip()]
    codes = [r.code for r in catalogue()]
    assert [line.split()[0] for line in lines] == codes
    for r, line in zip(catalogue(), lines, strict=True):
        assert line.split()[1:3] == [r.name, r.severity]
        assert line.rstrip().endswith(r.title)


def test_rules_json():
    proc = run("rules", "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.out)
    assert [d["code"] for d in data] == [r.code for r in catalogue()]
    assert len({d["code"] for d in data}) == len(data)
    for d in data:
        assert set(d) == {"code", "name", "severity", "title", "what", "why", "example"}
        assert re.fullmatch(r"GK\d{3}", d["code"])
        assert d["severity"] in SEVERITIES
        assert all(isinstance(d[k], str) and d[k] for k in d)


def test_every_rule_code_is_documented():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for r in catalogue():
        assert f"### {r.code} {r.name}" in doc, r.code


# ---------------------------------------------------------------- the text output


@pytest.mark.parametrize("code", sorted(SEED))
def test_text_lines_match_the_json_findings(code):
    """FILE:LINE: CODE severity message, one per finding, in the JSON's order; LINE is where ``at`` points."""
    path = rel(SEED[code])
    text = run("check", path)
    data = json.loads(run("check", "--format", "json", path).out)
    lines = finding_lines(text.out)
    body = [line for line in text.out.splitlines() if line.strip()][:-1]
    assert len(body) == len(lines), "every line before the summary is a finding line"
    assert len(lines) == len(data)
    for m, f in zip(lines, data, strict=True):
        assert m["file"] == path == f["file"]
        assert (m["code"], m["severity"]) == (f["code"], f["severity"])
        assert m["message"].startswith(f["message"])
        assert m["line"] == str(f["at"]["line"] if f["at"] else 1)  # plain text: the line of the file
    s = summary(text.out)
    counts = {sev: sum(1 for f in data if f["severity"] == sev) for sev in SEVERITIES}
    assert (int(s["e"]), int(s["w"]), int(s["i"])) == (counts["error"], counts["warning"], counts["info"])
    assert s["n"] == "1" and s["bad"] is None


def test_summary_counts_several_files():
    paths = [rel(SEED[c]) for c in sorted(SEED)]
    proc = run("check", *paths)
    s = summary(proc.out)
    lines = finding_lines(proc.out)
    assert s["n"] == str(len(paths))
    assert int(s["e"]) == sum(1 for m in lines if m["severity"] == "error")
    assert int(s["w"]) == sum(1 for m in lines if m["severity"] == "warning")
    assert int(s["i"]) == sum(1 for m in lines if m["severity"] == "info")
    assert {m["file"] for m in lines} == set(paths)


def test_version_and_help():
    proc = run("--version")
    assert proc.returncode == 0 and "gongkai" in proc.out
    proc = run("--help")
    assert proc.returncode == 0
    for cmd in ("parse", "check", "rules"):
        assert cmd in proc.out


def test_numbers_on_the_command_line_are_kept_within_range(tmp_path):
    db = str(tmp_path / "s.sqlite3")
    big = "9" * 30  # more than a database integer holds
    for args in (["reports", "--db", db, "--year", big], ["reports", "--db", db, "--id", big],
                 ["rollup", "--db", db, "--region", "奉新县", "--year", big], ["ingest", "--db", db, "-j", "0", "."],
                 ["new", "--year", "12", "--agency", "某镇", "-o", str(tmp_path / "r.docx")]):
        proc = run(*args)
        assert proc.returncode == 2, args
        assert "is not in the range" in proc.err, args
