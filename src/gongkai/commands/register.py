"""``gongkai register``: the application register (依申请公开台账) — import an existing one, export it, list
applications, those due soon and overdue, and tables 三 and 四 computed from it (docs/register.md)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path

import click

from ..formats import get_edition
from .options import YEAR
from .store import db_option, open_store, store_errors


def register(main: click.Group) -> None:
    main.add_command(register_group)


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期应写成 2024-03-05，不是“{value}” / a date like 2024-03-05") from None


def _fail(exc) -> None:
    click.echo(f"未完成 (not done): {exc.zh}", err=True)
    found = getattr(exc, "problems", [])
    if found != [exc.zh]:
        for p in found:
            click.echo(f"  {p}", err=True)
    sys.exit(2)


TODAY_HELP = "按哪一天计算（默认今天），如 2024-03-05 / the day to count to"


@click.group(name="register")
def register_group():
    """依申请公开台账：导入、导出、列表、到期提醒、按台账计算表三表四 / the application register."""


@register_group.command(name="list")
@click.option("--agency", required=True, help="机关名称或编号 / agency name or id")
@click.option("--year", type=YEAR, default=None, help="只列该年度的申请（当年收到或从上年结转） / one year's")
@click.option("--open", "open_only", is_flag=True, help="只列尚未办结的 / only those not concluded")
@click.option("--today", default=None, help=TODAY_HELP)
@db_option
@click.option("--json", "as_json", is_flag=True)
@store_errors
def list_cmd(agency, year, open_only, today, db, as_json):
    """列出一个机关台账中的申请及其答复期限 / an agency's applications and their deadlines."""
    # lazy: start-up time — the register (the store, the holiday calendar) loads only when this command runs
    from ..register import Register, RegisterError, deadline

    day = _today(today)
    store = open_store(db)
    try:
        reg = Register(store)
        aid = reg.resolve_agency(agency)
        apps = reg.applications(agency_ids=[aid], year=year, open_on=day if open_only else None)
    except RegisterError as exc:
        _fail(exc)
        return
    finally:
        store.close()
    if as_json:
        click.echo(_dump([{**a.to_json(), "deadline": deadline(a, day).to_json()} for a in apps]))
        return
    for a in apps:
        d = deadline(a, day)
        click.echo(f"{a.label}\t{a.received}\t{a.channel_name}\t{a.applicant_type_name}\t"
                   f"{a.outcome_name or '办理中'}\t{d.summary}")
    click.echo(f"共 {len(apps)} 件", err=True)


@register_group.command(name="due")
@click.option("--region", default=None, help="地区，如 奉新县 / region")
@click.option("--agency", default=None, help="机关名称或编号 / agency name or id")
@click.option("--within", type=click.IntRange(0, 60), default=5, show_default=True,
              help="还剩几个工作日以内算“即将到期” / working days counted as due soon")
@click.option("--today", default=None, help=TODAY_HELP)
@db_option
@click.option("--json", "as_json", is_flag=True)
@store_errors
def due_cmd(region, agency, within, today, db, as_json):
    """即将到期和已逾期的申请 / applications due soon and overdue.

    退出码 exit status: 0 没有逾期; 1 有逾期未办结的申请; 2 出错。
    """
    # lazy: start-up time — the register (the store, the holiday calendar) loads only when this command runs
    from ..register import Register, RegisterError

    day = _today(today)
    store = open_store(db)
    try:
        reg = Register(store)
        ids = [reg.resolve_agency(agency)] if agency else None
        rows = [x for x in reg.due(day, agency_ids=ids, region=region, soon=within)
                if x.deadline.state in ("overdue", "due_soon", "unknown")]
    except RegisterError as exc:
        _fail(exc)
        return
    finally:
        store.close()
    if as_json:
        click.echo(_dump([{"agency": x.agency, "region": x.region, **x.app.to_json(),
                           "deadline": x.deadline.to_json()} for x in rows]))
    else:
        for x in rows:
            click.echo(f"{x.deadline.state_zh}\t{x.agency}\t{x.app.label}\t收到 {x.app.received}\t{x.deadline.summary}")
        overdue = sum(1 for x in rows if x.deadline.state == "overdue")
        soon = sum(1 for x in rows if x.deadline.state == "due_soon")
        click.echo(f"{day}：已逾期 {overdue} 件，{within} 个工作日内到期 {soon} 件", err=True)
    sys.exit(1 if any(x.deadline.state == "overdue" for x in rows) else 0)


@register_group.command(name="tables")
@click.option("--agency", required=True, help="机关名称或编号 / agency name or id")
@click.option("--year", type=YEAR, required=True, help="年度 / report year")
@db_option
@click.option("--json", "as_json", is_flag=True)
@store_errors
def tables_cmd(agency, year, db, as_json):
    """按台账计算某年度的表三、表四 / tables 三 and 四 of a year from the register."""
    # lazy: start-up time — the register (the store, the holiday calendar) loads only when this command runs
    from ..register import Register, RegisterError

    store = open_store(db)
    try:
        reg = Register(store)
        aid = reg.resolve_agency(agency)
        t = reg.year_tables(aid, year)
        name = reg.agency(aid)["name"]
    except RegisterError as exc:
        _fail(exc)
        return
    finally:
        store.close()
    if as_json:
        click.echo(_dump({"agency": name, "year": year, "edition": t.edition, "kept": t.kept, "values": t.values,
                          "applications": {ref: [a.label for a in apps] for ref, apps in t.members.items()}}))
        return
    ed = get_edition(t.edition)
    click.echo(f"{name} {year}年度 按台账计算（{ed.name}）")
    for key in ("applications", "review_litigation"):
        tdef = ed.table(key)
        cols = tdef.rows[0].columns
        click.echo("\t".join([tdef.short] + [c.label for c in cols]))
        for r in tdef.rows:
            click.echo("\t".join([r.name] + [str(t.value(f"{key}.{r.key}.{c.key}")) for c in cols]))


@register_group.command(name="export")
@click.option("--agency", required=True, help="机关名称或编号 / agency name or id")
@click.option("--year", type=YEAR, default=None, help="只导出该年度的申请，并附该年度表三表四 / one year's")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="Excel 文件 / .xlsx")
@click.option("--today", default=None, help=TODAY_HELP)
@db_option
@store_errors
def export_cmd(agency, year, output, today, db):
    """台账导出为 Excel（可再导入） / the register as an Excel workbook."""
    # lazy: start-up time — the register (the store, the holiday calendar) loads only when this command runs
    from ..register import Register, RegisterError
    from ..register.export import workbook

    day = _today(today)
    store = open_store(db)
    try:
        reg = Register(store)
        aid = reg.resolve_agency(agency)
        name = reg.agency(aid)["name"]
        apps = reg.applications(agency_ids=[aid], year=year)
        tables = reg.year_tables(aid, year) if year else None
    except RegisterError as exc:
        _fail(exc)
        return
    finally:
        store.close()
    Path(output).write_bytes(workbook(apps, day, name, tables))
    click.echo(f"已写出 {output}：{len(apps)} 件申请", err=True)


@register_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--agency", required=True, help="台账所属机关的名称或编号 / agency name or id")
@click.option("--map", "maps", multiple=True, metavar="列=项",
              help="改动建议的对应：表头或列号=项目（如 日期=收到申请日期、3=-（不导入）） / override the proposed mapping")
@click.option("--channel", default=None, help="没有“收到方式”列时各行的收到方式，如 in_person、online / default channel")
@click.option("--yes", is_flag=True, help="确认对应关系并导入（不加则只显示对应关系和问题） / import")
@click.option("--by", "by", default=None, help="导入人（记入日志；默认当前系统用户） / who imports")
@db_option
@click.option("--json", "as_json", is_flag=True)
@store_errors
def import_cmd(file, agency, maps, channel, yes, by, db, as_json):
    """导入已有的 Excel（.xlsx）或 CSV 台账 / import an existing register.

    先按表头建议各列对应的项目，列出无法导入的行及原因；确认无误后加 --yes 导入。
    导入是全有或全无的：任何一行有问题就一件也不导入。
    退出码 exit status: 0 已导入（或无问题的预览）; 2 有问题，未导入。
    """
    # lazy: start-up time — the register (the store, the holiday calendar) loads only when this command runs
    from ..register import CHANNELS, Register, RegisterError
    from ..register import importing as imp
    from ..web import auth

    if channel and channel not in CHANNELS:
        raise click.BadParameter(f"收到方式应为 {', '.join(CHANNELS)} 之一")
    who = by or getpass.getuser()
    store = open_store(db)
    try:
        reg = Register(store)
        aid = reg.resolve_agency(agency)
        sheet = imp.read_sheet(Path(file).read_bytes(), Path(file).name)
        mapping = imp.propose(sheet.headers)
        mapping.update(_overrides(maps, sheet.headers))
        mapping = {i: k for i, k in mapping.items() if k}
        converted = imp.convert(sheet, mapping, default_channel=channel, taken_numbers=set(reg.numbers(aid)))
    except RegisterError as exc:
        store.close()
        _fail(exc)
        return
    shown = [{"column": i + 1, "header": sheet.headers[i], "field": mapping.get(i),
              "field_name": imp.TARGET[mapping[i]].name if mapping.get(i) else None,
              "samples": sheet.samples(i)} for i in range(len(sheet.headers))]
    problems = [str(p) for p in converted.problems]
    stored = []
    if yes and not problems and converted.applications:
        def audited(conn, action, _old, new) -> None:
            auth.audit_in(conn, None, f"register.{action}", f"agency:{aid}",
                          {"application": new.id, "number": new.number, "file": Path(file).name, "command": True},
                          username=who)

        try:
            stored = reg.add_many(aid, converted.applications, by=who, on_write=audited)
        except RegisterError as exc:
            store.close()
            _fail(exc)
            return
    store.close()
    if as_json:
        click.echo(_dump({"sheet": sheet.name, "header_row": sheet.header_row, "columns": shown,
                          "rows": len(converted.applications), "skipped": converted.skipped, "problems": problems,
                          "imported": [a.id for a in stored]}))
    else:
        click.echo(f"{sheet.name}：表头在第 {sheet.header_row} 行")
        for i, h in enumerate(sheet.headers):
            key = mapping.get(i)
            target = f"{imp.TARGET[key].name}（{key}）" if key else "不导入"
            click.echo(f"  第{i + 1}列 “{h}” → {target}    例：{'、'.join(sheet.samples(i))}")
        for p in problems:
            click.echo(f"  {p}", err=True)
        if problems:
            click.echo(f"{len(problems)} 行无法导入，一件也没有导入。请改正表格或对应关系（--map）后再试。", err=True)
        elif stored:
            click.echo(f"已导入 {len(stored)} 件申请（{converted.skipped} 个空行略过）。", err=True)
        else:
            click.echo(f"可以导入 {len(converted.applications)} 件申请；确认以上对应关系后加 --yes 导入。", err=True)
    sys.exit(2 if problems else 0)


def _overrides(maps: tuple[str, ...], headers: list[str]) -> dict[int, str]:
    # lazy: start-up time — the register (the store, the holiday calendar) loads only when this command runs
    from ..register import importing as imp

    out: dict[int, str] = {}
    by_name = {t.name: t.key for t in imp.TARGETS} | {t.key: t.key for t in imp.TARGETS}
    for m in maps:
        col, sep, field = m.partition("=")
        col, field = col.strip(), field.strip()
        if not sep:
            raise click.BadParameter(f"“{m}”应写成 列=项，如 日期=收到申请日期")
        if col.isdigit():
            i = int(col) - 1
        elif col in headers:
            i = headers.index(col)
        else:
            raise click.BadParameter(f"表头中没有“{col}”（表头：{'、'.join(h for h in headers if h)}）")
        if field in ("-", "", "不导入"):
            out[i] = ""
        elif field in by_name:
            out[i] = by_name[field]
        else:
            raise click.BadParameter(f"没有“{field}”这一项（可用：{'、'.join(t.name for t in imp.TARGETS)}）")
    return out
