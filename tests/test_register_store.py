"""The register in the store (SQLite and PostgreSQL): its tables as the migration makes them, every change
checked, judged by the access rules and logged; GK803 comparing a stored report with the register; the
``gongkai register`` commands."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from gongkai.access import Principal, WriteGuard
from gongkai.checks import catalogue
from gongkai.cli import main
from gongkai.register import Application, FollowUp, Register, RegisterError
from gongkai.register.schema import register_applications, register_log
from gongkai.store import Store
from gongkai.store.peers import peer_findings
from gongkai.web.schema import web_audit

from reportgen import report_text
from test_store_support import store, store_url  # noqa: F401  (fixtures)
from web_support import AGENCIES_CSV

D = dt.date


@pytest.fixture
def reg(store):  # noqa: F811
    store.import_agencies(AGENCIES_CSV.read_bytes())
    return Register(store)


def test_the_migration_makes_the_tables_the_schema_declares(store_url):  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from gongkai.store import schema as S
    from gongkai.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_revision("0003").down_revision == "0002"
    mine = {"register_applications", "register_log"}
    with Store.open(store_url) as s, s.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "gongkai_schema_version"})
        assert ctx.get_current_revision() == script.get_current_head()
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), S.metadata)

        def table_of(d):
            d = d[0] if isinstance(d, list) else d
            if d[0] in ("add_table", "remove_table"):
                return d[1].name
            if d[0] in ("add_column", "remove_column") or d[0].startswith("modify_"):
                return d[2]
            return d[1].table.name

        assert [d for d in diff if table_of(d) in mine] == []
        assert mine <= set(s.engine.dialect.get_table_names(conn))


def test_add_change_delete_each_logged(reg):
    ganfang = reg.resolve_agency("甘坊镇人民政府")
    a = reg.add(Application(agency_id=ganfang, number="2024-001", channel="post", submitted=D(2024, 3, 1),
                            confirmed=D(2024, 3, 4), applicant_type="commercial", content="采购合同"), by="张三")
    assert a.id and a.version == 1 and a.agency == "甘坊镇人民政府"
    got = reg.get(a.id)
    assert (got.received, got.channel, got.content, got.created_by) == (D(2024, 3, 4), "post", "采购合同", "张三")
    assert reg.next_number(ganfang, 2024) == "2024-002"
    # a reply, a review: stored and read back
    got.replied, got.outcome = D(2024, 3, 28), "partially_granted"
    got.follow_ups = [FollowUp("review", D(2024, 4, 10), "upheld", D(2024, 6, 1))]
    b = reg.update(got, by="李四")
    assert b.version == 2 and reg.get(a.id).follow_ups == [FollowUp("review", D(2024, 4, 10), "upheld", D(2024, 6, 1))]
    # an edit made on the first version is refused: it would undo the reply
    stale = got.copy()
    stale.version, stale.content = 1, "改了内容"
    with pytest.raises(RegisterError) as err:
        reg.update(stale, by="王五")
    assert err.value.status == 409 and "李四" in err.value.zh
    assert reg.get(a.id).content == "采购合同"
    # a number is one application's only
    with pytest.raises(RegisterError) as err:
        reg.add(Application(agency_id=ganfang, number="2024-001", submitted=D(2024, 3, 5)), by="张三")
    assert err.value.status == 409 and "2024-001" in err.value.zh
    # an unsound entry stores nothing
    with pytest.raises(RegisterError) as err:
        reg.add(Application(agency_id=ganfang, channel="online", submitted=D(2024, 3, 5)), by="张三")
    assert "确认" in err.value.zh and len(reg.applications(agency_ids=[ganfang])) == 1
    reg.delete(a.id, version=2, by="张三")
    with pytest.raises(RegisterError):
        reg.get(a.id)
    log = reg.history(a.id)
    assert [(h["action"], h["by"]) for h in log] == [("add", "张三"), ("update", "李四"), ("delete", "张三")]
    assert log[1]["old_entry"]["outcome"] is None and log[1]["new_entry"]["outcome"] == "partially_granted"
    assert log[2]["new_entry"] is None and log[2]["old_entry"]["number"] == "2024-001"


def test_a_review_filed_a_year_after_the_reply_counts_in_that_year(reg):
    aid = reg.resolve_agency("甘坊镇人民政府")
    reg.add(Application(agency_id=aid, submitted=D(2023, 6, 1), replied=D(2023, 6, 20), outcome="granted",
                        follow_ups=[FollowUp("review", D(2024, 1, 10), "corrected", D(2024, 3, 1))]), by="x")
    reg.add(Application(agency_id=aid, submitted=D(2025, 1, 6)), by="x")  # after 2024: not read for it
    t24 = reg.year_tables(aid, 2024)
    assert (t24.value("review_litigation.review.corrected"), t24.value("review_litigation.review.total")) == (1, 1)
    assert t24.value("applications.new_received.total") == 0 and not t24.kept
    assert reg.year_tables(aid, 2023).value("review_litigation.review.total") == 0


def test_writes_obey_the_same_access_rules_as_reports(reg):
    ganfang = reg.resolve_agency("甘坊镇人民政府")
    assert "奉新县" in reg.agency(ganfang)["region"]
    other = reg.resolve_agency("奉新县住房和城乡建设局")
    clerk = WriteGuard(Principal("submitter", agency_id=ganfang, name="ganfang"))
    county = WriteGuard(Principal("reviewer", region="江西省/宜春市/奉新县"))
    elsewhere = WriteGuard(Principal("reviewer", region="长春市"))
    mine = reg.add(Application(agency_id=ganfang, submitted=D(2024, 5, 6)), by="clerk", guard=clerk)
    with pytest.raises(RegisterError) as err:
        reg.add(Application(agency_id=other, submitted=D(2024, 5, 6)), by="clerk", guard=clerk)
    assert err.value.status == 403 and "不是您账户所属的机关" in err.value.zh
    with pytest.raises(RegisterError) as err:
        reg.add(Application(agency_id=ganfang, submitted=D(2024, 5, 6)), by="x", guard=elsewhere)
    assert err.value.status == 403 and "不在您负责的地区“长春市”内" in err.value.zh
    reg.add(Application(agency_id=other, submitted=D(2024, 5, 7)), by="county", guard=county)
    # moving an application to an agency outside the clerk's scope is refused
    moved = mine.copy()
    moved.agency_id = other
    with pytest.raises(RegisterError) as err:
        reg.update(moved, by="clerk", guard=clerk)
    assert err.value.status == 403
    with pytest.raises(RegisterError):
        reg.delete(mine.id, version=1, by="x", guard=elsewhere)
    with pytest.raises(RegisterError):
        reg.add_many(other, [Application(submitted=D(2024, 5, 8))], by="clerk", guard=clerk)
    assert len(reg.applications(agency_ids=[ganfang, other])) == 2
    with reg.engine.connect() as conn:
        assert conn.execute(select(register_log.c.action)).scalars().all() == ["add", "add"]


def test_due_lists_across_a_region(reg):
    ganfang = reg.resolve_agency("甘坊镇人民政府")
    bureau = reg.resolve_agency("奉新县住房和城乡建设局")
    today = D(2024, 12, 20)
    reg.add(Application(agency_id=ganfang, number="G1", submitted=D(2024, 11, 18)), by="x")  # due 16 Dec: overdue
    reg.add(Application(agency_id=bureau, number="B1", submitted=D(2024, 11, 25)), by="x")  # due 23 Dec: 1 left
    reg.add(Application(agency_id=bureau, number="B2", submitted=D(2024, 12, 18)), by="x")  # due 16 Jan (1 Jan off)
    reg.add(Application(agency_id=bureau, number="B3", submitted=D(2024, 10, 8), replied=D(2024, 10, 20),
                        outcome="granted"), by="x")  # concluded: not listed
    rows = reg.due(today, region="奉新县")
    assert [(x.app.number, x.deadline.state, x.deadline.left) for x in rows] == [
        ("G1", "overdue", -4), ("B1", "due_soon", 1), ("B2", "open", 18)]  # 23–27, 30, 31 Dec, 2, 3, 6–10, 13–16 Jan
    assert rows[0].agency == "甘坊镇人民政府" and "奉新县" in rows[0].region
    assert [x.app.number for x in reg.due(today, region="长春市")] == []
    assert [x.app.number for x in reg.due(today, agency_ids=[bureau])] == ["B1", "B2"]


# ---------------------------------------------------------------------------------------------- GK803


def _app(aid, n, received, kind="natural_person", replied=None, outcome=None, **kw):
    return Application(agency_id=aid, number=n, submitted=received, applicant_type=kind, replied=replied,
                       outcome=outcome, **kw)


def matching_register(aid) -> list[Application]:
    """The register behind reportgen's consistent 2023 report: 6 new (5 natural persons, 1 company), 1
    carried over; 3 granted (2 + 1), 1 partly, 1 withheld (third party), 1 not held; 1 carried forward;
    one review upheld, one direct lawsuit pending."""
    return [
        _app(aid, "R0", D(2022, 12, 20), replied=D(2023, 1, 10), outcome="granted"),
        _app(aid, "R1", D(2023, 2, 1), replied=D(2023, 2, 20), outcome="granted"),
        _app(aid, "R2", D(2023, 3, 1), "commercial", D(2023, 3, 20), "granted"),
        _app(aid, "R3", D(2023, 4, 3), replied=D(2023, 4, 25), outcome="partially_granted"),
        _app(aid, "R4", D(2023, 5, 8), replied=D(2023, 5, 30), outcome="withheld_third_party",
             follow_ups=[FollowUp("litigation_direct", D(2023, 7, 1))]),
        _app(aid, "R5", D(2023, 6, 5), replied=D(2023, 6, 26), outcome="unavailable_not_held",
             follow_ups=[FollowUp("review", D(2023, 7, 10), "upheld", D(2023, 8, 20))]),
        _app(aid, "R6", D(2023, 12, 20)),
    ]


@pytest.fixture
def stored_report(reg, tmp_path):
    text = report_text(title="2023年甘坊镇人民政府政府信息公开工作年度报告", ending=["甘坊镇人民政府", "2024年1月15日"])
    path = tmp_path / "2023_甘坊镇.txt"
    path.write_text(text, encoding="utf-8")
    reg.store.ingest([str(path)], jobs=1)
    row = next(r for r in reg.store.reports(year=2023) if r.agency == "甘坊镇人民政府")
    return row.id, row.agency_id


def gk803(store, rid):  # noqa: F811
    return [f for f in peer_findings(store, rid) if f.code == "GK803"]


def test_gk803_is_silent_without_a_register_and_when_it_agrees(reg, stored_report):
    rid, aid = stored_report
    assert gk803(reg.store, rid) == []  # no register kept
    reg.add_many(aid, matching_register(aid), by="x")
    assert reg.year_tables(aid, 2023).value("applications.new_received.total") == 6
    assert gk803(reg.store, rid) == []


def test_gk803_names_the_applications_behind_a_difference(reg, stored_report):
    rid, aid = stored_report
    apps = reg.add_many(aid, matching_register(aid), by="x")
    r3 = apps[3]
    r3.applicant_type = "commercial"  # the register says R3 came from a company
    reg.update(r3, by="x")
    found = gk803(reg.store, rid)
    rows = {f.cells[0].split(".")[1]: f for f in found}
    assert sorted(rows) == ["new_received", "partially_granted", "total_processed"]
    f = rows["new_received"]
    assert f.severity == "warning"
    assert f.cells == ["applications.new_received.natural_person", "applications.new_received.commercial"]
    assert "“自然人”报告填 5、台账为 4" in f.message and "“商业企业”报告填 1、台账为 2" in f.message
    assert "台账中计入的申请——“自然人”：编号R1、编号R4、编号R5、编号R6；“商业企业”：编号R2、编号R3。" in f.message
    assert f.expected == {"applications.new_received.natural_person": 4, "applications.new_received.commercial": 2}
    assert f.actual == {"applications.new_received.natural_person": 5, "applications.new_received.commercial": 1}
    assert "台账中计入的申请——“商业企业”：编号R3。" in rows["partially_granted"].message
    # a review the register does not have
    reg.update(_without_follow_ups(reg, apps[5].id), by="x")
    review = next(f for f in gk803(reg.store, rid) if f.cells[0].startswith("review_litigation.review"))
    assert "表四「行政复议」" in review.message and "台账中这几列没有登记申请" in review.message
    assert review.cells == ["review_litigation.review.upheld", "review_litigation.review.total"]


def _without_follow_ups(reg, app_id):
    a = reg.get(app_id)
    a.follow_ups = []
    return a


def test_gk803_is_in_the_catalogue():
    r = next(r for r in catalogue() if r.code == "GK803")
    assert (r.name, r.severity, r.needs_store) == ("register-mismatch", "warning", True)


# ---------------------------------------------------------------------------------------------- the commands

CSV = ("登记编号,收到日期,收到方式,申请人类型,答复日期,办理结果\n"
       "C1,2024-11-18,当面,自然人,,\n"
       "C2,2024-11-25,当面,企业,,\n"
       "C3,2024-06-03,当面,自然人,2024-06-20,予以公开\n")


def test_the_commands(tmp_path):
    db = str(tmp_path / "cli.sqlite3")
    with Store.open(db) as s:
        s.import_agencies(AGENCIES_CSV.read_bytes())
    src = tmp_path / "台账.csv"
    src.write_text(CSV, encoding="utf-8")
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [*args, "--db", db], catch_exceptions=False)

    preview = run("register", "import", str(src), "--agency", "甘坊镇人民政府")
    assert preview.exit_code == 0 and "第2列 “收到日期” → 收到申请日期（received）" in preview.output
    assert "加 --yes 导入" in preview.output
    with Store.open(db) as s:
        assert Register(s).applications() == []
    done = run("register", "import", str(src), "--agency", "甘坊镇人民政府", "--yes", "--by", "导入员")
    assert done.exit_code == 0 and "已导入 3 件申请" in done.output
    again = run("register", "import", str(src), "--agency", "甘坊镇人民政府", "--yes")
    assert again.exit_code == 2 and "“C1”在本机关台账中已有" in again.output
    due = run("register", "due", "--region", "奉新县", "--today", "2024-12-20")
    assert due.exit_code == 1  # one overdue
    assert "已逾期\t甘坊镇人民政府\t编号C1" in due.output and "即将到期\t甘坊镇人民政府\t编号C2" in due.output
    tables = run("register", "tables", "--agency", "甘坊镇人民政府", "--year", "2024", "--json")
    values = json.loads(tables.output)["values"]
    assert values["applications.new_received.total"] == 3 and values["applications.carried_forward.commercial"] == 1
    listed = run("register", "list", "--agency", "甘坊镇人民政府", "--open", "--today", "2024-12-20", "--json")
    assert [a["number"] for a in json.loads(listed.output)] == ["C1", "C2"]
    out = tmp_path / "out.xlsx"
    assert run("register", "export", "--agency", "甘坊镇人民政府", "--year", "2024", "-o", str(out),
               "--today", "2024-12-20").exit_code == 0
    assert load_workbook(out)["台账"].max_row == 4
    overridden = run("register", "import", str(src), "--agency", "奉新县住房和城乡建设局", "--map", "收到方式=-",
                     "--channel", "online")
    assert overridden.exit_code == 0 and "第3列 “收到方式” → 不导入" in overridden.output
    with Store.open(db) as s, s.engine.connect() as conn:
        logged = conn.execute(select(web_audit.c.action, web_audit.c.username)).all()
        assert logged == [("register.import", "导入员")] * 3
        assert len(conn.execute(select(register_applications.c.id)).all()) == 3
