"""Hostile and broken input: every case of tests/hostile.py (made here, in a temporary folder)
ends with a clear one-line reason or a report, with bounded memory; limits can be set from the
environment and the command line; the time limit really interrupts. (How long each case takes is
measured by bench/hostile_inputs.py: timing is not asserted here.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from gongkai.api import check, read, read_data
from gongkai.errors import GongkaiError, LimitExceeded, ReadError
from gongkai.limits import Limits, LimitsConfigError, from_env, with_settings
from gongkai.pipeline import process

import hostile

LIMIT_SECONDS = 5.0  # the per-file time limit the tests use (the default is 60)
MEMORY_MB = 1024  # peak RSS a process reading bombs may reach


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, hostile.build_all(folder)


def _outcome(path: Path, case: hostile.Case) -> str | None:
    """What is wrong with how ``path`` was handled (None: all right)."""
    try:
        report = read(path, Limits(max_seconds=LIMIT_SECONDS))
        findings = check(report)
        text = json.dumps(report.to_json(), ensure_ascii=False)
    except GongkaiError as exc:
        reason = str(exc)
        if hostile.SECRET in reason:
            return f"the secret leaked into the error: {reason}"
        if "\n" in reason or not reason.strip() or " (" not in reason:
            return f"not a one-line reason in Chinese (English): {reason!r}"
        if case.error is None and not case.may_fail:
            return f"should have been read, but: {reason}"
        if case.error is not None and case.error not in reason and not (case.bomb and "超时" in reason):
            # (a bomb refused by the time limit on a loaded machine is refused clearly too)
            return f"reason should mention {case.error!r}: {reason}"
        return None
    if case.error is not None:
        return f"should have been refused ({case.error}), but was read"
    if hostile.SECRET in text:
        return "the content of /etc/passwd came out"
    if case.fmt and report.source.format != case.fmt:
        return f"read as {report.source.format}, not {case.fmt}"
    codes = {f.code for f in findings}
    missing = [c for c in case.findings if c not in codes]
    if missing:
        return f"findings {missing} missing (got {sorted(codes)})"
    if "title" in case.extra and case.extra["title"] not in (report.title or ""):
        return f"title not read: {report.title!r}"
    if "max_lol" in case.extra and text.count("lol") > case.extra["max_lol"]:
        return "entities were expanded"
    return None


def test_every_hostile_file_ends_clearly_in_process(cases):
    folder, all_cases = cases
    problems = {name: p for name, case in all_cases.items() if (p := _outcome(folder / name, case))}
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


# The CLI run under a wrapper that prints, when it exits, the peak RSS of the command and of the workers
# that read its files (its children, waited for when the command ends). (The rusage of the pytest
# process's own children is no good here: Linux carries the high-water mark of the forked parent,
# pytest with its hundreds of MB, over into the child.)
_WRAPPER = """
import atexit, resource, runpy, sys
def _peak():
    own = 0
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1])
    except OSError:
        pass
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write("\\nPEAK_RSS_KB " + str(max(own, workers)) + "\\n")
atexit.register(_peak)
sys.argv = ["gongkai", *sys.argv[1:]]
runpy.run_module("gongkai.cli", run_name="__main__", alter_sys=True)
"""


def _run_measured(args: list[str], timeout: float) -> tuple[int, str, str, float]:
    """Run the CLI; (exit code, stdout, stderr, peak RSS of the command or its workers in MB; 0 if unknown)."""
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, timeout=timeout, check=False)
    err = proc.stderr.decode("utf-8", "replace")
    peak = 0.0
    if "PEAK_RSS_KB " in err:
        err, _, tail = err.rpartition("PEAK_RSS_KB ")
        peak = int(tail.split()[0]) / 1024
        err = err.rstrip("\n") + "\n"
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), err, peak


def test_command_line_on_hostile_files_bounded_time_and_memory(cases):
    """The CLI, in processes of its own: one line per refused file, no traceback, nothing of
    /etc/passwd, each command and its workers under the memory bound."""
    folder, all_cases = cases
    names = sorted(all_cases)
    bombs = [n for n in names if all_cases[n].bomb]
    others = [n for n in names if not all_cases[n].bomb]
    groups = [bombs[0::2], bombs[1::2], others]

    def run(group: list[str]):
        budget = (LIMIT_SECONDS + 1) * len(group) + 10
        return group, _run_measured(["check", "--timeout", str(LIMIT_SECONDS), *[str(folder / n) for n in group]],
                                    budget)

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run, groups))
    for group, (code, out, err, rss) in results:
        assert code == 2, (group, out, err)
        assert "Traceback" not in out + err
        assert hostile.SECRET not in out + err
        assert 0 < rss < MEMORY_MB, f"peak RSS {rss:.0f} MB for {group}"
        first_lines = [ln for ln in err.split("\n\n")[0].splitlines() if ln.strip()]
        stray = [ln for ln in first_lines if not ln.startswith(str(folder))]
        assert not stray, f"lines on stderr that are not one file's reason: {stray[:3]}"
        for name in group:
            mine = [ln for ln in first_lines if ln.startswith(str(folder / name) + ":")]
            if all_cases[name].error:
                # (a file read to its end that is no annual report is named as not taken, not as unreadable)
                said = "未收录" if all_cases[name].error == hostile.NOT_A_REPORT else "无法读取"
                assert len(mine) == 1 and said in mine[0], (name, err)
                assert all_cases[name].error in mine[0] or "超时" in mine[0], (name, err)
            elif not all_cases[name].may_fail:
                assert not mine, (name, mine)


def test_one_gigabyte_of_zeros_is_refused_by_its_size_without_being_read(tmp_path, monkeypatch):
    import gongkai.readers as readers

    path = hostile.sparse_zeros(tmp_path / "zeros.txt")

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(readers, "open", no_open, raising=False)
    with pytest.raises(LimitExceeded) as err:
        read(path)
    assert "过大" in str(err.value) and "1024 MB" in str(err.value)
    monkeypatch.undo()
    code, _out, err_text, rss = _run_measured(["check", str(path)], 60)
    assert code == 2 and "过大" in err_text and 0 < rss < 300, (err_text, rss)


def test_a_device_or_a_stream_without_end_is_never_read_whole(tmp_path):
    with pytest.raises(ReadError) as err:
        read("/dev/zero")
    assert "不是普通文件" in str(err.value)
    with open("/dev/zero", "rb") as zeros:
        proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "--max-size", "1", "-"], stdin=zeros,
                              capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "过大" in proc.stderr


# --------------------------------------------------------------------------------- time limit


def _busy(seconds: float) -> None:
    """Keep the processor busy for a while, then return: a limit that does not interrupt it shows as a
    missing exception, not as a test that never ends."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_time_limit_interrupts_a_reader_that_hangs(monkeypatch):
    from gongkai.readers import text as text_reader

    real_read = text_reader.read

    def hang(data, source, limits):  # busy for 5 s, then reads: only an interruption gives a failure
        end = time.monotonic() + 5
        while time.monotonic() < end:
            pass
        return real_read(data, source, limits)

    monkeypatch.setattr(text_reader, "read", hang)
    failure = process(b"hello", "a.txt", Limits(max_seconds=0.3)).failure  # in this process: the alarm
    assert failure is not None and failure.reason == "limit"
    assert "超时" in failure.zh and "0.3" in str(failure)


def test_time_limits_nest_and_the_outer_one_survives_the_inner():
    from gongkai.readers import time_limit

    with pytest.raises(LimitExceeded), time_limit(0.4):
        with time_limit(10):  # an inner limit never extends the outer one
            pass
        with time_limit(0.05):  # an inner limit that ends first ...
            pass
        _busy(3)  # ... and the outer one still fires after it
    with pytest.raises(LimitExceeded) as err, time_limit(10), time_limit(0.1):
        _busy(3)
    assert "0.1" in str(err.value)
    with time_limit(0.05):  # an alarm left over must not fire later
        pass
    time.sleep(0.1)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_time_limit_survives_an_alarm_swallowed_in_a_destructor():
    """An exception raised while a __del__ method (or a garbage-collector callback) runs is printed
    and dropped: the alarm fires again until the block ends."""
    from gongkai.readers import time_limit

    class SlowToDie:
        def __del__(self):
            end = time.monotonic() + 0.3
            while time.monotonic() < end:
                pass

    with pytest.raises(LimitExceeded), time_limit(0.1):
        SlowToDie()  # gone at once; its __del__ runs past the deadline and swallows the alarm
        _busy(3)


def test_extraction_is_inside_the_time_limit(monkeypatch):
    from gongkai import pipeline

    real_extract = pipeline.extract

    def slow_extract(doc):
        _busy(5)
        return real_extract(doc)

    monkeypatch.setattr(pipeline, "extract", slow_extract)
    failure = pipeline.process(b"some text", "a.txt", Limits(max_seconds=0.2)).failure
    assert failure is not None and failure.reason == "limit" and "超时" in failure.zh


# --------------------------------------------------------------------------------- settings


def test_limits_from_the_environment():
    env = {"GONGKAI_LIMITS": "max_file_bytes=2MB, max_seconds=7.5 max_zip_members=10",
           "GONGKAI_MAX_PAGES": "12", "GONGKAI_MAX_DECOMPRESSED": "64", "GONGKAI_MAX_NESTING": "5",
           "GONGKAI_SOFFICE": "/usr/bin/soffice"}
    limits = from_env(env)
    assert limits.max_file_bytes == 2 * 2**20 and limits.max_seconds == 7.5 and limits.max_zip_members == 10
    assert limits.max_pdf_pages == 12 and limits.max_decompressed_bytes == 64 * 2**20 and limits.max_nesting == 5
    assert from_env({"GONGKAI_LIMITS": "max_pdf_pages=3", "GONGKAI_MAX_PDF_PAGES": "4"}).max_pdf_pages == 4
    assert from_env({"GONGKAI_MAX_SIZE": "1.5"}).max_file_bytes == int(1.5 * 2**20)
    assert from_env({"GONGKAI_MAX_FILE_BYTES": "1000"}).max_file_bytes == 1000
    assert from_env({"GONGKAI_TIMEOUT": "3"}).max_seconds == 3.0
    assert from_env({}) == Limits()
    for bad in ({"GONGKAI_MAX_SIZE": "lots"}, {"GONGKAI_LIMITS": "max_everything=1"}, {"GONGKAI_LIMITS": "oops"},
                {"GONGKAI_MAX_PAGES": "10MB"}, {"GONGKAI_TIMEOUT": "-1"}):
        with pytest.raises(LimitsConfigError) as err:
            from_env(bad)
        assert " (" in str(err.value) and "\n" not in str(err.value)
    assert with_settings(Limits(), {"max_nesting": "4"}).max_nesting == 4


def _cli(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, env=full,
                          timeout=120, check=False)


def test_limits_on_the_command_line_and_in_the_environment(cases):
    folder, _ = cases
    seed = str(hostile.samplefiles.SEEDS[1])
    res = _cli(["check", seed], {"GONGKAI_LIMITS": "max_file_bytes=1KB"})
    assert res.returncode == 2 and "过大" in res.stderr and "(" in res.stderr
    res = _cli(["check", "--max-size", "1", seed], {"GONGKAI_MAX_SIZE": "0.001"})
    assert res.returncode != 2, res.stderr  # the command line wins over the environment
    res = _cli(["check", seed], {"GONGKAI_MAX_SIZE": "many"})
    assert res.returncode == 2 and "GONGKAI_MAX_SIZE" in res.stderr and "Traceback" not in res.stderr
    res = _cli(["parse", "--limit", "max_zip_members=2", str(folder / "xxe-rels.docx")])
    assert res.returncode == 2 and "文件数量" in res.stderr
    res = _cli(["parse", "--max-decompressed", "0.01", str(folder / "really-a-docx.pdf")])
    assert res.returncode == 2 and "解压后过大" in res.stderr
    res = _cli(["parse", "--limit", "max_nesting", seed])
    assert res.returncode == 2 and "--limit" in res.stderr


def test_smaller_limits_refuse_sooner():
    with pytest.raises(LimitExceeded):
        read_data(hostile.samplefiles.html_bytes(), "a.html", replace(Limits(), max_elements=50))
    with pytest.raises(LimitExceeded):
        read_data(hostile.samplefiles.docx_bytes(), "a.docx", replace(Limits(), max_xml_bytes=1000))
    with pytest.raises(LimitExceeded):
        read_data(hostile.samplefiles.pdf_bytes(max_blocks=12), "a.pdf", replace(Limits(), max_page_objects=50))
    with pytest.raises(LimitExceeded):
        read_data(hostile.samplefiles.pdf_bytes(max_blocks=12), "a.pdf", replace(Limits(), max_page_bytes=100))
    with pytest.raises(LimitExceeded):
        read_data(hostile.samplefiles.pdf_bytes(max_blocks=12, compress=True), "a.pdf",
                  replace(Limits(), max_decompressed_bytes=100))
