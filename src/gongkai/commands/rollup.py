"""``gongkai rollup``: a region's reports for a year summed (汇总), as text, JSON or an Excel workbook."""

from __future__ import annotations

import json
import sys

import click

from ..formats.figures import FIGURES, RATIOS
from .options import YEAR
from .store import db_option, open_store, store_errors


def register(main: click.Group) -> None:
    main.add_command(rollup_cmd)


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1%}"


@click.command(name="rollup")
@click.option("--region", required=True, help="地区，如 奉新县、江西省/宜春市 / region")
@click.option("--year", type=YEAR, required=True, help="年度 / report year")
@db_option
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None,
              help="写出 Excel 工作簿 / write a formatted Excel workbook")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（gongkai.rollup/1） / print JSON")
@click.option("--docx", "docx", type=click.Path(dir_okay=False), default=None,
              help="写出本地区年度报告的 Word 草稿（合计表已填，各部分预填可确定的数据） / write the region's own "
                   "report as a Word draft")
@store_errors
def rollup_cmd(region, year, db, xlsx, as_json, docx):
    """地区汇总：各表合计、各机关关键数据、未报送机关与常用比率 / the region's roll-up.

    合计表用同样的勾稽关系审核；审核人在网页上决定不计入的报告不加入合计，计入合计但仍有未处理错误的
    报告逐一列出；本年“二、上年结转”与上年汇总的“四、结转下年度继续办理”逐列核对。
    比率：公开率 =（予以公开+部分公开）÷ 办理总计；纠错率 = 结果纠正 ÷（总计 − 尚未审结），
    行政复议与两类行政诉讼分别计算。
    退出码: 0; 1 合计表勾稽关系不成立; 2 地区内没有任何机关.
    """
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from ..regionreport import draft_docx
    from ..rollup import rollup
    from ..web.cycle import office_name

    store = open_store(db)
    try:
        ru = rollup(store, region, year)
        signer = office_name(store, region) if docx else None
    finally:
        store.close()
    if not ru.known:
        click.echo(f"库中没有地区“{region}”的机关 (no agency in region {region})", err=True)
        sys.exit(2)
    if xlsx:
        ru.to_xlsx(xlsx)
    if docx:
        with open(docx, "wb") as fh:
            fh.write(draft_docx(ru, signer))
    if as_json:
        click.echo(json.dumps(ru.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(f"{region} {year}年度汇总（{ru.edition.name}）：{ru.coverage}")
        figs = ru.figures
        click.echo("  " + "  ".join(f"{f.name} {figs[f.key] if figs[f.key] is not None else '—'}" for f in FIGURES))
        rat = ru.ratios
        click.echo("  " + "  ".join(f"{r.name.split('（')[0]} {_pct(rat[r.key])}" for r in RATIOS))
        click.echo(f"  {ru.statement}")
        for f in ru.findings:
            click.echo(f"  {f.code} {f.severity} {f.message}")
        for ln in ru.with_open_errors:
            click.echo(f"  计入合计、仍有未处理错误：{ln.name}（报告 {ln.report_id}，{ln.open_errors} 个错误）")
        for ln in ru.excluded:
            click.echo(f"  未计入合计：{ln.name}（报告 {ln.report_id}）")
        if ru.cross_year is not None:
            click.echo(f"  跨年度核对：{ru.cross_year.text()}")
        if ru.missing:
            head = "未报送 (no report)" if ru.listed else "往年有报告、本年未报送 (reported before, not this year)"
            click.echo(f"{head}: " + "、".join(m["agency"] for m in ru.missing))
        for n in ru.notes:
            click.echo(f"  注：{n}")
        if xlsx:
            click.echo(f"已写出 {xlsx}", err=True)
        if docx:
            click.echo(f"已写出 {docx}（本地区年度报告草稿，【】处请填写）", err=True)
    sys.exit(1 if any(f.severity == "error" for f in ru.findings) else 0)
