"""GK1xx: the format itself: edition, tables, rows, sections, labels, title."""

from __future__ import annotations

from ..extract.sections import misspellings, role_of, section_role
from ..formats import EDITIONS, TABLE_NAMES, edition_for_year
from ..formats.common import SECTIONS
from .base import rule

_SECTION_TITLES = {s.number: s.title for s in SECTIONS}
_CN = "零一二三四五六七八九十"


@rule(
    "GK101", "outdated-edition", "error",
    title="2021年度及以后的报告使用了已停用的2019年版格式",
    what="报告年度为2021年或以后，而表格的行列标签属于2019年版格式（如“本年新制作数量”“上一年项目数量”“政府集中采购”）。",
    why="国办公开办函〔2021〕30号自2021年度报告起统一使用新格式；沿用旧表会漏报（六）其他处理的三个细项、"
        "本年制发/废止/现行有效件数等内容，汇总时也无法与其他机关对齐。",
    example="2023年度报告的表二仍有“第二十条第（九）项 政府集中采购”一栏。",
)
def outdated_edition(report, ctx):
    if report.year and report.edition == "2019" and report.year >= EDITIONS["2021"].first_year:
        yield outdated_edition.finding(
            f"本报告为{report.year}年度报告，表格却使用已停用的2019年版格式（{EDITIONS['2019'].document}）；"
            f"{EDITIONS['2021'].first_year}年度起应使用2021年版格式（{EDITIONS['2021'].document}）",
            expected="2021", actual="2019", at=report.table_at.get("active") or report.table_at.get("applications"),
        )


@rule(
    "GK102", "edition-before-issue", "warning",
    title="2020年度及以前的报告使用了2021年版格式",
    what="报告年度在2021年版格式发布之前（2020年度及以前），表格却是2021年版格式。",
    why="2019、2020年度报告应使用2019年版格式；出现新格式通常说明年度写错，或报告是后来重写的。",
    example="标题写“2020年度”，表三却有“（六）其他处理 1.申请人无正当理由逾期不补正……”。",
)
def edition_before_issue(report, ctx):
    if report.year and report.edition == "2021" and report.year < EDITIONS["2021"].first_year:
        yield edition_before_issue.finding(
            f"本报告为{report.year}年度报告，表格却是2021年版格式；{report.year}年度报告应使用2019年版格式，请核对报告年度",
            expected="2019", actual="2021", at=report.title_at,
        )


@rule(
    "GK103", "mixed-editions", "warning",
    title="各表格式版本不一致",
    what="表二、表三分别属于不同版本的格式（例如表二是2019年版、表三是2021年版）。",
    why="拼接新旧表格往往是复制旧报告时只改了一部分，数据口径可能不一致。",
    example="表二为“本年新制作数量”（2019年版），表三却有（六）的三个细项（2021年版）。",
)
def mixed_editions(report, ctx):
    eds = {t: e for t, e in report.table_editions.items() if t != "review_litigation"}
    if len(set(eds.values())) > 1:
        detail = "，".join(f"{TABLE_NAMES[t]}为{e}年版" for t, e in eds.items())
        yield mixed_editions.finding(f"各表格式版本不一致：{detail}", actual=eds)


@rule(
    "GK110", "missing-table", "error",
    title="缺少统计表",
    what="报告中找不到表二（主动公开）、表三（依申请公开）或表四（行政复议、行政诉讼）之一。",
    why="三张表是年度报告格式规定的必备内容，缺表无法审核和汇总。",
    example="报告只有文字，第三部分没有“收到和处理政府信息公开申请情况”表。",
)
def missing_table(report, ctx):
    for key, name in TABLE_NAMES.items():
        if key not in report.tables:
            yield missing_table.finding(f"未找到{name}，请按格式要求补充该表", cells=[key], expected=key)


@rule(
    "GK111", "missing-row", "error",
    title="表格缺少规定的行",
    what="表格存在，但缺少该版本格式规定的某一行（例如（六）其他处理的“3.其他”）。",
    why="漏行会使（七）总计与各项之和对不上，也无法知道该项是0还是漏报。",
    example="2021年版表三的（六）其他处理只有1、2两项，没有“3.其他”。",
)
def missing_row(report, ctx):
    ed = ctx.edition
    if ed is None:
        return
    for t in ed.tables:
        rows = report.tables.get(t.key)
        if rows is None:
            continue
        for r in t.rows:
            if r.key not in rows:
                yield missing_row.finding(
                    f"{TABLE_NAMES[t.key]}缺少“{r.label}”一行（{ed.name}规定应有此行）",
                    cells=[f"{t.key}.{r.key}"], expected=r.label, at=report.table_at.get(t.key),
                )


@rule(
    "GK112", "extra-row", "warning",
    title="表格中出现本版本格式没有的行",
    what="表格中出现了另一版本格式才有的行，例如2021年版表三中只有一行“（六）其他处理”而没有三个细项。",
    why="新旧格式混用时，数据无法按统一口径汇总。",
    example="2021年版表三中（六）其他处理一行直接填数，没有分1、2、3三项。",
)
def extra_row(report, ctx):
    ed = ctx.edition
    for table, row, at in report.extra_rows:
        label = _label_anywhere(table, row)
        yield extra_row.finding(
            f"{TABLE_NAMES[table]}中的“{label}”一行不属于{ed.name if ed else '当前格式'}",
            cells=[f"{table}.{row}"], actual=label, at=at,
        )


def _label_anywhere(table: str, row: str) -> str:
    for ed in EDITIONS.values():
        for r in ed.table(table).rows:
            if r.key == row:
                return r.label
    return row


def _roles(report):
    return [(s, role_of(s.title, s.number)) for s in report.sections]


@rule(
    "GK113", "missing-section", "error",
    title="缺少规定的部分",
    what="六个部分（总体情况、主动公开、收到和处理申请、行政复议和行政诉讼、存在的主要问题及改进情况、其他需要报告的事项）中有未找到的。",
    why="《政府信息公开条例》第五十条规定了年度报告必须包含的内容，缺少部分即内容不全。",
    example="报告写完“四、政府信息公开行政复议、行政诉讼情况”就结束了，没有第五、六部分。",
)
def missing_section(report, ctx):
    if not report.sections:
        yield missing_section.finding("未识别到任何部分标题（如“一、总体情况”），请按格式分六个部分撰写", expected=list(_SECTION_TITLES.values()))
        return
    present = {role for _, role in _roles(report) if role}
    for num, title in _SECTION_TITLES.items():
        if num not in present:
            yield missing_section.finding(
                f"未找到“{_CN[num]}、{title}”部分", expected=f"{_CN[num]}、{title}",
            )


@rule(
    "GK114", "section-order", "warning",
    title="部分顺序与格式不符",
    what="各部分出现的先后顺序与格式规定的一至六顺序不一致。",
    why="统一的顺序便于公众查阅和审核比对。",
    example="“存在的主要问题及改进情况”写在“收到和处理政府信息公开申请情况”之前。",
)
def section_order(report, ctx):
    last = 0
    for s, role in _roles(report):
        if role is None:
            continue
        if role < last:
            yield section_order.finding(
                f"“{s.heading or s.title}”按格式应为第{_CN[role]}部分，却排在“{_SECTION_TITLES[last]}”"
                f"（第{_CN[last]}部分）之后，顺序与格式不符",
                expected=role, actual=s.number, at=s.at,
            )
        last = max(last, role)


@rule(
    "GK115", "label-typo", "warning",
    title="表格标签与规定文字不符",
    what="表格某一行的标签文字与格式规定的文字不一致（错字、漏字、多字），但能认出是哪一行。",
    why="标签是格式的一部分，改动标签容易造成误读；错字也影响报告的严肃性。",
    example="“4.无正当理由由大量反复申请”（多了一个“由”），规定为“4.无正当理由大量反复申请”。",
)
def label_typo(report, ctx):
    for seen in report.labels:
        if not seen.known_variant:
            yield label_typo.finding(
                f"{TABLE_NAMES[seen.table]}的行标签“{seen.printed}”与规定文字“{seen.official}”不一致",
                cells=[f"{seen.table}.{seen.row}"], expected=seen.official, actual=seen.printed, at=seen.at,
            )


@rule(
    "GK116", "label-variant", "info",
    title="表格标签使用了常见的非规范写法",
    what="行标签用了实际报告中常见、但与当前格式规定不同的写法，例如2021年版中写“规范性文件”而非“行政规范性文件”。",
    why="不影响读数，但按现行格式应使用规定文字。",
    example="2021年版表二写“规范性文件”，规定为“行政规范性文件”。",
)
def label_variant(report, ctx):
    for seen in report.labels:
        if seen.known_variant:
            yield label_variant.finding(
                f"{TABLE_NAMES[seen.table]}的行标签写作“{seen.printed}”，现行格式规定为“{seen.official}”",
                cells=[f"{seen.table}.{seen.row}"], expected=seen.official, actual=seen.printed, at=seen.at,
            )


@rule(
    "GK117", "section-numbering", "info",
    title="部分标题序号不规范",
    what="部分标题用阿拉伯数字编号（如“5、”），而不是格式中的汉字序号（“五、”）。",
    why="公文层次序号第一层用“一、”；混用会让读者分不清层级。",
    example="“5、 存在的主要问题及改进情况”。",
)
def section_numbering(report, ctx):
    for s in report.sections:
        head = s.heading.strip()
        if head[:1].isdigit():
            yield section_numbering.finding(
                f"标题“{head}”的序号应写作“{_CN[s.number] if s.number <= 10 else s.number}、”",
                expected=f"{_CN[s.number] if s.number <= 10 else s.number}、", actual=head, at=s.at,
            )


@rule(
    "GK118", "title", "warning",
    title="报告标题、年度或机关名称缺失或不规范",
    what="找不到标题，或从标题中读不出年度或机关名称（警告）；标题不是“XXXX年XX政府信息公开工作年度报告”的形式（提示）。",
    why="标题表明报告主体和年度，是汇总归档的依据。",
    example="标题写成“丰收乡2023年政务公开工作总结”。",
)
def title_rule(report, ctx):
    if not report.title:
        yield title_rule.finding("未找到报告标题（应为“XXXX年XX政府信息公开工作年度报告”）")
        return
    if report.year is None:
        yield title_rule.finding(f"无法从标题“{report.title}”中读出报告年度", at=report.title_at)
    if not report.agency:
        yield title_rule.finding(f"无法从标题“{report.title}”中读出机关名称", at=report.title_at)
    if "信息公开工作年度报告" not in report.title.replace(" ", ""):
        expected = f"{report.year or 'XXXX'}年{report.agency or 'XX'}政府信息公开工作年度报告"
        yield title_rule.finding(
            f"标题“{report.title}”不规范，建议写作“{expected}”",
            expected=expected, actual=report.title, at=report.title_at, severity="info",
        )


@rule(
    "GK119", "heading-typo", "warning",
    title="部分标题有错字",
    what="六个部分的标题中，格式规定的词语错了一个字（多字、漏字、错字或两字颠倒），如“行政复议”写成“行政法复议”；"
         "仍按编号和文字认出是哪一部分，不算缺少该部分。整词增删或换一种说法（如“的”“工作”）不算错字。",
    why="标题是格式的一部分，错字影响报告的严肃性，也会让按标题检索、汇总的系统找不到这一部分。",
    example="“四、政府信息公开行政法复议、行政诉讼情况”，规定为“四、政府信息公开行政复议、行政诉讼情况”。",
)
def heading_typo(report, ctx):
    for s, role in _roles(report):
        if role is None:
            continue
        slips = misspellings(s.title, role)
        official = f"{_CN[role]}、{_SECTION_TITLES[role]}"
        if slips:
            detail = "，".join(f"“{printed}”应为“{term}”" for printed, term in slips)
            yield heading_typo.finding(
                f"标题“{s.heading or s.title}”有错字：{detail}（规定标题为“{official}”）",
                expected=[term for _, term in slips], actual=[printed for printed, _ in slips], at=s.at,
            )
        elif section_role(s.title) is None and role_of(s.title, s.number) == role:
            yield heading_typo.finding(
                f"标题“{s.heading or s.title}”与规定标题“{official}”不一致，按编号和文字认作第{_CN[role]}部分",
                expected=official, actual=s.heading or s.title, at=s.at,
            )


def required_edition(year):
    return edition_for_year(year)
