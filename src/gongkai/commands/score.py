"""``gongkai score``: each agency's 考核 score for a region and year under an office's rule pack, with the
deductions itemised; the store's own pack kept or cleared (docs/scoring.md)."""

from __future__ import annotations

import json
import sys

import click

from .options import YEAR
from .store import db_option, open_store, store_errors


def register(main: click.Group) -> None:
    main.add_command(score_cmd)


def _describe(pack, where: str) -> None:
    # lazy: start-up time — the pack's module (jsonschema, the store) loads only when this command runs
    from ..store.kaohe import PER_ZH, points_text

    click.echo(f"考核规则包：{pack.name}（满分 {points_text(pack.full_marks)} 分；{where}）")
    for it in pack.items:
        click.echo(f"  {it.name}（最多扣 {points_text(it.cap)} 分）")
        for p in it.penalties:
            sev = "" if p.severity is None else "，仅" + "、".join(sorted(p.severity))
            names = "、".join(r.ljust(5, "x") for r in p.rules)  # a family prefix as its codes: GK3xx
            click.echo(f"    {names}：{PER_ZH[p.per]}扣 {points_text(p.points)} 分{sev}"
                       + (f"。{p.note}" if p.note else ""))


@click.command(name="score")
@click.option("--region", default=None, help="地区，如 奉新县、江西省/宜春市 / region")
@click.option("--year", type=YEAR, default=None, help="年度 / report year")
@db_option
@click.option("--pack", "pack_file", type=click.Path(dir_okay=False), default=None,
              help="考核规则包（YAML）；不给则用本库保存的，没有则用默认的 / the rule pack (YAML)")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), default=None,
              help="写出汇总 Excel 工作簿（含“考核得分”表） / write the roll-up workbook with the scores")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@click.option("--save-pack", "save_file", type=click.Path(dir_okay=False), default=None,
              help="检查后存为本库的考核规则包（网页汇总也用它） / keep this pack as the store's own")
@click.option("--default-pack", "use_default", is_flag=True,
              help="删除本库保存的规则包，恢复使用默认规则包 / go back to the default pack")
@store_errors
def score_cmd(region, year, db, pack_file, xlsx, as_json, save_file, use_default):
    """考核得分：按规则包给地区内各机关的年度报告打分，逐项列出扣分及对应问题 / 考核 scores.

    \b
    gongkai score --region 奉新县 --year 2023              各机关得分（本库的或默认规则包）
    gongkai score --region 奉新县 --year 2023 --pack 规则.yaml --xlsx 得分.xlsx
    gongkai score --pack 规则.yaml                          只检查规则包并列出其内容
    gongkai score --save-pack 规则.yaml                     存为本库的规则包（网页汇总也用）
    gongkai score --default-pack                            恢复默认规则包

    审核人在网页上“驳回”的问题不扣分。退出码: 0; 2 规则包有误或地区内没有机关.
    """
    # lazy: start-up time — the store, the roll-up and the pack's schema load only when this command runs
    from ..store.kaohe import (
        PackError,
        clear_pack,
        load_pack_file,
        save_pack,
        scored_rollup,
        store_pack,
        stored_pack_text,
    )

    if (region is None) != (year is None):
        click.echo("--region 与 --year 须同时给出 (give both --region and --year)", err=True)
        sys.exit(2)
    try:
        chosen = load_pack_file(pack_file) if pack_file else None
        saving = load_pack_file(save_file) if save_file else None
    except PackError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if region is None and chosen is not None and saving is None and not use_default:
        _describe(chosen, pack_file)  # checking a pack needs no store
        return
    store = open_store(db)
    try:
        if saving is not None:
            save_pack(store, saving)
            click.echo(f"已将“{save_file}”存为本库的考核规则包", err=True)
        elif use_default:
            had = clear_pack(store)
            click.echo("已恢复使用默认考核规则包" if had else "本库没有保存的规则包，一直使用默认规则包", err=True)
        if region is None:
            if chosen is None:
                try:
                    chosen = store_pack(store)
                except PackError as exc:
                    click.echo(str(exc), err=True)
                    sys.exit(2)
                _describe(chosen, "默认规则包" if stored_pack_text(store) is None else "本库保存的规则包")
            return
        try:
            pack = chosen or store_pack(store)
        except PackError as exc:
            click.echo(f"{exc}（可用 --pack 指定其他规则包，或 --default-pack 恢复默认）", err=True)
            sys.exit(2)
        ru = scored_rollup(store, region, year, pack)
    finally:
        store.close()
    if not ru.known:
        click.echo(f"库中没有地区“{region}”的机关 (no agency in region {region})", err=True)
        sys.exit(2)
    if xlsx:
        ru.to_xlsx(xlsx)
    ranked = sorted(((ln, ln.score) for ln in ru.lines if ln.score is not None), key=lambda p: (-p[1].total, p[0].name))
    if as_json:
        click.echo(json.dumps({"schema": "gongkai.kaohe-scores/1", "region": region, "year": year,
                               "pack": pack.name, "full_marks": pack.full_marks,
                               "agencies": [{"agency_id": ln.agency_id, "agency": ln.name, "report_id": ln.report_id,
                                             **s.to_json()} for ln, s in ranked],
                               "missing": [m["agency"] for m in ru.missing]}, ensure_ascii=False, indent=2))
    else:
        _scores(ru, ranked, pack, region, year)
    if xlsx:
        click.echo(f"已写出 {xlsx}", err=True)


def _scores(ru, ranked, pack, region, year) -> None:
    # lazy: start-up time — the pack's module (jsonschema, the store) loads only when this command runs
    from ..store.kaohe import points_text

    click.echo(f"{region} {year}年度考核得分：{pack.name}（满分 {points_text(pack.full_marks)} 分），"
               f"已报 {len(ru.lines)} 个机关，未报 {len(ru.missing)} 个")
    for ln, s in ranked:
        click.echo(f"{ln.name}  {points_text(s.total)} 分" + (f"（扣 {points_text(s.deducted)} 分）" if s.deducted else ""))
        for it in s.items:
            for d in it.deductions:
                for i, f in enumerate(d.findings):
                    cost = f"−{points_text(d.points)}" if i == 0 else " " * (len(points_text(d.points)) + 1)
                    click.echo(f"  {it.name} {cost}  {f.code} {f.message}")
            if it.capped:
                click.echo(f"  {it.name} 合计 {points_text(it.listed)} 分，本项最多扣 {points_text(it.cap)} 分")
        if s.dismissed:
            click.echo(f"  （审核人已驳回、不扣分：{'、'.join(f.code for f in s.dismissed)}）")
    if ru.missing:
        click.echo("未报送 (no report): " + "、".join(m["agency"] for m in ru.missing))
