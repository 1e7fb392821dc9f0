"""The ``gongkai`` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterator

import click

from . import __version__
from .checks import SEVERITIES, catalogue, check, has_errors
from .checks.docs import rules_markdown
from .checks.timing import late_report
from .commands import register_all
from .commands.options import limit_options, limits_or_exit
from .errors import GongkaiError
from .extract.kind import REASON as NOT_A_REPORT
from .formats import TABLE_NAMES, get_edition
from .formats.deadlines import load_deadlines
from .inputs import Input, iter_inputs
from .limits import DEFAULT_LIMITS, Limits
from .location import cli_place, table_of, zh
from .model import SCHEMA
from .pipeline import NO_RULES, Failure, Pending, Processed, Sandbox, default_workers, failed
from .readers import read_file_bytes


def _read(inputs: list[Input], limits: Limits = DEFAULT_LIMITS, *, select: frozenset[str] | None = None,
          report: bool = True) -> Iterator[tuple[Input, Processed]]:
    """Each input read, extracted and checked (the rules in ``select``) in a sandbox's workers, in
    order, a few at a time. A file is opened here (its size looked at first), so that its name and any
    reason it cannot be opened are as given on the command line. The workers are forked from this
    process (quick: it is the command's own, set up for reading) and stop with the command."""
    if not inputs:
        return
    with Sandbox(min(default_workers(), len(inputs)), start="fork") as sandbox:
        def submit(inp: Input) -> Pending | Processed:
            try:
                data = inp.data if inp.path is None else read_file_bytes(inp.path, limits)
            except GongkaiError as exc:
                return failed(None, inp.name, Failure.of(exc), worker=0)
            name = inp.name if inp.path is None else str(inp.path)
            return sandbox.submit(data or b"", name, limits, select=select, report=report)

        ahead: deque[tuple[Input, Pending | Processed]] = deque()
        it = iter(inputs)
        for inp in it:
            ahead.append((inp, submit(inp)))
            if len(ahead) >= sandbox.ahead:
                break
        while ahead:
            inp, job = ahead.popleft()
            for nxt in it:
                ahead.append((nxt, submit(nxt)))
                break
            yield inp, job.result() if isinstance(job, Pending) else job


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


class _Failures:
    """Files that gave no report — could not be read, or were read and are no annual report: reported as
    they happen and listed again at the end."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []
        self.not_reports = 0

    def add(self, name: str, failure: Failure | None):
        reason = str(failure) if failure is not None else "无法读取 (unreadable)"
        self.items.append((name, reason))
        if failure is not None and failure.reason == NOT_A_REPORT:
            self.not_reports += 1
            click.echo(f"{name}: 未收录 (not taken): {reason}", err=True)
        else:
            click.echo(f"{name}: 无法读取 (unreadable): {reason}", err=True)

    def counted(self) -> str:
        """How many files gave no report, and why, for the summary line."""
        unread = len(self.items) - self.not_reports
        parts = ([f"{unread} 个文件无法读取"] if unread else []) + \
            ([f"{self.not_reports} 个文件不是政府信息公开年度报告"] if self.not_reports else [])
        return "，".join(parts)

    def summary(self):
        if len(self.items) > 1 or (self.items and self._many):
            unread = len(self.items) - self.not_reports
            if self.not_reports:
                click.echo(f"\n{self.counted()}，未收录 ({unread} unreadable, {self.not_reports} not a report):",
                           err=True)
            else:
                click.echo(f"\n{len(self.items)} 个文件无法读取 ({len(self.items)} unreadable):", err=True)
            for name, reason in self.items:
                click.echo(f"  {name}: {reason}", err=True)

    _many = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def main():
    """gongkai：政府信息公开工作年度报告的读取、审核、汇总与撰写工具。

    Read, check, sum up and write annual reports on government information disclosure.
    """


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=f"输出 JSON（{SCHEMA}） / print JSON")
@limit_options
def parse(files, as_json, max_size, max_pages, timeout, max_decompressed, limit_settings):
    """读取报告并输出结构化内容 / read reports into the structured model."""
    limits = limits_or_exit(max_size=max_size, max_pages=max_pages, timeout=timeout,
                             max_decompressed=max_decompressed, limit_settings=limit_settings)
    failures = _Failures()
    reports = []
    inputs = list(iter_inputs(list(files), limits.max_file_bytes))
    failures._many = len(inputs) > 1
    for inp, done in _read(inputs, limits, select=NO_RULES):
        if done.failure is not None or done.report is None:
            failures.add(inp.name, done.failure)
            continue
        report = done.report
        reports.append(report)
        if not as_json:
            click.echo(_describe(report))
    if as_json:
        data = [r.to_json() for r in reports]
        click.echo(_dump(data[0] if len(data) == 1 and len(inputs) == 1 else data))
    failures.summary()
    sys.exit(2 if failures.items else 0)


def _describe(report) -> str:
    lines = [
        f"== {report.source.path or '<stdin>'}",
        f"标题 title: {report.title or '（未找到）'}",
        (f"机关 agency: {report.agency or '（未找到）'}    年度 year: {report.year or '？'}    "
         f"格式 edition: {report.edition or '（无法识别）'}    日期 date: {report.date or '（无）'}"),
    ]
    if report.contact:
        lines.append("联系方式 contact: " + "；".join(f"{k}={v}" for k, v in report.contact.items()))
    lines.append("部分 sections: " + "  ".join(f"{s.number}.{s.title}" for s in report.sections))
    ed = get_edition(report.edition or "2021")
    for tkey, rows in report.tables.items():
        where = zh(report.table_at.get(tkey), tkey)
        lines.append(f"{TABLE_NAMES[tkey]}:" + (f"  （位置 at: {where}起）" if where else ""))
        tdef = ed.table(tkey)
        for rkey, cols in rows.items():
            name = next((r.name for r in tdef.rows if r.key == rkey), rkey)
            cells = " ".join(_show(c) for c in cols.values())
            lines.append(f"  {name:<24} {cells}")
    return "\n".join(lines)


def _show(cell) -> str:
    if cell.raw is None:
        return "·"
    if cell.blank:
        return "□"
    return cell.raw


@main.command(name="check")
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式 / output format")
@click.option("--select", default=None,
              help="只运行这些规则，逗号分隔，如 GK301,GK302；前缀 GK3 表示全部 GK3xx / only these rule codes or prefixes")
@click.option("--deadlines", "deadlines_file", default=None, metavar="FILE",
              help="本地规定的公布期限（YAML，写法见 gongkai/formats/deadlines.yaml），代替条例第四十九条的期限 / "
                   "the office's own publication deadlines")
@limit_options
def check_cmd(files, fmt, select, deadlines_file, max_size, max_pages, timeout, max_decompressed, limit_settings):
    """审核报告，逐条列出问题 / check reports like a reviewer.

    退出码 exit status: 0 无错误 no error; 1 有错误 errors found; 2 有文件无法读取或不是年度报告
    a file could not be read or is no annual report.
    """
    chosen = _selected(select) if select else None
    limits = limits_or_exit(max_size=max_size, max_pages=max_pages, timeout=timeout,
                             max_decompressed=max_decompressed, limit_settings=limit_settings)
    deadlines = None
    if deadlines_file:
        try:
            deadlines = load_deadlines(deadlines_file)
        except GongkaiError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    # the office's deadlines: the late-report rule runs here, on the report the worker sends back
    late = deadlines is not None and (chosen is None or late_report.code in chosen)
    if late:
        chosen = (chosen or frozenset(r.code for r in catalogue())) - {late_report.code}
    failures = _Failures()
    all_findings = []
    count = 0
    inputs = list(iter_inputs(list(files), limits.max_file_bytes))
    failures._many = len(inputs) > 1
    for inp, done in _read(inputs, limits, select=chosen, report=late):
        if done.failure is not None:
            failures.add(inp.name, done.failure)
            continue
        findings = done.findings
        if late and done.report is not None:
            findings = sorted(findings + check(done.report, select={late_report.code}, deadlines=deadlines),
                              key=lambda f: (SEVERITIES.index(f.severity), f.code))
        count += 1
        for f in findings:
            f.file = inp.name
        all_findings.extend(findings)
        if fmt == "text":
            for f in findings:
                click.echo(_line(f))
    if fmt == "json":
        click.echo(_dump([f.to_json() for f in all_findings]))
    else:
        n = {s: sum(1 for f in all_findings if f.severity == s) for s in ("error", "warning", "info")}
        click.echo(
            f"\n共检查 {count} 份报告：错误 {n['error']} 条，警告 {n['warning']} 条，提示 {n['info']} 条"
            f"（{count} checked: {n['error']} errors, {n['warning']} warnings, {n['info']} info）"
            + (f"；{failures.counted()}" if failures.items else "")
        )
    failures.summary()
    if failures.items:
        sys.exit(2)
    sys.exit(1 if has_errors(all_findings) else 0)


def _selected(select: str) -> frozenset[str]:
    """The rule codes ``--select`` names: codes (GK301) or their beginnings (GK3: every GK3xx rule). A
    name that matches no rule stops the command (exit 2), so that a typo does not pass as "no findings"."""
    known = sorted(r.code for r in catalogue())
    chosen: set[str] = set()
    for part in select.split(","):
        name = part.strip().upper()
        if not name:
            continue
        matched = [c for c in known if c.startswith(name)]
        if not matched:
            click.echo(f"未知的规则代码：{part.strip()}（可用：{', '.join(known)}；也可写前缀，如 GK3） "
                       f"(unknown rule code {part.strip()!r}; see `gongkai rules`)", err=True)
            sys.exit(2)
        chosen.update(matched)
    if not chosen:
        click.echo("--select 没有给出规则代码 (no rule code given to --select)", err=True)
        sys.exit(2)
    return frozenset(chosen)


def _line(f) -> str:
    """FILE:LINE: CODE severity message — LINE a line of the source file, ``p3`` a PDF page, 1 when neither
    is known (then the place follows the message in Chinese: （位置：表三第5行第2列））."""
    place, whole = cli_place(f.at)
    where = "" if whole else zh(f.at, table_of(f.cells))
    return f"{f.file}:{place}: {f.code} {f.severity} {f.message}" + (f"（位置：{where}）" if where else "")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(fmt):
    """列出全部审核规则 / list the rule catalogue."""
    rs = catalogue()
    if fmt == "json":
        click.echo(_dump([
            {"code": r.code, "name": r.name, "severity": r.severity, "title": r.title, "what": r.what,
             "why": r.why, "example": r.example}
            for r in rs
        ]))
    elif fmt == "markdown":
        click.echo(rules_markdown(), nl=False)
    else:
        for r in rs:
            click.echo(f"{r.code}  {r.name:<26} {r.severity:<8} {r.title}")


def _register_commands() -> None:
    register_all(main)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
