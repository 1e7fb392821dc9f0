"""The roll-up dashboard (汇总) of a region and year: coverage, summed tables, agencies ranked by findings,
each agency's 考核 score under the store's rule pack (or the default) with its deductions, charts (ECharts,
served from /static/vendor), the Excel workbook.

Honest sums: the reports summed with open errors, each with a button to leave it out (and the ones left out,
to take them back in: web/rollup_choices.py); the statement on the identities; 上年结转 against last year's
roll-up; every summed cell a link to the agencies behind it (/rollup/cell); the region's own report as a
Word draft (/rollup.docx)."""

from __future__ import annotations

import os
import tempfile
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ...checks import SEVERITY_ZH
from ...formats import get_edition, outcome_groups
from ...formats.common import APPLICANT_COLUMNS
from ...formats.figures import FIGURES, RATIOS
from ...regionreport import draft_docx
from ...rollup import UNLISTED, Rollup, choice_text, rollup
from ...scoring import PER_ZH, Pack, PackError, points_text
from ...store import region_clause
from ...store import schema as S
from ...store.decisions import dismissed, open_findings
from ...store.kaohe import score_rollup, store_pack
from ..access import Forbidden
from ..cycle import office_name
from ..deps import Csrf, PageUser, client_ip, render, scope
from ..rollup_choices import CHOOSERS_ONLY, ChoiceError, set_choice
from ..views import tables_view
from .review import content_disposition

router = APIRouter(include_in_schema=False)

TREND_FIGURES = ("new_received", "total_processed", "review", "litigation")
# reports scored as the page opens: each is compared with the store's other reports (copied text, the
# region's sum), some tens of milliseconds apiece; a larger region's scores are worked out when asked for
SCORE_AT_ONCE = 150
REFUSED = "考核得分未计算"  # the roll-up's note when the store's pack cannot be used
CLERKS_REFUSED = "地区汇总只有审核人和管理员可以查看；填报人请在“我的报告”中查看本机关的报告。"
REGION_REFUSED = "您无权查看该地区的汇总：审核人只能查看本人负责审核的地区及其下级地区。"
SEVERITIES = ("error", "warning", "info")


def regions_for(store, user) -> list[str]:
    """Regions to offer: the user's own, and the places under it that agencies are in."""
    sc = scope(user)
    a = S.agencies.c
    q = select(a.province, a.city, a.county).distinct()
    base = sc.default_region()
    if base:
        q = q.where(region_clause(base))
    elif not user.is_admin:
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    out: list[str] = [base] if base else []
    for province, city, county in rows:
        for path in (province, "/".join(p for p in (province, city) if p),
                     "/".join(p for p in (province, city, county) if p), county):
            if path and path not in out and sc.allows_region(path):
                out.append(path)
    return out


def years_for(store, region: str) -> list[int]:
    r = S.reports.c
    with store.engine.connect() as conn:
        return sorted(y for y in conn.execute(select(r.year).distinct().select_from(
            S.reports.join(S.agencies, S.reports.c.agency_id == S.agencies.c.id)).where(
            r.current, r.year.is_not(None), region_clause(region))).scalars())


def open_counts(store, ru: Rollup) -> dict[int, dict[str, int]]:
    """Each line's open findings by severity (report id → counts): a finding a reviewer dismissed with a
    reason does not count, as on every other page (store/decisions.py); only a report with a dismissal
    has its findings read."""
    gone = dismissed(store.engine, [ln.report_id for ln in ru.lines])
    out = {}
    for ln in ru.lines:
        if ln.report_id in gone:
            left = open_findings(store, ln.report_id, gone=gone[ln.report_id])
            out[ln.report_id] = {s: sum(1 for f in left if f["severity"] == s) for s in SEVERITIES}
        else:
            out[ln.report_id] = {s: ln.findings.get(s, 0) for s in SEVERITIES}
    return out


def ranking(ru: Rollup, counts: dict[int, dict[str, int]]) -> list[tuple[Any, dict[str, int]]]:
    """The lines with their open counts, most errors (then warnings, infos) first."""
    return sorted(((ln, counts[ln.report_id]) for ln in ru.lines),
                  key=lambda p: (-p[1]["error"], -p[1]["warning"], -p[1]["info"], p[0].name))


def charts(store, ru: Rollup, region: str, years: list[int], ranked: list[tuple[Any, dict[str, int]]]
           ) -> dict[str, Any]:
    apps = ru.totals.get("applications", {})
    groups = outcome_groups(ru.edition.table("applications").rows)
    outcome = [{"name": name, "value": sum(apps.get(r, {}).get("total") or 0 for r in rows)}
               for name, rows in groups.items()]
    applicants = [{"name": c.label, "value": (apps.get("new_received", {}).get(c.key) or 0)}
                  for c in APPLICANT_COLUMNS if c.key != "total"]
    trend: dict[str, Any] = {"years": [], "series": []}
    names = {f.key: f.name for f in FIGURES}
    recent = years[-6:]
    per_year = {}
    for y in recent:
        per_year[y] = ru if y == ru.year else rollup(store, region, y, cross_year=False)
    trend["years"] = recent
    for key in TREND_FIGURES:
        trend["series"].append({"name": names[key], "data": [per_year[y].figures.get(key) for y in recent]})
    trend["coverage"] = [len(per_year[y].lines) for y in recent]
    return {"outcome": outcome, "applicants": applicants, "trend": trend,
            "ranking": [{"name": ln.name, **n} for ln, n in ranked[:15]]}


def office_pack(store) -> tuple[Pack | None, str | None]:
    """The pack the office scores with (the store's own, else the default), or why there is none."""
    try:
        return store_pack(store), None
    except PackError as exc:
        return None, f"{REFUSED}：{exc.zh}（请管理员恢复默认的考核规则包）"


def score_view(ru: Rollup) -> list[dict[str, Any]]:
    """Each scored agency, best first, with its items and every deduction as the page shows them."""
    scored = [(ln, ln.score) for ln in ru.lines if ln.score is not None]
    out = []
    for ln, s in sorted(scored, key=lambda p: (-p[1].total, p[0].name)):
        items = [{"name": it.name, "deducted": points_text(it.deducted) if it.deducted else "",
                  "capped": (f"本项合计 {points_text(it.listed)} 分，超过本项最多扣分，按 {points_text(it.cap)} 分计"
                             if it.capped else None),
                  "deductions": [{"points": points_text(d.points), "per": PER_ZH[d.per], "findings": d.findings,
                                  # the pack's note, unless it only repeats the rule's title
                                  "note": d.note if d.note not in {f.title for f in d.findings} else None}
                                 for d in it.deductions]}
                 for it in s.items]
        out.append({"line": ln, "total": points_text(s.total), "deducted": points_text(s.deducted), "items": items,
                    "count": len(s.deductions), "dismissed": s.dismissed})
    return out


def open_rollup(request: Request, user, region: str | None, year: int | None, scores: bool | None = None):
    """The region and year asked for (or the user's default), its roll-up and the years it has reports for;
    the lines scored under the office's pack when ``scores`` (None: when there are few enough)."""
    store = request.app.state.store
    sc = scope(user)
    region = (region or sc.default_region() or "").strip()
    if not region:
        return None, None, []
    if not sc.allows_region(region, store):
        raise Forbidden(region, REGION_REFUSED)
    years = years_for(store, region)
    if year is None:
        year = years[-1] if years else None
    if year is None:
        return region, None, years
    ru = rollup(store, region, year)
    if scores or (scores is None and len(ru.lines) <= SCORE_AT_ONCE):
        pack, why = office_pack(store)
        if pack is None:
            ru.notes.append(why or "")
        else:
            score_rollup(store, ru, pack)
    return region, ru, years


@router.get("/rollup")
def rollup_page(request: Request, region: str | None = None, year: int | None = None, scores: bool = False,
                user=PageUser):
    store = request.app.state.store
    if user.role == "submitter":
        raise Forbidden("rollup", CLERKS_REFUSED)
    region, ru, years = open_rollup(request, user, region, year, scores or None)
    ctx: dict[str, Any] = {"nav": "rollup", "region": region, "years": years, "regions": regions_for(store, user),
                           "ru": ru, "year": ru.year if ru else year}
    if ru is not None:
        findings = [{**f.to_json(), "index": i, "severity_zh": SEVERITY_ZH[f.severity]} for i, f in enumerate(ru.findings)]
        tables = tables_view(ru.report, findings, ru.edition.key)
        for t in tables:  # the summed value itself, for the page to print with separators
            for row in t["rows"]:
                for c in row:
                    if c["ref"]:
                        tk, rk, ck = c["ref"].split(".")
                        c["value"] = ru.totals[tk][rk][ck]
        ranked = ranking(ru, open_counts(store, ru))
        ctx.update({
            "tables": tables, "findings": findings, "unlisted": UNLISTED,
            "figures": [(f.name, ru.figures.get(f.key)) for f in FIGURES],
            "ratios": [(r.short, ru.ratios.get(r.key), r.how) for r in RATIOS],
            "charts": charts(store, ru, region, years, ranked),
            "ranked": ranked,
            "scores": score_view(ru),
            "score_of": {ln.report_id: points_text(ln.score.total) for ln in ru.lines if ln.score is not None},
            "full_marks": points_text(ru.pack.full_marks) if ru.pack else None,
            "pack_refused": any(n.startswith(REFUSED) for n in ru.notes),
            "excluded": [(ln, choice_text(ln)) for ln in ru.excluded],
            "can_choose": user.can_decide,
        })
        if ru.known == 0:
            ctx["empty"] = True
    return render(request, "rollup.html", ctx)


def workbook(ru: Rollup) -> bytes:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        ru.to_xlsx(path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/rollup.xlsx")
def rollup_xlsx(request: Request, region: str | None = None, year: int | None = None, user=PageUser):
    if user.role == "submitter":
        raise Forbidden("rollup", CLERKS_REFUSED)
    region, ru, _ = open_rollup(request, user, region, year, scores=True)  # a download has every score
    if ru is None:
        raise HTTPException(404, "该地区没有可汇总的报告")
    name = f"{region.replace('/', '')}{ru.year}年度政府信息公开工作年度报告汇总.xlsx"
    return Response(workbook(ru), media_type=XLSX, headers={"Content-Disposition": content_disposition(name)})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/rollup.docx")
def rollup_docx(request: Request, region: str | None = None, year: int | None = None, user=PageUser):
    """The region's own annual report as a Word draft: the summed tables, the facts, 【】 where the office writes."""
    if user.role == "submitter":
        raise Forbidden("rollup", CLERKS_REFUSED)
    region, ru, _ = open_rollup(request, user, region, year, scores=False)
    if ru is None:
        raise HTTPException(404, "该地区没有可汇总的报告")
    data = draft_docx(ru, office_name(request.app.state.store, region))
    name = f"{ru.year}年{region.split('/')[-1]}政府信息公开工作年度报告（草稿）.docx"
    return Response(data, media_type=DOCX, headers={"Content-Disposition": content_disposition(name)})


@router.post("/rollup/choice", dependencies=[Csrf])
def rollup_choice(request: Request, region: str = Form(...), year: int = Form(...), agency_id: int = Form(...),
                  action: str = Form(...), reason: str = Form(""), user=PageUser):
    """Leave an agency's report out of the sums (``action`` exclude) or take it back in (include). A role
    that may not choose is told who may (403); an agency outside the user's region is not found, as one that
    does not exist (404)."""
    if action not in ("exclude", "include"):
        raise HTTPException(422, "操作应为“不计入”或“计入”")
    store = request.app.state.store
    if not user.can_decide:
        raise Forbidden("rollup", CHOOSERS_ONLY)
    scope(user).agency(store, agency_id)  # NotFound alike for another's and for none
    if not scope(user).allows_region(region, store):
        raise Forbidden(region, REGION_REFUSED)
    try:
        set_choice(store, user, agency_id, year, action == "exclude", reason, client_ip(request))
    except ChoiceError as exc:
        if exc.status == 403:
            raise Forbidden(agency_id, exc.zh) from exc
        raise HTTPException(exc.status, exc.zh) from exc
    return RedirectResponse(f"/rollup?region={quote(region)}&year={year}#choices", status_code=303)


@router.get("/rollup/cell")
def rollup_cell(request: Request, ref: str, region: str | None = None, year: int | None = None, user=PageUser):
    """The agencies behind one summed cell: each with its value and a link to its report."""
    if user.role == "submitter":
        raise Forbidden("rollup", CLERKS_REFUSED)
    region, ru, _ = open_rollup(request, user, region, year, scores=False)
    if ru is None:
        raise HTTPException(404, "该地区没有可汇总的报告")
    ed = get_edition(ru.edition.key)
    try:
        label = ed.cell_label(ref)
        t, r, c = ref.split(".")
        total = ru.totals[t][r][c]
    except (KeyError, ValueError, StopIteration) as exc:
        raise HTTPException(404, "找不到该单元格") from exc
    rows = ru.behind(ref)
    summed = [(ln, v) for ln, v in rows if ln.included]
    return render(request, "rollup_cell.html", {
        "nav": "rollup", "region": region, "ru": ru, "ref": ref, "label": label, "total": total,
        "summed": [(ln, v) for ln, v in summed if v], "zero": [(ln, v) for ln, v in summed if v == 0],
        "blank": [ln for ln, v in summed if v is None],
        "left_out": [(ln, v) for ln, v in rows if ln.excluded]})
