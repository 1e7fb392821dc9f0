"""Commands over the store: ingest, recheck, reports, agencies, similar, export.

Every command takes ``--db PATH|URL`` (or $GONGKAI_DB); the default is an SQLite file under
$XDG_DATA_HOME/gongkai (~/.local/share/gongkai/gongkai.sqlite3).
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import sys
from pathlib import Path

import click

from ..agencies import AgencyCsvError
from ..errors import GongkaiError
from ..extract.kind import REASON as NOT_A_REPORT
from ..extract.values import small_int
from .options import JOBS, RECORD_ID, YEAR, limit_options, limits_or_exit

DB_HELP = ("数据库：SQLite 文件路径或 postgresql://… 地址；默认 $GONGKAI_DB 或 ~/.local/share/gongkai/gongkai.sqlite3 "
           "/ the store: a path or a URL")


OBJECTS_HELP = ("原件存储位置：文件夹或 fsspec 地址（如 s3://桶/前缀）；默认 $GONGKAI_OBJECTS 或数据库文件旁的 .objects 文件夹 "
                "/ where the originals are kept: a folder or an fsspec URL")


def db_option(f):
    f = click.option("--objects", metavar="PATH|URL", expose_value=False, callback=_objects_option,
                     help=OBJECTS_HELP)(f)
    return click.option("--db", "db", envvar="GONGKAI_DB", default=None, metavar="PATH|URL", help=DB_HELP)(f)


def _objects_option(_ctx, _param, value):
    # the same as $GONGKAI_OBJECTS, which every store this command opens reads (the web app's too)
    if value:
        os.environ["GONGKAI_OBJECTS"] = value


def open_store(db):
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from ..store import Store

    logging.getLogger("psycopg").addFilter(_no_second_error)
    try:
        return Store.open(db)
    except GongkaiError as exc:
        click.echo(f"无法打开数据库 (cannot open the store): {exc}", err=True)
        sys.exit(2)


def _no_second_error(record: logging.LogRecord) -> bool:
    """psycopg warns when it cannot end a pipeline the server has aborted; the abort itself is reported
    (a report the database refused, or the one line of store_errors), so here the warning is noise."""
    return not record.getMessage().startswith("error ignored terminating")


def store_errors(f):
    """A database that cannot be written (disk full, I/O error, locked, connection lost) is one line on
    standard error and exit status 2, not a traceback; what was being written is rolled back."""
    @functools.wraps(f)
    def run(*args, **kwargs):
        # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
        from sqlalchemy.exc import SQLAlchemyError

        from ..store.db import StoreError, unwritable

        try:
            return f(*args, **kwargs)
        except (StoreError, SQLAlchemyError) as exc:
            err = unwritable(exc)
            if err is None:
                raise
            click.echo(f"数据库出错 (store error): {err}", err=True)
            sys.exit(2)

    return run


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def _ingest_counts(summary) -> str:
    return (f"新 {summary.new}  更正 {summary.replaced}  重复 {summary.duplicates}  已有 {summary.unchanged}  "
            f"失败 {summary.failed + summary.failed_known}")


def _progress(quiet: bool, what: str, counts=_ingest_counts):
    """A rich progress bar on standard error: counts, rate, elapsed and remaining time."""
    if quiet:
        return None, None
    # lazy: start-up time — the progress bar is drawn only by ingest and recheck
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    prog = Progress(
        TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(), TextColumn("{task.fields[counts]}"),
        console=console, transient=False, refresh_per_second=4,
    )
    state: dict[str, TaskID | None] = {"task": None}

    def update(summary, total: int) -> None:
        done = (summary.new + summary.replaced + summary.duplicates + summary.unchanged + summary.failed
                + summary.failed_known)
        task = state["task"]
        if task is None:
            task = state["task"] = prog.add_task(what, total=total, rate="", counts="")
        rate = f"{done / summary.seconds:,.0f} 份/秒" if summary.seconds > 0.2 else ""
        prog.update(task, completed=done, rate=rate, counts=counts(summary))

    return prog, update


def register(main: click.Group) -> None:
    main.add_command(ingest_cmd)
    main.add_command(recheck_cmd)
    main.add_command(reports_cmd)
    main.add_command(agencies_group)
    main.add_command(similar_cmd)
    main.add_command(export_cmd)
    main.add_command(cells_group)


# ---------------------------------------------------------------------------------------------


@click.command(name="ingest")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--jobs", "-j", type=JOBS, default=None, help="并行进程数，默认为 CPU 核数 / worker processes")
@click.option("--retry-failed", is_flag=True, help="重新读取此前无法读取的文件 / read again files that failed before")
@click.option("--scheduler", envvar="GONGKAI_SCHEDULER", default=None, metavar="tcp://HOST:8786",
              help="在 Dask 集群上读取和审核（docs/scale.md） / read and check on this Dask cluster")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果 / print the summary as JSON")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条 / no progress bar")
@limit_options
@store_errors
def ingest_cmd(paths, db, jobs, retry_failed, scheduler, as_json, quiet, **limit_args):
    """批量入库：读取、审核并保存报告（目录递归） / read, check and store reports.

    同一文件只保存一次；同一机关同一年度的更正稿替换当前版本并保留旧版本；无法读取的文件记录原因，
    最后列出，不中断运行；不是政府信息公开年度报告的文件（如会议纪要、说明文档）不入库，同样列出。
    退出码 exit status: 0 全部入库; 2 有文件无法读取或不是年度报告.
    """
    limits = limits_or_exit(**limit_args)
    store = open_store(db)
    prog, update = _progress(quiet or as_json, "入库 ingest")
    # lazy: start-up time (as open_store); the cluster's client itself loads only with --scheduler
    from ..store.cluster import ClusterError

    try:
        if prog is not None:
            with prog:
                summary = store.ingest(list(paths), jobs=jobs, retry_failed=retry_failed, progress=update,
                                       limits=limits, scheduler=scheduler)
        else:
            summary = store.ingest(list(paths), jobs=jobs, retry_failed=retry_failed, limits=limits,
                                   scheduler=scheduler)
    except ClusterError as exc:
        click.echo(f"集群出错 (cluster error): {exc}", err=True)
        sys.exit(2)
    finally:
        store.close()
    if as_json:
        click.echo(_dump(summary.to_json()))
    else:
        # files read without a fault that are no annual report (a meeting note, a README) are counted apart
        others = sum(1 for _, reason, _ in summary.failures if reason == NOT_A_REPORT)
        unread = summary.failed + summary.failed_known - others
        click.echo(
            f"共 {summary.files} 个文件：新入库 {summary.new}，更正稿 {summary.replaced}，重复 {summary.duplicates}，"
            f"此前已入库 {summary.unchanged}，无法读取 {unread}" + (f"，不是年度报告 {others}" if others else "") +
            f"（{summary.files} files: {summary.new} new, {summary.replaced} corrected re-submissions, "
            f"{summary.duplicates} duplicates, {summary.unchanged} already stored, "
            f"{unread} unreadable" + (f", {others} not a report" if others else "") +
            f"）；用时 {summary.seconds:.1f} 秒，{summary.rate:,.0f} 份/秒"
        )
        if summary.failures:
            click.echo(f"\n{len(summary.failures)} 个文件未收录 (not taken):", err=True)
            for path, reason, message in summary.failures:
                click.echo(f"  {path}: [{reason}] {message}", err=True)
    sys.exit(2 if summary.failures else 0)


@click.command(name="recheck")
@db_option
@click.option("--jobs", "-j", type=JOBS, default=None, help="并行进程数 / worker processes")
@click.option("--current-only", is_flag=True, help="只重审各机关当前版本 / only current versions")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@store_errors
def recheck_cmd(db, jobs, current_only, as_json, quiet):
    """按当前规则重新审核库中全部报告 / re-read and re-check every stored report.

    规则目录或读取程序更新后运行：从保存的原始文件重新读取，替换解析结果、单元格和问题清单，
    再对每个机关重新运行跨年度规则。
    """
    store = open_store(db)
    prog, update = _progress(quiet or as_json, "重审 recheck", lambda s: f"已重审 {s.new}")
    try:
        if prog is not None:
            with prog:
                out = store.recheck(jobs=jobs, all_versions=not current_only, progress=update)
        else:
            out = store.recheck(jobs=jobs, all_versions=not current_only)
    finally:
        store.close()
    if as_json:
        click.echo(_dump(out.to_json()))
    else:
        click.echo(f"重审 {out.reports} 份报告，问题清单有变化的 {out.changed} 份，无法读取 {out.failed} 份；"
                   f"用时 {out.seconds:.1f} 秒（{out.reports} rechecked, {out.changed} changed, {out.failed} failed）")
        for rid, message in out.failures:
            click.echo(f"  #{rid}: {message}", err=True)
    sys.exit(2 if out.failed else 0)


@click.command(name="reports")
@db_option
@click.option("--year", type=YEAR, default=None, help="年度 / report year")
@click.option("--region", default=None, help="地区，如 奉新县 或 江西省/奉新县 / region")
@click.option("--agency", default=None, help="机关名称（部分） / agency name (part)")
@click.option("--all-versions", is_flag=True, help="包括被更正稿替换的旧版本 / include superseded versions")
@click.option("--id", "report_id", type=RECORD_ID, default=None, help="显示一份报告及其问题清单 / one report and its findings")
@click.option("--json", "as_json", is_flag=True)
@store_errors
def reports_cmd(db, year, region, agency, all_versions, report_id, as_json):
    """列出库中的报告 / list stored reports."""
    store = open_store(db)
    try:
        if report_id is not None:
            row = store.report_row(report_id)
            if row is None:
                click.echo(f"库中没有编号为 {report_id} 的报告 (no such report)", err=True)
                sys.exit(2)
            findings = store.findings(report_id)
            cells = store.uncertain_cells([report_id])[report_id]
            if as_json:
                click.echo(_dump(row.to_json() | {"findings": findings, "cells": [c.to_json() for c in cells]}))
            else:
                click.echo(_report_line(row))
                click.echo(f"  文件 file: {row.path}  sha256 {row.sha256[:12]}")
                for f in findings:
                    click.echo(f"  {f['code']} {f['severity']} {f['message']}")
                unsure = sum(1 for c in cells if c.uncertain)
                if cells:
                    click.echo(f"  读取不确定的数值 {unsure} 个，审核人已录入 {len(cells) - unsure} 个"
                               f"（gongkai cells list --id {report_id} --reviewed）")
            return
        rows = store.reports(year=year, region=region, agency=agency, all_versions=all_versions)
    finally:
        store.close()
    if as_json:
        click.echo(_dump([r.to_json() for r in rows]))
        return
    for r in rows:
        click.echo(_report_line(r))
    click.echo(f"\n共 {len(rows)} 份报告 ({len(rows)} reports)")


def _report_line(r) -> str:
    flag = "" if r.current else f"  [已被 #{r.superseded_by} 替换 superseded]"
    return (f"#{r.id:<6} {r.year or '？':<5} {r.agency or '（机关不明）'}  {r.level or ''}  {r.region.path or '（地区不明）'}  "
            f"{r.edition or '?'}版 {r.format}  错误 {r.errors} 警告 {r.warnings} 提示 {r.infos}{flag}")


@click.group(name="agencies")
def agencies_group():
    """机关与地区 / agencies and their regions."""


@agencies_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--json", "as_json", is_flag=True)
@store_errors
def agencies_import(file, db, as_json):
    """导入机关名单 CSV：名称,级别,省,市,县,乡,别名 / import the office's agency list.

    “别名”可写多个，用 ；或 、 分隔。名单中的机关以名单为准：名称、级别、地区取自名单，
    库中名称或别名与之相符的机关合并为一个。
    """
    store = open_store(db)
    try:
        out = store.import_agencies(Path(file).read_bytes())
    except AgencyCsvError as exc:
        click.echo(f"{file}: {exc}", err=True)
        sys.exit(2)
    finally:
        store.close()
    if as_json:
        click.echo(_dump(out.to_json()))
        return
    click.echo(f"导入 {out.rows} 行：新建 {out.created} 个机关，更新 {out.updated} 个，合并 {out.merged} 个，"
               f"补全地区 {out.completed} 个（{out.rows} rows: {out.created} created, {out.updated} updated, "
               f"{out.merged} merged, {out.completed} regions completed）")
    for n in out.notes:
        click.echo(f"  {n}", err=True)


@agencies_group.command(name="list")
@db_option
@click.option("--region", default=None, help="地区 / region")
@click.option("--json", "as_json", is_flag=True)
@store_errors
def agencies_list(db, region, as_json):
    """列出机关（级别、地区、报告数） / list agencies."""
    store = open_store(db)
    try:
        rows = store.agencies(region)
    finally:
        store.close()
    if as_json:
        click.echo(_dump(rows))
        return
    for a in rows:
        click.echo(f"#{a['id']:<5} {a['name']}  {a['level']}  {a['region'] or '（地区不明）'}  报告 {a['reports']} 份"
                   + (f"，最近 {a['last_year']} 年度" if a["last_year"] else "") + ("  [名单]" if a["from_csv"] else ""))
    click.echo(f"\n共 {len(rows)} 个机关 ({len(rows)} agencies)")


def _all_pairs(store, pairs, as_json: bool) -> None:
    """Every near-duplicate pair, in the order of their ids, written as they come: a store of 100,000
    reports may have millions, and neither they nor the agencies' names are held at once."""
    n = 0
    if as_json:
        click.echo("[", nl=False)
    pairs = iter(pairs)
    while part := list(itertools.islice(pairs, 2500)):
        if as_json:
            click.echo("".join(("," if n + i else "") + "\n  " + json.dumps({"a": x, "b": y, "estimate": round(e, 3)})
                               for i, (x, y, e) in enumerate(part)), nl=False)
        else:
            # at most 5,000 ids: a database takes only so many values in one statement
            ids = sorted({i for p in part for i in p[:2]})
            rows = {r.id: r for r in store.reports(ids=ids, all_versions=True)}
            for x, y, e in part:
                a, b = rows[x], rows[y]
                click.echo(f"{e:.0%}  #{x} {a.agency} {a.year}  ⟷  #{y} {b.agency} {b.year}")
        n += len(part)
    if as_json:
        click.echo("\n]" if n else "]")
    else:
        click.echo(f"\n共 {n} 对 ({n} pairs)")


@click.command(name="similar")
@click.argument("target", required=False)
@db_option
@click.option("--threshold", type=float, default=None, help="相似度下限（0–1，默认 0.5） / minimum similarity")
@click.option("--limit", type=click.IntRange(1, 100_000), default=10, show_default=True)
@click.option("--all", "all_pairs", is_flag=True, help="列出库中全部雷同的报告对 / every near-duplicate pair")
@click.option("--json", "as_json", is_flag=True)
@store_errors
def similar_cmd(target, db, threshold, limit, all_pairs, as_json):
    """内容雷同：找出正文与之几乎相同的报告 / stored reports with nearly the same narrative.

    TARGET 为库中报告编号或一个报告文件。相似度为正文（不含表格）五字片段集合的 Jaccard 系数，
    数字不计差别；“本机关”表示照搬往年报告，“其他机关”表示抄用他人报告。
    """
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from .. import similar as sim
    from ..store import similar as ssim

    threshold = sim.DEFAULT_THRESHOLD if threshold is None else threshold
    store = open_store(db)
    try:
        if all_pairs:
            _all_pairs(store, ssim.iter_similar_pairs(store, threshold=threshold), as_json)
            return
        if not target:
            click.echo("请给出报告编号或文件，或用 --all (give a report id or a file, or --all)", err=True)
            sys.exit(2)
        q = _query(store, target)
        matches = ssim.similar(store, q, threshold=threshold, limit=limit)
    finally:
        store.close()
    if as_json:
        click.echo(_dump({"report_id": q.report_id, "agency": q.agency, "year": q.year,
                          "matches": [m.to_json() for m in matches]}))
        return
    who = f"#{q.report_id} " if q.report_id else ""
    click.echo(f"{who}{q.agency or ''} {q.year or ''}：正文雷同的报告 {len(matches)} 份（相似度 ≥ {threshold:.0%}）")
    for m in matches:
        rel = "本机关其他年度" if m.relation == "same-agency" else "其他机关"
        click.echo(f"  #{m.report_id}  {m.agency} {m.year}  相似度 {m.similarity:.0%}  （{rel}）")
        for p in m.passages:
            click.echo(f"      “{p[:120]}{'…' if len(p) > 120 else ''}”")


def _query(store, target: str):
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from ..store import similar as ssim
    from ..store.work import parse_bytes

    report_id = small_int(target, 18)
    if report_id is not None and not Path(target).exists():
        try:
            return ssim.query_for_report(store, report_id)
        except GongkaiError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    p = Path(target)
    try:
        data = p.read_bytes()
    except OSError as exc:
        click.echo(f"{target}: 无法读取 (cannot read): {exc.strerror}", err=True)
        sys.exit(2)
    parsed = parse_bytes(data, str(p))
    if parsed.status != "ok":
        click.echo(f"{target}: 无法读取 (unreadable): {parsed.message}", err=True)
        sys.exit(2)
    rid = store.report_id_for_sha(parsed.sha256)
    if rid is not None:
        return ssim.query_for_report(store, rid)
    text = "\n".join(t for _, _, t in parsed.sections)
    return ssim.query_for_text(text, parsed.agency, parsed.year)


@click.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="输出文件（CSV 默认写到标准输出） / output file")
@click.option("--year", type=YEAR, default=None)
@click.option("--region", default=None)
@click.option("--all-versions", is_flag=True, help="包括被替换的旧版本 / include superseded versions")
@store_errors
def export_cmd(db, fmt, output, year, region, all_versions):
    """导出全部单元格（长表：机关、地区、年度、格式、表、行、列、数值） / export the cells in long form."""
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from ..store import export

    store = open_store(db)
    try:
        kw = {"year": year, "region": region, "all_versions": all_versions}
        if fmt == "parquet":
            if not output:
                click.echo("Parquet 须用 -o 指定输出文件 (parquet needs -o FILE)", err=True)
                sys.exit(2)
            n = export.write_parquet(store, output, **kw)
        elif output:
            with open(output, "w", encoding="utf-8-sig", newline="") as fh:
                n = export.write_csv(store, fh, **kw)
        else:
            n = export.write_csv(store, sys.stdout, **kw)
    finally:
        store.close()
    if output:
        click.echo(f"已导出 {n} 行到 {output} ({n} rows)", err=True)


# ---------------------------------------------------------------------------------------------
# cells gongkai could not read with certainty, and the values reviewers read by eye


@click.group(name="cells")
def cells_group():
    """读取不确定的数值：列出、录入看原件读到的数 / uncertain cells: list them, enter values read by eye."""


@cells_group.command(name="list")
@db_option
@click.option("--id", "report_id", type=RECORD_ID, default=None, help="只看这一份报告 / one report")
@click.option("--year", type=YEAR, default=None, help="年度 / report year")
@click.option("--region", default=None, help="地区 / region")
@click.option("--agency", default=None, help="机关名称（部分） / agency name (part)")
@click.option("--reviewed", is_flag=True, help="也列出已由审核人录入的 / also the cells reviewers entered")
@click.option("--json", "as_json", is_flag=True)
@store_errors
def cells_list(db, report_id, year, region, agency, reviewed, as_json):
    """列出库中报告读取不确定的单元格（连在一起的数字有几种拆分、扫描识别不清等）/ list uncertain cells.

    每行：报告编号、单元格（表.行.列）、名称、原因、候选值或识别出的数；录入用 gongkai cells set。
    """
    store = open_store(db)
    try:
        if report_id is not None:
            row = store.report_row(report_id)
            if row is None:
                click.echo(f"库中没有编号为 {report_id} 的报告 (no such report)", err=True)
                sys.exit(2)
            rows = [row]
        else:
            rows = store.reports(year=year, region=region, agency=agency)
        states = store.uncertain_cells([r.id for r in rows], reviewed=reviewed)
    finally:
        store.close()
    listed = [(r, states[r.id]) for r in rows if states.get(r.id)]
    if as_json:
        click.echo(_dump([{"report": {"id": r.id, "agency": r.agency, "year": r.year},
                           "cells": [c.to_json() for c in cells]} for r, cells in listed]))
        return
    n = 0
    for r, cells in listed:
        click.echo(f"#{r.id} {r.year or '？'} {r.agency or '（机关不明）'}")
        for c in cells:
            n += 1
            click.echo(f"  {c.ref}  {c.name}  {_cell_line(c)}")
    click.echo(f"\n共 {n} 个单元格 ({n} cells)")


def _cell_line(c) -> str:
    if c.review is not None and not c.uncertain:
        return f"已录入 {c.review.value}（{c.review.reviewer}，{c.review.when}）"
    parts = [c.doubt_zh or "读取不确定"]
    if c.candidates:
        parts.append("可能是 " + " 或 ".join(str(v) for v in c.candidates))
    elif c.value is not None:
        parts.append(f"识别为 {c.value}")
    if c.confidence is not None:
        parts.append(f"把握 {c.confidence:.0%}")
    if c.raw and c.raw.strip():
        parts.append(f"原文“{c.raw.strip()[:40]}”")
    return "；".join(parts)


@cells_group.command(name="set")
@click.argument("report_id", type=RECORD_ID)
@click.argument("cell")
@click.argument("value")
@db_option
@click.option("--by", "reviewer", required=True, help="录入人（谁看的原件） / who read the value")
@click.option("--json", "as_json", is_flag=True)
@store_errors
def cells_set(report_id, cell, value, db, reviewer, as_json):
    """录入看原件读到的数：REPORT_ID CELL（表.行.列，见 gongkai cells list）VALUE / enter a value read by eye.

    记下录入人和时间，重新审核这份报告（同网页上的录入），列出因此消失和新出现的问题。
    退出码 exit status: 0 已保存; 2 未保存（原因见标准错误）。
    """
    # lazy: start-up time — the store (SQLAlchemy, Alembic) loads only for the commands that open one
    from ..store import ReviewError
    from ..store.reviews import beijing_text
    from ..web import auth

    store = open_store(db)

    def audited(conn, done) -> None:
        auth.audit_in(conn, None, "cell.review", f"report:{report_id}", {
            "cell": done.ref, "name": done.name, "value": done.value, "entered": value[:100], "command": True,
            "gone": [f["code"] for f in done.gone], "new": [f["code"] for f in done.new]}, username=reviewer)

    try:
        done = store.set_cell_value(report_id, cell, value, reviewer, on_write=audited)
    except ReviewError as exc:
        click.echo(f"未保存 (not stored): {exc}", err=True)
        sys.exit(2)
    finally:
        store.close()
    if as_json:
        click.echo(_dump(done.to_json()))
        return
    click.echo(f"#{report_id} {done.name} = {done.value}（{done.reviewer}，{beijing_text(done.at)}）已保存 (stored)")
    for f in done.gone:
        click.echo(f"  已消失 gone: {f['code']} {f['message']}")
    for f in done.new:
        click.echo(f"  新出现 new: {f['code']} {f['severity']} {f['message']}")
