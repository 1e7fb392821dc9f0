"""Nothing crashes: any bytes give a report or a clear error, never an exception escaping."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import check, read_data
from gongkai.errors import GongkaiError, ReadError

from conftest import SEEDS

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]


def _read_and_check(data: bytes, name: str = "input.txt"):
    try:
        report = read_data(data, name)
    except GongkaiError as exc:
        assert str(exc).strip(), "an error must say what is wrong"
        assert "\n" not in str(exc), "the reason is one line"
        return None
    findings = check(report)
    report.to_json()
    for f in findings:
        assert f.code.startswith("GK") and f.message
    return report


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    _read_and_check(data)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    _read_and_check(text.encode("utf-8"))


@st.composite
def mutated_seed(draw):
    lines = draw(st.sampled_from(SEED_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "garble", "insert"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[: i + 1]
        elif op == "garble":
            lines[i] = draw(st.text(max_size=30))
        else:
            lines.insert(i, draw(st.sampled_from(["\t", "\t-5", "\t1.5", "\t/", "\t若干", "", "一、", "\t\t\t", "9" * 30])))
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed(), st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_mutated_seeds(text, encoding):
    data = text.encode(encoding, "replace")
    report = _read_and_check(data)
    if text.strip() and report is None:
        # text is always readable as text: a seed cut down to nothing of the format (its title alone, a few
        # lines of narrative) is read and then refused as no annual report, never found unreadable
        with pytest.raises(ReadError) as refused:
            read_data(data, "input.txt")
        assert refused.value.reason == "not-a-report", str(refused.value)


def test_truncated_and_empty_reports():
    for seed in SEED_TEXTS:
        for cut in (0, 1, 50, len(seed) // 3, len(seed) // 2, len(seed) - 1):
            _read_and_check(seed[:cut].encode("utf-8"))
    _read_and_check(b"")
    _read_and_check(b"\x00" * 1000)
    _read_and_check("这不是一份报告，只是一段普通的文字。".encode())
