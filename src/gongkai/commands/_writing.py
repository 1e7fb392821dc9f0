"""Shared by the commands that write reports (new, template, convert, render): reading inputs
with a one-line reason on failure, printing findings and notes, writing the output file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..checks import SEVERITY_ZH
from ..errors import GongkaiError
from ..formats import get_edition


def fail(message: str, status: int = 2):
    click.echo(message, err=True)
    sys.exit(status)


def load(path: str, what: str):
    """A report from any file gongkai reads (data files included), or exit 2 with the reason."""
    # lazy: start-up time — reading data files loads jsonschema and the forms; `gongkai check` does not need them
    from ..forms import load_report

    try:
        return load_report(path)
    except GongkaiError as exc:
        fail(f"{what}无法读取：{path}：{exc}")
    except Exception as exc:  # noqa: BLE001  one line, never a traceback
        fail(f"{what}无法读取：{path}：{type(exc).__name__}: {exc}")


def finding_line(f) -> str:
    return f"{f.code} {SEVERITY_ZH[f.severity]} {f.message}"


def echo_findings(findings, *, include_info: bool = False) -> None:
    for f in findings:
        if f.severity != "info" or include_info:
            click.echo(finding_line(f), err=True)


def counts(findings) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}


def echo_notes(title: str, notes: list[str], err: bool = True) -> None:
    if notes:
        click.echo(title, err=err)
        for n in notes:
            click.echo(f"  - {n}", err=err)


def computed_notes(report, refs: list[str]) -> list[str]:
    """“表三「一、本年新收」总计 = 12” for every total computed."""
    if not refs:
        return []
    ed = get_edition(report.edition or "2021")
    out = []
    for ref in refs:
        cell = report.cell(ref)
        value = cell.raw if cell else ""
        try:
            name = ed.cell_label(ref)
        except (KeyError, StopIteration):
            name = ref
        out.append(f"{name} = {value}")
    return out


def check_output(output: str | None, inputs: list[str | None]) -> None:
    """Never write over an input."""
    if not output:
        return
    out = Path(output).resolve()
    for p in inputs:
        if p and Path(p).resolve() == out:
            fail(f"输出文件不能与输入文件相同：{output}")


def write_bytes(output: str, data: bytes) -> None:
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        fail(f"无法写入 {output}：{exc.strerror}")
