"""``gongkai new``: this year's report from data and last year's report, checked before it is written."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..checks import check, has_errors
from ..formats import EDITIONS
from ..render import FORMATS, format_for, render
from ._writing import check_output, counts, echo_findings, echo_notes, fail, load, write_bytes
from .options import YEAR


def register(main: click.Group) -> None:
    main.add_command(new)


@click.command()
@click.option("--year", type=YEAR, help="报告年度，如 2023 / the report's year")
@click.option("--agency", help="机关名称 / the agency")
@click.option("--from", "previous_path", type=click.Path(dir_okay=False),
              help="上一年度的报告（任何 gongkai 能读的格式）/ last year's report, any format gongkai reads")
@click.option("--data", "data_path", type=click.Path(dir_okay=False),
              help="本年数据：.json、.yaml 或 gongkai template 生成的 .xlsx / this year's data")
@click.option("--edition", type=click.Choice(sorted(EDITIONS)), help="格式版本（默认按年度）/ edition (default: by year)")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="输出文件，格式由后缀决定（.docx .html .md .json .yaml .xlsx）/ output file")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), help="输出格式（覆盖后缀）/ output format")
@click.option("--force", is_flag=True, help="有错误也生成 / write even when the checks find errors")
def new(year, agency, previous_path, data_path, edition, output, fmt, force):
    """撰写本年度报告：合计自动计算，检查无误才写出 / write this year's report.

    Write this year's report from data and last year's report: totals computed, what follows
    from last year prefilled, checked before writing (errors stop it unless --force).

    退出码 exit status: 0 已生成 written; 1 有错误未生成 errors, not written; 2 输入有误 bad input.
    """
    # lazy: start-up time — writing a report loads jsonschema and the forms; `gongkai check` does not need them
    from ..compose import compose
    from ..forms import DataError

    try:
        fmt = format_for(output, fmt)
    except ValueError as exc:
        fail(str(exc))
    check_output(output, [previous_path, data_path])
    previous = load(previous_path, "上年报告") if previous_path else None
    data = load(data_path, "数据文件") if data_path else None
    try:
        composed = compose(year, agency, edition, previous, data)
    except DataError as exc:
        fail(str(exc))
    report = composed.report
    echo_notes("据上年报告和数据预填 (prefilled):", composed.notes)
    if composed.computed:
        click.echo(f"合计由明细自动计算：{len(composed.computed)} 处（{len(composed.computed)} totals computed from "
                   "their parts; totals given in the data are kept as given）", err=True)
    findings = check(report, previous=previous)
    echo_findings(findings)
    n = counts(findings)
    empty = [s for s in report.sections if s.number in (1, 5, 6) and not s.text.strip()]
    if empty:
        click.echo("提示：以下部分尚无文字，请补写：" + "、".join(f"{s.number}.{s.title}" for s in empty), err=True)
    if has_errors(findings) and not force:
        click.echo(
            f"检查发现错误 {n['error']} 条、警告 {n['warning']} 条，未生成 {output}。请修改数据后重试，"
            f"或加 --force 强制生成（{n['error']} errors: not written; fix the data or use --force）",
            err=True,
        )
        sys.exit(1)
    options: dict[str, Any] = {"formulas": composed.formulas} if fmt == "xlsx" else {}
    write_bytes(output, render(report, fmt, **options))
    click.echo(f"已生成 {output}（{fmt}）：错误 {n['error']} 条，警告 {n['warning']} 条，提示 {n['info']} 条"
               f"（written: {n['error']} errors, {n['warning']} warnings）")
