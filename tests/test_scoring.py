"""The 考核 score: the default rule pack and an office's own on reports whose deductions were worked out by
hand, findings a reviewer dismissed left out, bad packs refused with their reasons, the store's own pack,
``gongkai score`` and its workbook, and the web roll-up's score column and itemised deductions."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gongkai.api import read_data
from gongkai.checks import REGISTRY, check
from gongkai.scoring import PACK_SCHEMA, PackError, default_pack, load_pack, load_pack_file, score
from gongkai.store import Store
from gongkai.store import schema as S
from gongkai.store.kaohe import STORE_KEY, clear_pack, save_pack, score_reports, scored_rollup, store_pack
from gongkai.web import auth, create_app
from gongkai.web.views import decide, fingerprint

from reportgen import ACTIVE_2021, apps, report_text, tables
from web_support import AGENCIES_CSV, PASSWORDS, form_login

# Three agencies of 奉新县 (samples/agencies.csv), each with its own wording so that no report copies
# another's (GK801). Each narrative has what the rules ask of it: the five parts of 总体情况, 考核·评议·追究
# for the townships, problems with measures, the fee statement.
GANFANG = {
    1: "2023年，甘坊镇坚持以公开为常态、不公开为例外，全面推进政务公开。全年收到政府信息公开申请6件，上年结转1件。"
       "（一）主动公开方面，在镇政府信息公开专栏发布各类信息135条，重点公开惠农补贴、防汛救灾等内容。"
       "（二）依申请公开方面，严格落实登记、审核、答复流程。"
       "（三）政府信息管理方面，公开前逐条进行保密审查，及时清理过时信息。"
       "（四）平台建设方面，完善镇政府网站栏目设置，加强微信公众号日常维护。"
       "（五）监督保障方面，将政务公开纳入村（社区）年度考核，邀请群众代表开展社会评议，全年未发生需要责任追究的情形。",
    2: "甘坊镇主动公开政府信息情况统计如下：",
    3: "全年新收申请6件，其中自然人申请5件、企业申请1件。本年度办理完毕6件，结转下年度继续办理1件。",
    4: "因政府信息公开被申请行政复议1件，被提起行政诉讼1件。",
    5: "存在的问题：一是部分村级公开栏内容更新滞后；二是政策解读的针对性不强。"
       "改进情况：一是建立村级公开栏月度检查制度，由党政办每月通报；二是围绕群众关心的低保、医保政策，制作通俗易懂的图文解读，"
       "并安排专人答疑。",
    6: "本年度甘坊镇未收取政府信息公开信息处理费，无其他需要报告的事项。",
}
LUOSHI = {
    1: "2023年，罗市镇认真贯彻《中华人民共和国政府信息公开条例》，扎实做好政府信息公开各项工作。"
       "一是主动公开：依托县政府门户网站罗市镇专栏发布财政预决算、项目建设等信息92条。"
       "二是依申请公开：全年收到申请6件，上年结转1件，按规定予以答复。"
       "三是政府信息管理：健全信息发布审签制度，对已公开信息定期评估。"
       "四是平台建设：规范政务新媒体运营，整合镇村便民服务公开点。"
       "五是监督保障：成立由镇长任组长的政务公开领导小组，把公开工作纳入干部年度考核，通过群众满意度测评开展社会评议，"
       "本年度无责任追究事项。",
    2: "罗市镇本年度主动公开情况见下表：",
    3: "罗市镇本年度新收信息公开申请6件，上年结转1件；已答复6件，结转下年度1件。",
    4: "本年度涉及政府信息公开的行政复议1件，行政诉讼1件。",
    5: "主要问题：信息公开队伍人员变动频繁，业务水平参差不齐；部分信息发布不够及时。"
       "改进措施：组织经办人员参加县级业务培训，编制工作手册；建立信息发布限时制度，重要信息形成后及时公开。",
    6: "本年度罗市镇无其他需要报告的事项。",  # nothing on the processing fee: GK501
}
ZHUJIAN = {
    1: "2023年，奉新县住房和城乡建设局围绕住房保障、建筑市场监管等重点领域推进信息公开。全年受理政府信息公开申请6件、上年结转1件。"
       "主动公开方面，在局网站发布工程招投标、保障性住房分配等信息210条。"
       "依申请公开方面，明确专人负责申请的接收、转办和答复。"
       "政府信息管理方面，对本局规范性文件进行清理并公布目录。"
       "平台建设方面，优化网站检索功能，在办事大厅设置查阅点。"
       "监督保障方面，局党组定期听取公开工作汇报，将公开工作纳入股室绩效考核。",
    2: "本局主动公开政府信息数据如下：",
    3: "本局年内新收申请6件；办理6件，另有1件结转下年度继续办理。",
    4: "本年度本局因信息公开被申请行政复议1件，被提起行政诉讼1件。",
    5: "本局信息公开工作仍有不足：住房保障类信息公开的颗粒度不够细；网站部分栏目分类不够清晰。"
       "下一步，我们将细化保障性住房分配结果的公开内容，逐户公示审核情况；重新梳理网站栏目，按事项分类展示，方便群众查找。",
    6: "本年度本局未收取信息处理费。",
}

# 住建局's tables with errors: 予以公开 总计 4 (persons add up to 3), 部分公开 自然人 2 (总计 1), 结转下年度
# 总计 2 (persons 1), 行政复议 总计 2 (results add up to 1; the text says 复议1件)
ZHUJIAN_TABLES = tables(
    applications=apps(granted=[2, 1, 0, 0, 0, 0, 4], partially_granted=[2, 0, 0, 0, 0, 0, 1],
                      carried_forward=[1, 0, 0, 0, 0, 0, 2]),
    review=[1, 0, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])


def text_of(agency: str, body: dict[int, str], date: str, year: int = 2023, **kw) -> str:
    return report_text(title=f"{agency}{year}年政府信息公开工作年度报告", body=body, ending=[agency, date], **kw)


def write_reports(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    reports = {
        # on time (乡镇: 3月31日) and complete: nothing found
        "ganfang.txt": text_of("甘坊镇人民政府", GANFANG, "2024年1月15日"),
        # late (4月15日), no fee statement, and last year's text again (below)
        "luoshi.txt": text_of("罗市镇人民政府", LUOSHI, "2024年4月15日"),
        # late for a department (1月31日) and its tables do not add up
        "zhujian.txt": text_of("奉新县住房和城乡建设局", ZHUJIAN, "2024年2月20日", tables=ZHUJIAN_TABLES),
        # 罗市镇's 2022 report: the same narrative but for the year (GK605 copied, GK604 same improvements);
        # its 现行有效 14 carries over to 2023's 14 + 2 − 1 = 15
        "luoshi2022.txt": text_of("罗市镇人民政府", {k: v.replace("2023年", "2022年") for k, v in LUOSHI.items()},
                                  "2023年1月16日", year=2022,
                                  tables=tables(active={**ACTIVE_2021, "normative_documents": [1, 0, 14]})),
    }
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")


def make_store(db: str, folder: Path) -> None:
    write_reports(folder)
    with Store.open(db) as store:
        store.import_agencies(AGENCIES_CSV.read_bytes())
        s = store.ingest([str(folder)], jobs=1)
        assert s.new == 4 and s.failed == 0


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kaohe")
    db = str(folder / "store.sqlite3")
    make_store(db, folder / "in")
    return db


@pytest.fixture()
def fresh(tmp_path):
    """A store of its own, for the tests that change it (decisions, the store's pack)."""
    db = str(tmp_path / "store.sqlite3")
    make_store(db, tmp_path / "in")
    return db


CUSTOM = """\
name: 某县政务公开考核·年度报告（测试）
full_marks: 100
items:
  - name: 数据质量
    cap: 30
    deduct:
      - rules: [GK3]
        points: 3
      - rules: [GK302]   # more exact than GK3: a row's 总计 costs 2, not 3
        points: 2
      - rules: [GK4]
        points: 1
        severity: [error]
  - name: 公布时效
    cap: 10
    deduct:
      - rules: [GK502]
        points: 10
        per: report
  - name: 内容
    cap: 8
    deduct:
      - rules: [GK501, GK604, GK605]
        points: 3
"""


def store_findings(db: str, report_id: int) -> list[dict]:
    with Store.open(db) as store:
        return store.findings(report_id)


def scores_by_agency(db: str, pack) -> dict[str, object]:
    with Store.open(db) as store:
        ru = scored_rollup(store, "奉新县", 2023, pack)
    return {ln.name: ln.score for ln in ru.lines}


def deducted(sc) -> dict[str, float]:
    return {it.name: it.deducted for it in sc.items if it.deducted}


def codes(sc) -> list[str]:
    return sorted(f.code for d in sc.deductions for f in d.findings)


# ------------------------------------------------------------------------------------------ the default pack


def test_default_pack_is_whole():
    pack = default_pack()
    assert [it.name for it in pack.items] == ["按时公布", "格式规范", "数据准确", "内容完整", "内容雷同"]
    assert pack.full_marks == 10
    assert sum(it.cap for it in pack.items) == 10  # the caps add up to the full marks: the lowest score is 0
    named = [r for it in pack.items for p in it.penalties for r in p.rules]
    assert not any(r.startswith("GK7") for r in named)  # gongkai's own reading never deducts
    assert {"GK502", "GK3", "GK101", "GK110", "GK111", "GK113", "GK401", "GK501", "GK605", "GK801", "GK802"} <= set(named)


def test_default_pack_by_hand(county):
    s = scores_by_agency(county, default_pack())
    assert set(s) == {"甘坊镇人民政府", "罗市镇人民政府", "奉新县住房和城乡建设局"}
    # 甘坊镇: nothing found
    assert s["甘坊镇人民政府"].total == 10 and s["甘坊镇人民政府"].deductions == []
    # 罗市镇: late −0.5; no fee statement −0.5 and last year's improvements −0.5; copied from 2022 −0.5
    luoshi = s["罗市镇人民政府"]
    assert codes(luoshi) == ["GK501", "GK502", "GK604", "GK605"]
    assert deducted(luoshi) == {"按时公布": 0.5, "内容完整": 1.0, "内容雷同": 0.5}
    assert luoshi.total == 8
    # 住建局: 7 identity errors (GK301, 3×GK302, 2×GK303, GK304) at 1 each and GK401 at 0.5 = 7.5, capped at 4;
    # late −0.5
    zhujian = s["奉新县住房和城乡建设局"]
    assert codes(zhujian) == ["GK301", "GK302", "GK302", "GK302", "GK303", "GK303", "GK304", "GK401", "GK502"]
    accuracy = zhujian.item("数据准确")
    assert (accuracy.listed, accuracy.deducted, accuracy.capped) == (7.5, 4, True)
    assert deducted(zhujian) == {"按时公布": 0.5, "数据准确": 4}
    assert zhujian.total == 5.5


def test_a_deduction_names_its_findings(county):
    luoshi = scores_by_agency(county, default_pack())["罗市镇人民政府"]
    late = luoshi.item("按时公布").deductions
    assert len(late) == 1 and late[0].points == 0.5 and late[0].per == "report"
    (f,) = late[0].findings
    assert f.code == "GK502" and f.title == REGISTRY["GK502"].title
    assert "2024年4月15日" in f.message and "2024年3月31日" in f.message


def test_score_without_a_store():
    # the same pack on the findings of the report read from its text: 住建局's deductions need no store
    report = read_data(text_of("奉新县住房和城乡建设局", ZHUJIAN, "2024年2月20日", tables=ZHUJIAN_TABLES).encode(), "r.txt")
    sc = score(default_pack(), check(report))
    assert sc.total == 5.5 and sc.deducted == 4.5
    sc = score(load_pack(CUSTOM), check(report))
    assert sc.total == 71


# ------------------------------------------------------------------------------------------ an office's pack


def test_custom_pack_by_hand(county):
    s = scores_by_agency(county, load_pack(CUSTOM, "custom.yaml"))
    assert s["甘坊镇人民政府"].total == 100
    # 罗市镇: 公布时效 −10 (once); 内容: GK501, GK604, GK605 at 3 each = 9, capped at 8
    luoshi = s["罗市镇人民政府"]
    assert deducted(luoshi) == {"公布时效": 10, "内容": 8}
    assert luoshi.item("内容").listed == 9 and luoshi.total == 82
    # 住建局: GK301 + 2×GK303 + GK304 at 3 = 12, 3×GK302 at 2 (the exact code wins over GK3) = 6, GK401 (an
    # error) 1: 数据质量 −19; 公布时效 −10
    zhujian = s["奉新县住房和城乡建设局"]
    points = sorted((f.code, d.points) for d in zhujian.item("数据质量").deductions for f in d.findings)
    assert points == [("GK301", 3), ("GK302", 2), ("GK302", 2), ("GK302", 2), ("GK303", 3), ("GK303", 3),
                      ("GK304", 3), ("GK401", 1)]
    assert deducted(zhujian) == {"数据质量": 19, "公布时效": 10}
    assert zhujian.total == 71


def test_severity_filter_and_per_report():
    pack = load_pack("""\
name: 只扣错误
full_marks: 20
items:
  - name: 数据
    deduct:
      - rules: [GK3, GK4]
        points: 4
        per: report
        severity: [error]
      - rules: [GK5]
        points: 1.5
        severity: [warning]
""")
    report = read_data(text_of("奉新县住房和城乡建设局", ZHUJIAN, "2024年2月20日", tables=ZHUJIAN_TABLES).encode(), "r.txt")
    sc = score(pack, check(report))
    # the eight GK3xx/GK401 errors once: 4; GK502 (a warning) 1.5
    (once, late) = sc.item("数据").deductions
    assert once.points == 4 and len(once.findings) == 8 and once.codes == "GK301、GK302、GK303、GK304、GK401"
    assert late.points == 1.5 and [f.code for f in late.findings] == ["GK502"]
    assert sc.total == 14.5


# ------------------------------------------------------------------------------------------ reviewers' decisions


def test_dismissed_findings_deduct_nothing(fresh):
    with Store.open(fresh) as store:
        rid = next(r.id for r in store.reports(year=2023) if r.agency == "罗市镇人民政府")
        user = auth.add_user(store.engine, "fengxin", PASSWORDS["fengxin"], "reviewer", region="江西省/宜春市/奉新县")
        copied = next(f for f in store.findings(rid) if f["code"] == "GK605")
        decide(store.engine, user, rid, fingerprint(copied), "GK605", "dismissed", "上年报告为同一起草人修订稿")
        fee = next(f for f in store.findings(rid) if f["code"] == "GK501")
        decide(store.engine, user, rid, fingerprint(fee), "GK501", "accepted", None)  # confirmed: still deducts
        default = score_reports(store, [rid], default_pack())[rid]
        custom = score_reports(store, [rid], load_pack(CUSTOM))[rid]
    assert codes(default) == ["GK501", "GK502", "GK604"]
    assert [f.code for f in default.dismissed] == ["GK605"]
    assert default.total == 8.5  # 8 + the 0.5 of 内容雷同
    assert custom.total == 84  # 内容: GK501 + GK604 = 6, no longer capped
    assert custom.to_json()["dismissed"][0]["code"] == "GK605"


# ------------------------------------------------------------------------------------------ bad packs


def one_item(rules: str = "[GK3]", points: str = "1", *, line: str = "", item: str = "", more: str = "") -> str:
    """A pack of one item 数据 with one deduction line; ``line``/``item`` add keys to them, ``more`` items."""
    return (f"name: 考核\nfull_marks: 10\nitems:\n  - name: 数据\n{item}    deduct:\n      - rules: {rules}\n"
            f"        points: {points}\n{line}{more}")


BAD = {
    "not YAML": ("name: x\nitems: [\n", "不是有效的 YAML（第3行第1列附近）"),
    "a list": ("- GK502\n", "内容应是“键: 值”的对象"),
    "no items": ("name: 考核\nfull_marks: 10\n", "规则包缺少考核项（items）"),
    "unknown code": (one_item("[GK399]"), "第1个考核项“数据”第1条扣分规则的 GK399 不是已有的审核规则"),
    "reading": (one_item("[GK3, GK701]"), "GK701 属于 GK7xx：那是 gongkai 自己读取不确定的提示，不是机关的错误，不能扣分"),
    "bad prefix": (one_item("[GK9]"), "前缀 GK9 不对应任何审核规则"),
    "lower case": (one_item("[gk3]"), "规则代码（rules）第1项“gk3”不是规则代码"),
    "zero points": (one_item(points="0"), "第1个考核项“数据”第1条扣分规则的扣分（points）应大于 0，而不是 0"),
    "per": (one_item(line="        per: each\n"), "计扣方式（per）应是 finding、report 之一，而不是“each”"),
    "cap": (one_item(item="    cap: 12\n"), "本项最多扣分 cap（12）大于满分（10）"),
    "twice": (one_item("[GK502]", more="  - name: 时效\n    deduct:\n      - rules: [GK502]\n        points: 1\n"),
              "第2个考核项“时效”第1条扣分规则的 GK502 已在第1个考核项“数据”第1条扣分规则中出现"),
    "unknown key": (one_item().replace("points:", "point:"), "第1个考核项“数据”第1条扣分规则缺少扣分（points）"),
    "type": (one_item().replace("full_marks: 10", "full_marks: 十分"), "满分（full_marks）应是数字，而不是“十分”"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_pack_refused_with_its_reason(case):
    text, reason = BAD[case]
    with pytest.raises(PackError) as exc:
        load_pack(text, "office.yaml")
    assert any(reason in r for r in exc.value.reasons), exc.value.reasons
    assert str(exc.value).startswith("考核规则包“office.yaml”无法使用：")


def test_every_problem_is_said():
    text = one_item(line="        extra: 2\n").replace("name: 考核", "name: ''").replace("full_marks: 10", "full_marks: -1")
    with pytest.raises(PackError) as exc:
        load_pack(text)
    assert exc.value.reasons == [
        "名称（name）不能为空",
        "满分（full_marks）应大于 0，而不是 -1",
        "第1个考核项“数据”第1条扣分规则有不认识的键：extra（可用：rules、points、per、severity、note）",
    ]


def test_severity_split_allows_one_code_twice():
    pack = load_pack(one_item("[GK4]", line="        severity: [error]\n",
                              more="  - name: 警告\n    deduct:\n      - rules: [GK4]\n        points: 0.25\n"
                                   "        severity: [warning, info]\n"))
    assert pack.place("GK401", "error")[0].name == "数据"
    assert pack.place("GK402", "warning")[0].name == "警告"
    assert pack.place("GK701", "warning") is None
    assert PACK_SCHEMA["$defs"]["penalty"]["properties"]["per"]["enum"] == ["finding", "report"]


def test_pack_file_not_utf8(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes("name: 考核\n".encode("gbk"))
    with pytest.raises(PackError) as exc:
        load_pack_file(p)
    assert exc.value.reasons == ["文件不是 UTF-8 编码的文本，请用 UTF-8 保存"]


# ------------------------------------------------------------------------------------------ the store's pack


def test_the_store_keeps_its_own_pack(fresh):
    with Store.open(fresh) as store:
        assert store_pack(store).name == default_pack().name
        save_pack(store, load_pack(CUSTOM, "custom.yaml"))
        assert store_pack(store).name == "某县政务公开考核·年度报告（测试）"
        assert clear_pack(store) is True and clear_pack(store) is False
        assert store_pack(store).name == default_pack().name
        # a saved pack that no longer holds is refused when used, with its reason
        with store.engine.begin() as conn:
            conn.execute(S.store_meta.insert().values(key=STORE_KEY, value="name: 旧规则\nfull_marks: 10\nitems: []\n"))
        with pytest.raises(PackError, match=r"本库保存的考核规则包.*考核项（items）不能为空"):
            store_pack(store)


# ------------------------------------------------------------------------------------------ the command


def gongkai(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, timeout=180,
                          check=False)


def test_score_command_and_workbook(county, tmp_path):
    pack = tmp_path / "custom.yaml"
    pack.write_text(CUSTOM, encoding="utf-8")
    xlsx = tmp_path / "奉新县2023考核.xlsx"
    out = gongkai("score", "--db", county, "--region", "奉新县", "--year", "2023", "--pack", str(pack),
                  "--xlsx", str(xlsx))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("奉新县 2023年度考核得分：某县政务公开考核·年度报告（测试）（满分 100 分），已报 3 个机关")
    ranked = [ln for ln in lines if not ln.startswith(" ")][1:4]
    assert ranked == ["甘坊镇人民政府  100 分", "罗市镇人民政府  82 分（扣 18 分）", "奉新县住房和城乡建设局  71 分（扣 29 分）"]
    late = [ln for ln in lines if ln.startswith("  公布时效 −10  GK502 ")]
    assert len(late) == 2 and "2024年4月15日" in late[0] and "2024年2月20日" in late[1]
    assert "  内容 合计 9 分，本项最多扣 8 分" in lines

    wb = load_workbook(xlsx)
    assert wb.sheetnames[-1] == "考核得分"
    ws = wb["考核得分"]
    assert ws["A1"].value == "某县政务公开考核·年度报告（测试）（满分 100 分）"
    assert [c.value for c in ws[4]] == ["机关", "地区", "报告编号", "得分", "扣分", "数据质量（30）", "公布时效（10）",
                                        "内容（8）"]
    rows = {ws.cell(row=i, column=1).value: [c.value for c in ws[i]] for i in range(5, 8)}
    assert rows["罗市镇人民政府"][3:] == [82, 18, 0, 10, 8]
    assert rows["奉新县住房和城乡建设局"][3:] == [71, 29, 19, 10, 0]
    assert rows["甘坊镇人民政府"][3:5] == [100, 0]
    detail = [[c.value for c in r] for r in ws.iter_rows(min_row=10)]
    (late,) = [r for r in detail if r[0] == "罗市镇人民政府" and r[4] == "GK502"]
    assert late[:6] == ["罗市镇人民政府", "公布时效", 10, "每份报告一次", "GK502", REGISTRY["GK502"].title]
    assert "2024年4月15日" in late[6] and "2024年3月31日" in late[6] and late[7] is None
    assert sum(1 for r in detail if r[0] == "奉新县住房和城乡建设局" and r[1] == "数据质量") == 8


def test_score_command_refuses_a_bad_pack(county, tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text(one_item("[GK7]").replace("name: 数据", "name: 读取"), encoding="utf-8")
    out = gongkai("score", "--db", county, "--region", "奉新县", "--year", "2023", "--pack", str(pack))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "第1个考核项“读取”第1条扣分规则的 GK7 属于 GK7xx" in out.stderr
    out = gongkai("score", "--pack", str(tmp_path / "missing.yaml"))
    assert out.returncode == 2 and "无法读取文件" in out.stderr and "Traceback" not in out.stderr


def test_score_command_saves_the_store_pack(fresh, tmp_path):
    # in this process (click's runner): the same command, without starting Python three times
    from click.testing import CliRunner

    from gongkai.cli import main

    runner = CliRunner()
    pack = tmp_path / "custom.yaml"
    pack.write_text(CUSTOM, encoding="utf-8")
    out = runner.invoke(main, ["score", "--db", fresh, "--save-pack", str(pack)])
    assert out.exit_code == 0, out.output
    assert "本库保存的规则包" in out.stdout and "GK302：每条扣 2 分" in out.stdout
    out = runner.invoke(main, ["score", "--db", fresh, "--region", "奉新县", "--year", "2023", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["pack"] == "某县政务公开考核·年度报告（测试）"
    assert [(a["agency"], a["score"]) for a in data["agencies"]] == [
        ("甘坊镇人民政府", 100), ("罗市镇人民政府", 82), ("奉新县住房和城乡建设局", 71)]
    out = runner.invoke(main, ["score", "--db", fresh, "--default-pack"])
    assert out.exit_code == 0 and "已恢复使用默认考核规则包" in out.stderr
    assert "政府信息公开工作年度报告考核（gongkai 默认）" in out.stdout


# ------------------------------------------------------------------------------------------ the web page


def web_client(db: str) -> TestClient:
    with Store.open(db) as store:
        if auth.find_user(store.engine, "fengxin") is None:
            auth.add_user(store.engine, "fengxin", PASSWORDS["fengxin"], "reviewer", region="江西省/宜春市/奉新县")
    return TestClient(create_app(db, workers=0))


def test_web_rollup_shows_the_scores(fresh):
    with web_client(fresh) as client:
        form_login(client, "fengxin")
        html = client.get("/rollup", params={"region": "江西省/宜春市/奉新县", "year": 2023}).text
        assert "考核得分" in html and "政府信息公开工作年度报告考核（gongkai 默认）（满分 10 分" in html
        ids = {}
        with Store.open(fresh) as store:
            for r in store.reports(year=2023):
                ids[r.agency] = r.id
        # the score column of 各机关数据, linked to the itemised view
        assert f'<a href="#score-{ids["罗市镇人民政府"]}">8</a>' in html
        assert f'<a href="#score-{ids["奉新县住房和城乡建设局"]}">5.5</a>' in html
        assert f'<a href="#score-{ids["甘坊镇人民政府"]}">10</a>' in html
        # the itemised view: each deduction with its rule, points and finding
        view = html[html.index(f'<details id="score-{ids["罗市镇人民政府"]}"'):]
        view = view[:view.index("</details>")]
        assert "罗市镇人民政府：8 分（扣 2 分，4 条）" in view
        assert f"<code>GK605</code> {REGISTRY['GK605'].title}" in view
        late = next(f["message"] for f in store_findings(fresh, ids["罗市镇人民政府"]) if f["code"] == "GK502")
        assert f"<div>{late}</div>" in view
        assert view.count("−0.5") == 4
        capped = html[html.index(f'<details id="score-{ids["奉新县住房和城乡建设局"]}"'):]
        assert "本项合计 7.5 分，超过本项最多扣分，按 4 分计" in capped[:capped.index("</details>")]

        # the store's own pack replaces the default on the page
        with Store.open(fresh) as store:
            save_pack(store, load_pack(CUSTOM))
        html = client.get("/rollup", params={"region": "江西省/宜春市/奉新县", "year": 2023}).text
        assert "某县政务公开考核·年度报告（测试）（满分 100 分" in html
        assert f'<a href="#score-{ids["罗市镇人民政府"]}">82</a>' in html
        # and the workbook the page offers has the scores
        r = client.get("/rollup.xlsx", params={"region": "江西省/宜春市/奉新县", "year": 2023})
        ws = load_workbook(io.BytesIO(r.content))["考核得分"]
        assert {ws.cell(row=i, column=1).value: ws.cell(row=i, column=4).value for i in range(5, 8)} == {
            "甘坊镇人民政府": 100, "罗市镇人民政府": 82, "奉新县住房和城乡建设局": 71}

        # a saved pack that no longer holds: the page still opens and says why there is no score
        with Store.open(fresh) as store, store.engine.begin() as conn:
            conn.execute(S.store_meta.update().where(S.store_meta.c.key == STORE_KEY).values(value="name: 旧\n"))
        page = client.get("/rollup", params={"region": "江西省/宜春市/奉新县", "year": 2023})
        assert page.status_code == 200
        assert "考核得分未计算：考核规则包“本库保存的考核规则包”无法使用：规则包缺少满分（full_marks）、考核项（items）" in page.text
        assert 'id="scores"' not in page.text


def test_web_rollup_of_a_large_region_scores_when_asked(fresh, monkeypatch):
    from gongkai.web.routes import rollup as page

    monkeypatch.setattr(page, "SCORE_AT_ONCE", 2)  # three reports count as many here
    with web_client(fresh) as client:
        form_login(client, "fengxin")
        params = {"region": "江西省/宜春市/奉新县", "year": 2023}
        html = client.get("/rollup", params=params).text
        assert "本地区已报送 3 份报告，考核得分需要逐份对照库中其他报告" in html and 'id="scores"' not in html
        assert 'id="score-now" href="/rollup?region=%E6%B1%9F' in html
        html = client.get("/rollup", params={**params, "scores": 1}).text
        assert 'id="scores"' in html and "奉新县住房和城乡建设局：5.5 分（扣 4.5 分，9 条）" in html
        # the download always has the scores
        r = client.get("/rollup.xlsx", params=params)
        assert "考核得分" in load_workbook(io.BytesIO(r.content)).sheetnames
