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
@store_errors
def rollup_cmd(region, year, db, xlsx, as_json):
    """地区汇总：各表合计、各机关关键数据、未报送机关与常用比率 / the region's roll-up.

    合计表用同样的勾稽关系审核；比率：公开率 =（予以公开+部分公开）÷ 办理总计；
    纠错率 = 结果纠正 ÷（总计 − 尚未审结），行政复议与两类行政诉讼分别计算。
    退出码: 0; 1 合计表勾稽关系不成立; 2 地区内没有任何机关.
    """
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from ..rollup import rollup

    store = open_store(db)
    try:
        ru = rollup(store, region, year)
    finally:
        store.close()
    if not ru.known:
        click.echo(f"库中没有地区“{region}”的机关 (no agency in region {region})", err=True)
        sys.exit(2)
    if xlsx:
        ru.to_xlsx(xlsx)
    if as_json:
        click.echo(json.dumps(ru.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(f"{region} {year}年度汇总（{ru.edition.name}）：应报 {ru.known} 个机关，已报 {len(ru.lines)} 个，"
                   f"未报 {len(ru.missing)} 个")
        figs = ru.figures
        click.echo("  " + "  ".join(f"{f.name} {figs[f.key] if figs[f.key] is not None else '—'}" for f in FIGURES))
        rat = ru.ratios
        click.echo("  " + "  ".join(f"{r.name.split('（')[0]} {_pct(rat[r.key])}" for r in RATIOS))
        for f in ru.findings:
            click.echo(f"  {f.code} {f.severity} {f.message}")
        if ru.missing:
            click.echo("未报送 (no report): " + "、".join(m["agency"] for m in ru.missing))
        for n in ru.notes:
            click.echo(f"  注：{n}")
        if xlsx:
            click.echo(f"已写出 {xlsx}", err=True)
    sys.exit(1 if any(f.severity == "error" for f in ru.findings) else 0)
