"""Synthetic reports for tests and benchmarks (bench/ingest.py, scripts/make_samples.py): the seed
reports' narrative reused, numbers varied consistently (every identity of the edition holds; 上年结转
and 现行有效件数 follow the agency's previous year), agency names and years varied. Written as plain
text in the seeds' layout or as .docx.

    from synth import Corpus          # tests/ on sys.path, as pytest and bench/ put it
    corpus = Corpus(seed=1)
    for spec in corpus.series(agencies=100, years=(2021, 2022, 2023)):
        path = spec.write(folder, fmt="docx")

Nothing here reads the network or the development corpus; only tests/data/seeds is used, when present,
for narrative sentences (a small built-in set otherwise). It lives beside the tests, not in the
package: nothing gongkai does for its users needs it.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from gongkai.formats import edition_for_year, get_edition
from gongkai.formats.common import APPLICANT_COLUMNS, NOT_OUTCOMES, REVIEW_COLUMNS

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"

_FALLBACK_SENTENCES = (
    "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外",
    "进一步加强组织领导，明确责任分工，细化分解任务，全面推进组织建设、平台建设、制度建设",
    "严格落实政府信息公开属性源头认定机制，规范公文办理流程",
    "通过政府门户网站、政务公开栏等渠道及时发布各类政府信息",
    "依申请公开工作严格按照法定程序和期限办理，做到依法依规答复",
    "加强政府信息公开平台建设，及时更新维护网站栏目，确保信息准确、完整、及时",
    "政务公开工作与群众期盼相比还有一定差距，公开内容不够全面，解读形式较为单一",
    "工作人员业务能力有待进一步提高，需要加强培训",
    "下一步，将继续加大主动公开力度，拓宽公开渠道，提升政务公开工作水平",
    "建立健全监督考核机制，将政务公开工作纳入年度考核内容",
)

_SYLLABLES = "甘罗宋富赤会澡柳仰石澄干冯岸丰庄桥岗沙龙青东岭塘泉河乐安兴金银凤溪江里角杨梅竹松桃源"
_COUNTIES = ("奉新县", "靖安县", "铜鼓县", "宜丰县", "上高县", "万载县", "高安市", "樟树市", "丰城市", "袁州区")
_DEPARTMENTS = ("住房和城乡建设局", "自然资源局", "市场监督管理局", "教育体育局", "卫生健康委员会", "财政局",
                "交通运输局", "农业农村局", "生态环境分局", "司法局")


def _town_name(i: int) -> str:
    k = len(_SYLLABLES)
    name = _SYLLABLES[i % k] + _SYLLABLES[(i // k) % k]
    if i >= k * k:
        name += _SYLLABLES[(i // (k * k)) % k]
    return name


_PLACE_OR_CONTACT = re.compile(r"省|市|县|区|地址|电话|联系|统计期限|邮编|邮政编码|如对本")


@lru_cache(maxsize=1)
def sentence_pool() -> tuple[str, ...]:
    """Narrative sentences from the seed reports (their sections' text), numbers and names kept."""
    out: list[str] = []
    if SEEDS.is_dir():
        for p in sorted(SEEDS.glob("*.txt")):
            text = p.read_text(encoding="utf-8", errors="replace")
            for raw in text.splitlines():
                line = raw.strip()
                if line.startswith("\t") or len(line) < 30 or "\t" in line:
                    continue
                for piece in re.split(r"(?<=[。；！])", line):
                    s = piece.strip().rstrip("。；！")
                    # keep plain sentences: no figures that the narrative checks would compare to tables
                    if (16 <= len(s) <= 160 and not re.search(r"\d+\s*(件|条|起|宗|个|份|次|例)", s)
                            and "申请" not in s and not _PLACE_OR_CONTACT.search(s)):
                        out.append(s)
    if len(out) < 30:
        out.extend(_FALLBACK_SENTENCES)
    return tuple(dict.fromkeys(out))


@dataclass(slots=True)
class Agency:
    name: str  # as printed in the title
    province: str | None
    city: str | None
    county: str | None
    township: str | None
    address: str
    kind: str = "township"


@dataclass(slots=True)
class ReportSpec:
    agency: Agency
    year: int
    edition: str
    tables: dict[str, dict[str, dict[str, int | float]]]
    narrative: list[list[str]]  # sentences of 一, 五, 六
    variant: int = 0  # a corrected re-submission has variant 1, 2 …

    @property
    def title(self) -> str:
        return f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    @property
    def stem(self) -> str:
        return f"{self.year}_{self.agency.name}" + (f"_v{self.variant}" if self.variant else "")

    def text(self) -> str:
        return render_text(self)

    def docx(self) -> bytes:
        return render_docx(self)

    def write(self, folder: Path, fmt: str = "text") -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if fmt == "docx":
            p = folder / f"{self.stem}.docx"
            p.write_bytes(self.docx())
        else:
            p = folder / f"{self.stem}.txt"
            p.write_text(self.text(), encoding="utf-8")
        return p


class Corpus:
    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.pool = sentence_pool()

    # -- agencies ------------------------------------------------------------------------------

    def agencies(self, n: int, *, province: str = "江西省", city: str = "宜春市") -> list[Agency]:
        """``n`` agencies with distinct names, spread over ten counties: townships, and one county department
        in five while the counties' departments last."""
        out = []
        used_depts: set[tuple[str, str]] = set()
        i = 0
        while len(out) < n:
            county = _COUNTIES[i % len(_COUNTIES)]
            if i % 5 == 4:
                county = _COUNTIES[(i // 5) % len(_COUNTIES)]
            dept = _DEPARTMENTS[(i // 50) % len(_DEPARTMENTS)]
            if i % 5 == 4 and (county, dept) not in used_depts:
                used_depts.add((county, dept))
                out.append(Agency(f"{county}{dept}", province, city, county, None,
                                  f"{province}{county}行政中心{i % 97 + 1}号", kind="department"))
            else:
                town = _town_name(i) + ("镇" if i % 3 else "乡")
                name = f"{town}人民政府" if i % 2 else town
                out.append(Agency(name, province, city, county, town, f"{province}{county}{town}人民路{i % 97 + 1}号"))
            i += 1
        return out

    # -- one report ----------------------------------------------------------------------------

    def report(self, agency: Agency, year: int, previous: ReportSpec | None = None,
               narrative: list[list[str]] | None = None) -> ReportSpec:
        ed = edition_for_year(year)
        edition = ed.key if ed else "2021"
        tables = self.figures(edition, previous.tables if previous else None,
                              same_edition=previous is not None and previous.edition == edition)
        if narrative is None:
            if previous is not None and self.rng.random() < 0.7:
                narrative = previous.narrative  # last year's text reused, as many agencies do
            else:
                narrative = [self.rng.sample(self.pool, k=min(len(self.pool), k)) for k in (8, 4, 2)]
        return ReportSpec(agency, year, edition, tables, narrative)

    def series(self, agencies: int, years: tuple[int, ...]) -> list[ReportSpec]:
        out = []
        for a in self.agencies(agencies):
            prev = None
            for y in years:
                prev = self.report(a, y, prev)
                out.append(prev)
        return out

    def corrected(self, spec: ReportSpec) -> ReportSpec:
        """A re-submission: same agency and year, one figure corrected (identities still hold)."""
        tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in spec.tables.items()}
        a = tables["active"]
        row = "licensing"
        col = "decisions"
        a[row][col] = int(a[row][col]) + 1
        return ReportSpec(spec.agency, spec.year, spec.edition, tables, spec.narrative, spec.variant + 1)

    def figures(self, edition: str, prev: dict | None, same_edition: bool) -> dict:
        rng = self.rng

        def small(p=0.25, hi=6):
            return rng.randint(1, hi) if rng.random() < p else 0

        cols = [c.key for c in APPLICANT_COLUMNS[:-1]]
        ed = get_edition(edition)
        app_rows = [r.key for r in ed.table("applications").rows]
        outcomes = [k for k in app_rows if k not in NOT_OUTCOMES]
        apps: dict[str, dict[str, int]] = {}
        for k in outcomes:
            weight = 0.5 if k in ("granted", "partially_granted", "unavailable_not_held") else 0.08
            apps[k] = {c: small(weight if c == "natural_person" else weight / 4, 8 if k == "granted" else 3)
                       for c in cols}
        carried_over = {c: int(prev["applications"]["carried_forward"][c]) if prev else small(0.1, 2) for c in cols}
        carried_forward = {c: small(0.1, 2) for c in cols}
        total = {c: sum(apps[k][c] for k in outcomes) for c in cols}
        new = {}
        for c in cols:
            n = total[c] + carried_forward[c] - carried_over[c]
            if n < 0:
                apps["granted"][c] += -n
                total[c] += -n
                n = 0
            new[c] = n
        apps["new_received"] = new
        apps["carried_over"] = carried_over
        apps["total_processed"] = total
        apps["carried_forward"] = carried_forward
        for row in apps.values():
            row["total"] = sum(row[c] for c in cols)
        apps = {k: apps[k] for k in app_rows}

        review = {}
        for g in ("review", "litigation_direct", "litigation_after_review"):
            row = {c.key: small(0.15, 2) for c in REVIEW_COLUMNS[:-1]}
            row["total"] = sum(row.values())
            review[g] = row

        if edition == "2021":
            active: dict[str, dict[str, int | float]] = {}
            for r in ("regulations", "normative_documents"):
                before = int(prev["active"][r]["in_force"]) if prev and same_edition else rng.randint(0, 30)
                issued = small(0.5, 5)
                repealed = min(before, small(0.2, 3))
                active[r] = {"issued": issued, "repealed": repealed, "in_force": before + issued - repealed}
            for r in ("licensing", "penalty", "coercion"):
                base = int(prev["active"][r]["decisions"]) if prev and r in prev.get("active", {}) else rng.randint(0, 200)
                active[r] = {"decisions": max(0, base + rng.randint(-10, 10))}
            active["fees"] = {"amount": round(rng.choice([0, 0, 0, rng.uniform(0, 80)]), 2)}
        else:
            active = {}
            for r in ("regulations", "normative_documents"):
                made = small(0.5, 5)
                active[r] = {"new_made": made, "new_published": made, "total_published": made + rng.randint(0, 20)}
            for r in ("licensing", "other_services", "penalty", "coercion"):
                prev_items = rng.randint(0, 40)
                active[r] = {"prev_items": prev_items, "change": rng.randint(-3, 3) if prev_items else 0,
                             "decisions": rng.randint(0, 200)}
            active["fees"] = {"prev_items": rng.randint(0, 5), "change": 0}
            active["procurement"] = {"items": rng.randint(0, 10), "amount": round(rng.uniform(0, 500), 2)}
        return {"active": active, "applications": apps, "review_litigation": review}


# ---------------------------------------------------------------------------------------------
# rendering


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"
    return str(v)


def _paragraphs(spec: ReportSpec) -> dict[str, list[str]]:
    a = spec.agency
    me = "我镇" if a.kind == "township" and a.township and a.township.endswith("镇") else (
        "我乡" if a.kind == "township" else "本机关")
    short = a.township or a.name

    def adapt(s: str) -> str:
        s = re.sub(r"我(镇|乡|局|委|区|县)", me, s)
        s = re.sub(r"[\u4e00-\u9fff]{2,4}(?:镇|乡)(?=人民政府|政府|党委|党政)", short, s)
        return re.sub(r"20\d\d", str(spec.year), s)

    intro = (f"根据《中华人民共和国政府信息公开条例》的规定，现公布{spec.agency.name}{spec.year}年度政府信息公开工作年度报告。"
             f"报告中所列数据的统计期限自{spec.year}年1月1日起至{spec.year}年12月31日止。"
             f"如对本报告有疑问，请联系{a.county or ''}{a.name}（地址：{a.address}；电话：0795-46{(zlib.crc32(a.name.encode()) % 90000) + 10000}）。")
    one, five, six = spec.narrative
    return {
        "intro": [intro],
        "1": [adapt(s) + "。" for s in one],
        "5": [adapt(s) + "。" for s in five],
        "6": [adapt(s) + "。" for s in six] + [f"{spec.year}年度，{me}未收取政府信息公开信息处理费。"],
    }


def table_rows(spec: ReportSpec) -> dict[str, list[list[str]]]:
    """Each table as printed: lists of cells, labels included."""
    ed = get_edition(spec.edition)
    t = spec.tables
    active_rows: list[list[str]] = []
    caption = None
    for r in ed.table("active").rows:
        if r.caption != caption:
            caption = r.caption
            active_rows.append([caption])
            active_rows.append(["信息内容"] + [c.label for c in r.columns])
        active_rows.append([r.label] + [_fmt(t["active"][r.key][c.key]) for c in r.columns])
    app_rows: list[list[str]] = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["", "自然人", "法人或其他组织", "总计"],
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    group = None
    for r in ed.table("applications").rows:
        values = [_fmt(t["applications"][r.key][c.key]) for c in APPLICANT_COLUMNS]
        if r.group in (None, "三、本年度办理结果"):
            lead = ["三、本年度办理结果"] if r.key == "granted" else ([""] if r.group else [])
            app_rows.append(lead + [r.label] + values)
        else:
            lead = ["", r.group] if r.group != group else ["", ""]
            app_rows.append(lead + [r.label] + values)
        group = r.group
    rl = t["review_litigation"]
    review_rows = [
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
        [_fmt(rl[g][c.key]) for g in ("review", "litigation_direct", "litigation_after_review") for c in REVIEW_COLUMNS],
    ]
    return {"active": active_rows, "applications": app_rows, "review_litigation": review_rows}


def render_text(spec: ReportSpec) -> str:
    paras = _paragraphs(spec)
    tables = table_rows(spec)
    out = [spec.title, ""] + paras["intro"] + ["一、总体情况"] + paras["1"]
    for heading, key in (("二、主动公开政府信息情况", "active"), ("三、收到和处理政府信息公开申请情况", "applications"),
                         ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation")):
        out.append(heading)
        for row in tables[key]:
            out.extend("\t" + c for c in row)
            out.append("")
        out.append("")
    out.append("五、存在的主要问题及改进情况")
    out += paras["5"]
    out.append("六、其他需要报告的事项")
    out += paras["6"]
    out += ["", f"{spec.agency.name}", f"{spec.year + 1}年1月{10 + spec.variant}日", ""]
    return "\n".join(out)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _tbl(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    out = ['<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>']
    out += ['<w:gridCol w:w="1000"/>'] * width
    out.append("</w:tblGrid>")
    for r in rows:
        out.append("<w:tr>")
        for i in range(width):
            text = r[i] if i < len(r) else ""
            span = f'<w:tcPr><w:gridSpan w:val="{width - i}"/></w:tcPr>' if i == len(r) - 1 and len(r) < width else ""
            out.append(f"<w:tc>{span}{_p(text)}</w:tc>")
            if span:
                break
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def render_docx(spec: ReportSpec) -> bytes:
    """A Word document with real tables (written directly as WordprocessingML: fast, no template)."""
    paras = _paragraphs(spec)
    tables = table_rows(spec)
    body = [_p(spec.title)] + [_p(t) for t in paras["intro"]] + [_p("一、总体情况")] + [_p(t) for t in paras["1"]]
    for heading, key in (("二、主动公开政府信息情况", "active"), ("三、收到和处理政府信息公开申请情况", "applications"),
                         ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation")):
        body.append(_p(heading))
        if key == "active":
            # one small table per caption, as the template prints them
            block: list[list[str]] = []
            for row in tables[key]:
                if len(row) == 1 and block:
                    body.append(_tbl(block))
                    block = []
                block.append(row)
            body.append(_tbl(block))
        else:
            body.append(_tbl(tables[key]))
    body.append(_p("五、存在的主要问题及改进情况"))
    body += [_p(t) for t in paras["5"]]
    body.append(_p("六、其他需要报告的事项"))
    body += [_p(t) for t in paras["6"]]
    body += [_p(spec.agency.name), _p(f"{spec.year + 1}年1月{10 + spec.variant}日")]
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
           + "".join(body) + "<w:sectPr/></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


@dataclass(slots=True)
class Written:
    paths: list[Path] = field(default_factory=list)


def write_corpus(folder: Path, n: int, *, seed: int = 0, docx_share: float = 0.3,
                 years: tuple[int, ...] = (2021, 2022, 2023)) -> Written:
    """``n`` reports: agencies × years, text and .docx mixed, in ``folder`` (sub-folders by year).
    Written as generated: memory stays small however many."""
    corpus = Corpus(seed)
    rng = random.Random(seed + 1)
    out = Written()
    for a in corpus.agencies(-(-n // len(years))):
        prev = None
        for y in years:
            if len(out.paths) >= n:
                return out
            prev = corpus.report(a, y, prev)
            fmt = "docx" if rng.random() < docx_share else "text"
            out.paths.append(prev.write(folder / str(y), fmt))
    return out


# ---------------------------------------------------------------------------------------------
# figures written by hand (tests): all zero, then set what matters and rebalance


def zero_figures(edition: str) -> dict:
    ed = get_edition(edition)
    return {t.key: {r.key: {c.key: 0 for c in r.columns} for r in t.rows} for t in ed.tables}


def rebalance(tables: dict, edition: str) -> dict:
    """Make the identities hold again after setting outcome values by hand: each row's 总计, （七）总计,
    一、本年新收 (= （七） + 四 − 二), and table 四's totals."""
    ed = get_edition(edition)
    cols = [c.key for c in APPLICANT_COLUMNS[:-1]]
    apps = tables["applications"]
    outcomes = [r.key for r in ed.table("applications").rows if r.key not in NOT_OUTCOMES]
    for c in cols:
        apps["total_processed"][c] = sum(apps[k][c] for k in outcomes)
        apps["new_received"][c] = apps["total_processed"][c] + apps["carried_forward"][c] - apps["carried_over"][c]
    for row in apps.values():
        row["total"] = sum(row[c] for c in cols)
    for row in tables["review_litigation"].values():
        row["total"] = sum(row[c.key] for c in REVIEW_COLUMNS[:-1])
    return tables


def render_html(spec: ReportSpec) -> str:
    """A web page with real tables, as a government site publishes a report."""
    paras = _paragraphs(spec)
    tables = table_rows(spec)

    def p(t: str) -> str:
        return f"<p>{escape(t)}</p>"

    def table(rows: list[list[str]]) -> str:
        width = max(len(r) for r in rows)
        out = ["<table border='1'>"]
        for r in rows:
            cells = []
            for i, c in enumerate(r):
                span = f" colspan='{width - i}'" if i == len(r) - 1 and len(r) < width else ""
                cells.append(f"<td{span}>{escape(c)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
        return "".join(out)

    body = [f"<h1>{escape(spec.title)}</h1>"] + [p(t) for t in paras["intro"]] + [p("一、总体情况")]
    body += [p(t) for t in paras["1"]]
    for heading, key in (("二、主动公开政府信息情况", "active"), ("三、收到和处理政府信息公开申请情况", "applications"),
                         ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation")):
        body.append(p(heading))
        body.append(table(tables[key]))
    body += [p("五、存在的主要问题及改进情况")] + [p(t) for t in paras["5"]]
    body += [p("六、其他需要报告的事项")] + [p(t) for t in paras["6"]]
    body += [p(spec.agency.name), p(f"{spec.year + 1}年1月{10 + spec.variant}日")]
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + escape(spec.title) + "</title></head><body>"
            + "".join(body) + "</body></html>")
