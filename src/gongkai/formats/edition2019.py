"""The 2019 edition (试行, 国办公开办函〔2019〕60号), used for the 2019 and 2020 reports."""

from __future__ import annotations

from .base import Column, Edition, RowDef
from .common import (
    APPLICATION_HEADERS,
    APPLICATION_ROWS_HEAD,
    APPLICATION_ROWS_TAIL,
    RESULTS,
    REVIEW_LITIGATION,
    SECTIONS,
    _r,
    application_identities,
    table,
)

_DOCS = (
    Column("new_made", "本年新制作数量"),
    Column("new_published", "本年新公开数量"),
    Column("total_published", "对外公开总数量"),
)
_ITEMS = (
    Column("prev_items", "上一年项目数量"),
    Column("change", "本年增/减", variants=("本年增减", "本年增加/减少"), kind="signed"),
    Column("decisions", "处理决定数量"),
)
_FEE_ITEMS = _ITEMS[:2]
_PROCUREMENT = (
    Column("items", "采购项目数量"),
    Column("amount", "采购总金额", variants=("采购总金额（单位：万元，保留4位小数）", "采购总金额（万元）"), kind="amount"),
)

ACTIVE = table(
    "active",
    rows=(
        RowDef("regulations", "规章", _DOCS, caption="第二十条第（一）项"),
        RowDef("normative_documents", "规范性文件", _DOCS, caption="第二十条第（一）项"),
        RowDef("licensing", "行政许可", _ITEMS, caption="第二十条第（五）项"),
        RowDef("other_services", "其他对外管理服务事项", _ITEMS, caption="第二十条第（五）项"),
        RowDef("penalty", "行政处罚", _ITEMS, caption="第二十条第（六）项"),
        RowDef("coercion", "行政强制", _ITEMS, caption="第二十条第（六）项"),
        RowDef("fees", "行政事业性收费", _FEE_ITEMS, caption="第二十条第（八）项"),
        RowDef("procurement", "政府集中采购", _PROCUREMENT, caption="第二十条第（九）项"),
    ),
    headers=(
        "信息内容",
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
        "第二十条第（九）项",
    )
    + tuple(c.label for c in _DOCS + _ITEMS + _PROCUREMENT),
    header_variants=("采购总金额（单位：万元，保留4位小数）", "采购总金额（万元）", "采购总金额（元）", "本年增减"),
)

APPLICATION_ROWS = APPLICATION_ROWS_HEAD + (_r("other", "（六）其他处理", RESULTS, "（六）其他处理"),) + APPLICATION_ROWS_TAIL

APPLICATIONS = table(
    "applications",
    rows=APPLICATION_ROWS,
    headers=APPLICATION_HEADERS,
)

EDITION = Edition(
    key="2019",
    name="2019年版格式（试行）",
    document="国办公开办函〔2019〕60号",
    first_year=2019,
    last_year=2020,
    sections=SECTIONS,
    tables=(ACTIVE, APPLICATIONS, REVIEW_LITIGATION),
    identities=application_identities(APPLICATION_ROWS),
)
