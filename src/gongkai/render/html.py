"""HTML for publishing on a web site: one self-contained page.

Semantic markup — ``<article>``, ``<h1>``, one ``<section>`` per part, ``<table>`` with
``<caption>``, ``<thead>``, ``<tbody>`` and ``<th scope>`` — and the official merges as
``colspan``/``rowspan``. A section that holds a table has its heading as the table's caption
(the table *is* that section), its text after the table. All styling is inline (``style``
attributes, which survive being pasted into a site's editor), nothing is loaded from elsewhere,
and every piece of text is escaped.
"""

from __future__ import annotations

from html import escape

from ..formats.layout import Grid, grid
from . import Prepared

_PAGE = "margin:0;padding:24px 12px;background:#fff;color:#000"
_ARTICLE = ("max-width:820px;margin:0 auto;font-family:'FangSong','仿宋_GB2312','仿宋','STFangsong',serif;"
            "font-size:16pt;line-height:1.8")
_H1 = ("font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S','SimSun','宋体',serif;font-size:22pt;font-weight:normal;"
       "text-align:center;line-height:1.5;margin:0 0 1em")
_H2 = "font-family:'SimHei','黑体',sans-serif;font-size:16pt;font-weight:normal;margin:0.6em 0 0.3em;text-indent:2em"
_CAPTION = "caption-side:top;text-align:left;padding:0"
_P = "margin:0;text-indent:2em;text-align:justify"
_TABLE = ("border-collapse:collapse;width:100%;margin:0.4em 0 0.8em;font-family:'SimSun','宋体',serif;"
          "font-size:10.5pt;line-height:1.4;table-layout:fixed")
_CELL = "border:1px solid #000;padding:3px 4px;vertical-align:middle;text-align:center;font-weight:normal"
_LABEL = _CELL + ";text-align:left"
_BLOCK = _CELL + ";text-align:left;background:#c6d9f1"
_SIGN = "margin:0;text-align:right;padding-right:4em"


def _e(text: str) -> str:
    return escape(text, quote=True)


def render(p: Prepared) -> bytes:
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="gongkai">',
        f"<title>{_e(p.title)}</title>",
        "</head>",
        f'<body style="{_PAGE}">',
        f'<article style="{_ARTICLE}">',
        f'<h1 style="{_H1}">{_e(p.title)}</h1>',
    ]
    for part in p.parts:
        out.append("<section>")
        if part.table:
            out.append(_table(p, grid(p.edition.key, part.table), part.heading))
        else:
            out.append(f'<h2 style="{_H2}">{_e(part.heading)}</h2>')
        for text in part.paragraphs:
            out.append(f'<p style="{_P}">{_e(text)}</p>')
        out.append("</section>")
    # the signature: plain paragraphs (site readers, gongkai's too, skip <footer> as page furniture)
    if p.signer or p.date_text:
        out.append('<div style="margin-top:2em">')
        if p.signer:
            out.append(f'<p style="{_SIGN}">{_e(p.signer)}</p>')
        date = p.report.date
        if p.date_text and date is not None:
            out.append(f'<p style="{_SIGN}"><time datetime="{date.isoformat()}">{_e(p.date_text)}</time></p>')
        out.append("</div>")
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _table(p: Prepared, g: Grid, heading: str) -> str:
    total = sum(g.widths)
    lines = [f'<table style="{_TABLE}">', f'<caption style="{_CAPTION}"><h2 style="{_H2}">{_e(heading)}</h2></caption>',
             "<colgroup>"]
    lines += [f'<col style="width:{100 * w / total:.2f}%">' for w in g.widths]
    lines.append("</colgroup>")
    rows = g.rows()
    lines.append("<thead>")
    for r, cells in enumerate(rows):
        if r == g.head_rows:
            lines.append("</thead>")
            lines.append("<tbody>")
        elif r > g.head_rows and r in g.caption_rows:
            lines.append("</tbody>")
            lines.append("<tbody>")
        lines.append("<tr>" + "".join(_cell(p, g, c) for c in cells) + "</tr>")
    lines.append("</tbody>" if g.nrows > g.head_rows else "</thead>")
    lines.append("</table>")
    return "\n".join(lines)


def _cell(p: Prepared, g: Grid, c) -> str:
    span = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
    if c.ref:
        return f'<td{span} style="{_CELL}">{_e(p.text(c.ref))}</td>'
    if c.kind == "caption":
        return f'<th{span} scope="colgroup" style="{_BLOCK}">{_e(c.text)}</th>'
    if c.kind in ("label", "group"):
        scope = "rowgroup" if c.kind == "group" else "row"
        return f'<th{span} scope="{scope}" style="{_LABEL}">{_e(c.text)}</th>'
    scope = "colgroup" if c.colspan > 1 else "col"
    if c.kind == "corner":
        return f'<td{span} style="{_LABEL}">{_e(c.text)}</td>'
    return f'<th{span} scope="{scope}" style="{_CELL}">{_e(c.text)}</th>'
