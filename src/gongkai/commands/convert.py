"""``gongkai convert``: a report in the layout of another edition, listing what could not be carried over."""

from __future__ import annotations

import json
import sys

import click

from ..formats import EDITIONS
from ..render import BINARY, FORMATS, format_for, render
from ._writing import check_output, echo_notes, fail, load, write_bytes


def register(main: click.Group) -> None:
    main.add_command(convert)


@click.command()
@click.option("--to", "target", required=True, type=click.Choice(sorted(EDITIONS)), help="目标格式版本 / target edition")
@click.argument("report_path", metavar="REPORT")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="输出文件（.docx .html .md .json .yaml .xlsx）；不给则输出 JSON / output file (default: JSON to stdout)")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), help="输出格式（覆盖后缀）/ output format")
def convert(target, report_path, output, fmt):
    """转换为另一版本的格式，列出无法转入的数据 / convert to another edition.

    Map a report to another edition's layout (e.g. 2019 → 2021) and list exactly which values
    could not be carried over, and why.
    """
    # lazy: start-up time — writing a report loads jsonschema and the forms; `gongkai check` does not need them
    from ..compose import convert as convert_report
    from ..forms import DataError

    if output:
        try:
            fmt = format_for(output, fmt)
        except ValueError as exc:
            fail(str(exc))
        check_output(output, [report_path])
    fmt = fmt or "json"
    if fmt in BINARY and not output:
        fail("Word/Excel 输出请用 -o 指定文件（binary output needs -o FILE）")
    report = load(report_path, "报告")
    try:
        result = convert_report(report, target)
    except (DataError, KeyError) as exc:
        fail(str(exc).strip("'\""))
    # the list goes to the screen; with the report itself on standard output, to standard error
    echo_notes(f"转换为{EDITIONS[target].name}（converted to the {target} edition）:", result.notes, err=not output)
    if fmt == "json":
        data = (json.dumps(result.report.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        data = render(result.report, fmt)
    if output:
        write_bytes(output, data)
        click.echo(f"已生成 {output}")
    else:
        sys.stdout.buffer.write(data)
