"""``gongkai render``: re-typeset a report read from any format in the official layout."""

from __future__ import annotations

import sys

import click

from ..checks import check
from ..formats import EDITIONS
from ..render import BINARY, format_for, prepare, render_prepared
from ._writing import check_output, computed_notes, echo_notes, fail, load, write_bytes


def register(main: click.Group) -> None:
    main.add_command(render)


@click.command()
@click.argument("report_path", metavar="REPORT")
@click.option("--docx", "flag", flag_value="docx", help="Word 文档")
@click.option("--html", "flag", flag_value="html", help="网页（单个文件）")
@click.option("--md", "flag", flag_value="md", help="Markdown")
@click.option("--json", "flag", flag_value="json", help="JSON")
@click.option("--yaml", "flag", flag_value="yaml", help="YAML")
@click.option("--xlsx", "flag", flag_value="xlsx", help="Excel 填报表")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="输出文件；文本格式可不给，输出到屏幕 / output file")
@click.option("--to", "edition", type=click.Choice(sorted(EDITIONS)),
              help="先转换为该版本格式（无法转入的数据会列出）/ convert to this edition first")
def render(report_path, flag, output, edition):
    """按官方版式重新排版一份报告 / re-typeset a report in the official layout.

    任何可读格式均可；空白仍为空白，“/”仍为“/”，只补算缺少的合计。

    Re-typeset a report read from any format: blank stays blank, "/" stays "/"; only totals
    the report lacks are computed.
    """
    # lazy: start-up time — writing a report loads jsonschema and the forms; `gongkai check` does not need them
    from ..compose import convert

    if flag is None and output is None:
        fail("请指定输出格式（--docx、--html、--md、--json、--yaml、--xlsx）或输出文件 -o")
    try:
        fmt = format_for(output, flag)
    except ValueError as exc:
        fail(str(exc))
    if fmt in BINARY and not output:
        fail("Word/Excel 输出请用 -o 指定文件（binary output needs -o FILE）")
    check_output(output, [report_path])
    report = load(report_path, "报告")
    if edition and report.edition and report.edition != edition:
        result = convert(report, edition)
        echo_notes(f"已转换为{edition}年版格式：", result.notes)
        report = result.report
    prepared = prepare(report, edition)
    echo_notes("报告缺少、已按明细计算的合计 (totals computed):", computed_notes(prepared.report, prepared.computed))
    if prepared.left_out:
        echo_notes("版式中没有位置、未输出的数据 (cells the layout has no place for):", prepared.left_out)
    data = render_prepared(prepared, fmt)
    n = sum(1 for f in check(prepared.report) if f.severity == "error")
    if n:
        click.echo(f"提示：该报告有 {n} 处错误，可用 gongkai check 查看（the report has {n} errors）", err=True)
    if output:
        write_bytes(output, data)
        click.echo(f"已生成 {output}（{fmt}）", err=True)
    else:
        sys.stdout.buffer.write(data)
