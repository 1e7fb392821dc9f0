"""``gongkai template``: the forms to fill in — an Excel workbook in the official layout, a YAML file."""

from __future__ import annotations

import click

from ..formats import EDITIONS, edition_for_year, get_edition
from ..render import prepare, render_prepared
from ._writing import check_output, echo_notes, fail, load, write_bytes
from .options import YEAR


def register(main: click.Group) -> None:
    main.add_command(template)


@click.command()
@click.option("--edition", type=click.Choice(sorted(EDITIONS)), help="格式版本（默认按年度，否则2021）/ edition")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="写出 Excel 填报表 / write the Excel form")
@click.option("--yaml", "yaml_path", type=click.Path(dir_okay=False), help="写出 YAML 数据模板 / write a YAML template")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="写出 JSON 数据模板 / write a JSON template")
@click.option("--year", type=YEAR, help="报告年度 / the report's year")
@click.option("--agency", help="机关名称 / the agency")
@click.option("--from", "previous_path", type=click.Path(dir_okay=False),
              help="上一年度的报告，用于预填上年结转等 / last year's report, to prefill what follows from it")
def template(edition, xlsx_path, yaml_path, json_path, year, agency, previous_path):
    """生成填报表（Excel 按官方版式，合计为公式）/ write forms to fill in.

    Excel: one sheet per table in the official layout, cells to fill unlocked, totals as
    formulas, a sheet for agency, year, date and the sections. Fill it in, then:
    gongkai new --data FILE.xlsx -o report.docx
    """
    # lazy: start-up time — writing a report loads jsonschema and the forms; `gongkai check` does not need them
    from ..compose import blank_form

    if not (xlsx_path or yaml_path or json_path):
        fail("请至少指定一个输出：--xlsx FILE、--yaml FILE 或 --json FILE")
    check_output(xlsx_path, [previous_path])
    check_output(yaml_path, [previous_path])
    check_output(json_path, [previous_path])
    previous = load(previous_path, "上年报告") if previous_path else None
    if year is None and previous is not None and previous.year:
        year = previous.year + 1
    agency = agency or (previous.agency if previous else None)
    ed = get_edition(edition) if edition else (edition_for_year(year) or get_edition("2021"))
    composed = blank_form(ed, year, agency, previous)
    if previous is not None:
        echo_notes("据上年报告预填 (prefilled from last year's report):", composed.notes)
    prepared = prepare(composed.report, ed.key, fill=False)
    for path, fmt in ((xlsx_path, "xlsx"), (yaml_path, "yaml"), (json_path, "json")):
        if not path:
            continue
        options = {"formulas": composed.formulas} if fmt in ("xlsx", "yaml") else {}
        write_bytes(path, render_prepared(prepared, fmt, **options))
        click.echo(f"已生成 {path}（{ed.name}）")
