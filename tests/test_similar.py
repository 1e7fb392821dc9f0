"""Near-duplicate narratives (内容雷同): MinHash sketches stored with the reports, LSH bands queried
instead of all pairs, similarity figures and the shared passages."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from sqlalchemy import func, select

from gongkai import similar as sim
from gongkai.store import schema as S
from gongkai.store import similar as ssim

from conftest import SEEDS
from synth import Corpus, sentence_pool
from test_store_support import store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

TEXT = ("本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
        "进一步加强组织领导，明确责任分工，细化分解任务，全面推进组织建设、平台建设、制度建设。"
        "2023年共发布政府信息208条，其中政策文件8条。")


def test_fold_ignores_numbers_spaces_and_punctuation():
    assert sim.fold("2023年，共 208 条。") == sim.fold("2024年共19条")
    a, b = sim.shingle_hashes(TEXT), sim.shingle_hashes(TEXT.replace("2023", "2024").replace("208", "311"))
    assert np.array_equal(a, b)
    assert sim.shingle_hashes(TEXT).dtype == np.uint32


def test_signature_is_stable_and_estimates_jaccard():
    s1, s2 = sim.sketch(TEXT), sim.sketch(TEXT)
    assert s1.signature == s2.signature and len(s1.signature) == sim.NUM_PERM * 4
    assert len(s1.bands) == sim.BANDS and s1.bands == s2.bands
    pool = sentence_pool()
    a = "。".join(pool[:12])
    b = "。".join(pool[:9] + pool[20:23])  # three of twelve sentences changed
    c = "。".join(pool[30:42])
    exact_ab, exact_ac = sim.jaccard(a, b), sim.jaccard(a, c)
    assert exact_ab > 0.5 > 0.1 > exact_ac
    assert abs(sim.estimate(sim.sketch(a).signature, sim.sketch(b).signature) - exact_ab) < 0.15
    assert sim.sketch("太短了") is None


def test_shared_passages_are_printed_text():
    other = "前言不同。" + TEXT.replace("2023", "2024") + "结尾也不同。"
    passages = sim.shared_passages(TEXT, other)
    assert passages and passages[0].startswith("本机关认真贯彻落实")
    assert "2023" in passages[0]  # as printed in the report asked about


def _plant(tmp_path):
    """Twelve agencies with their own text, one that copies another's, one that reuses its last year."""
    c = Corpus(51)
    ags = c.agencies(14)
    specs = [c.report(a, 2023) for a in ags[:12]]
    copier = c.report(ags[12], 2023, narrative=specs[3].narrative)  # another agency's text copied
    reuse_22 = c.report(ags[13], 2022)
    reuse_23 = c.report(ags[13], 2023, reuse_22, narrative=reuse_22.narrative)  # last year's text, new numbers
    for i, s in enumerate(specs + [copier, reuse_22, reuse_23]):
        write_text(tmp_path, f"{i:02d}-{s.stem}.txt", s)
    return specs, copier, reuse_22, reuse_23


def test_similar_finds_copies_and_reuse(store, tmp_path):
    specs, copier, r22, r23 = _plant(tmp_path)
    store.ingest([str(tmp_path)], jobs=1)
    rows = {(r.agency_printed, r.year): r for r in store.reports()}
    copied = rows[(specs[3].agency.name, 2023)]
    copy = rows[(copier.agency.name, 2023)]
    matches = ssim.similar(store, ssim.query_for_report(store, copy.id))
    assert [m.report_id for m in matches] == [copied.id]
    m = matches[0]
    assert m.relation == "other-agency" and m.similarity > 0.8 and m.passages
    assert len(m.passages[0]) >= 20
    later = rows[(r23.agency.name, 2023)]
    (m,) = ssim.similar(store, ssim.query_for_report(store, later.id))
    assert m.report_id == rows[(r22.agency.name, 2022)].id and m.relation == "same-agency"
    # an agency with its own text has no near duplicate
    assert ssim.similar(store, ssim.query_for_report(store, rows[(specs[0].agency.name, 2023)].id)) == []
    # every planted pair, and only those, from the band buckets
    pairs = {(x, y) for x, y, _ in ssim.similar_pairs(store)}
    assert pairs == {tuple(sorted((copy.id, copied.id))), tuple(sorted((later.id, m.report_id)))}


def test_signatures_and_bands_are_stored(store, tmp_path):
    for p in SEEDS:
        (tmp_path / p.name).write_bytes(p.read_bytes())
    store.ingest([str(tmp_path)], jobs=1)
    with store.engine.connect() as conn:
        n_sig = conn.execute(select(func.count()).select_from(S.text_signatures)).scalar()
        n_bands = conn.execute(select(func.count()).select_from(S.text_bands)).scalar()
        sig = conn.execute(select(S.text_signatures.c.signature)).scalars().first()
    assert n_sig == 5 and n_bands == 5 * sim.BANDS and len(bytes(sig)) == sim.NUM_PERM * 4


def test_query_touches_only_band_candidates(store, tmp_path, monkeypatch):
    """The query reads signatures of the reports sharing a band, not of every stored report."""
    _, copier, *_ = _plant(tmp_path)
    store.ingest([str(tmp_path)], jobs=1)
    calls = []
    real = sim.estimate
    monkeypatch.setattr(sim, "estimate", lambda a, b: calls.append(1) or real(a, b))
    copy = next(r for r in store.reports() if r.agency_printed == copier.agency.name)
    ssim.similar(store, ssim.query_for_report(store, copy.id))
    assert 1 <= len(calls) < 4  # of 15 stored


def test_cli_similar(tmp_path):
    specs, copier, *_ = _plant(tmp_path / "in")
    db = str(tmp_path / "s.sqlite3")
    subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", "-q", "--db", db, str(tmp_path / "in")],
                   check=True, capture_output=True, timeout=120)
    # a file not in the store: read, sketched, compared
    probe = tmp_path / "probe.txt"
    c = Corpus(99)
    stranger = c.report(c.agencies(40)[-1], 2024, narrative=specs[5].narrative)
    probe.write_text(stranger.text(), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "similar", str(probe), "--db", db, "--json"],
                         capture_output=True, text=True, timeout=60, check=False)
    data = json.loads(out.stdout)
    assert data["report_id"] is None
    assert [m["agency"] for m in data["matches"]] == [specs[5].agency.name]
    assert data["matches"][0]["relation"] == "other-agency" and data["matches"][0]["passages"]
    # by id, text output
    listed = json.loads(subprocess.run([sys.executable, "-m", "gongkai.cli", "reports", "--db", db, "--json"],
                                       capture_output=True, text=True, timeout=60, check=False).stdout)
    rid = next(r["id"] for r in listed if r["agency_printed"] == copier.agency.name)
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "similar", str(rid), "--db", db],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0 and "其他机关" in out.stdout
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "similar", "--all", "--db", db],
                         capture_output=True, text=True, timeout=60, check=False)
    assert "共 2 对" in out.stdout and out.stdout.count("⟷") == 2 and copier.agency.name in out.stdout
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "similar", "--all", "--json", "--db", db],
                         capture_output=True, text=True, timeout=60, check=False)
    pairs = json.loads(out.stdout)
    assert len(pairs) == 2 and all(p["a"] < p["b"] and p["estimate"] >= 0.5 for p in pairs)
    assert rid in {p["a"] for p in pairs} | {p["b"] for p in pairs}
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "similar", "--all", "--json", "--threshold", "1.01",
                          "--db", db], capture_output=True, text=True, timeout=60, check=False)
    assert json.loads(out.stdout) == []


def test_sketch_parameters_are_recorded(store, tmp_path, monkeypatch):
    from sqlalchemy import update

    from gongkai.store.db import StoreError

    for p in SEEDS[:2]:
        (tmp_path / p.name).write_bytes(p.read_bytes())
    store.ingest([str(tmp_path)], jobs=1)
    assert store.text_params_current()
    with store.engine.begin() as conn:  # as if made by a version with other parameters
        conn.execute(update(S.store_meta).where(S.store_meta.c.key == "text_sketch").values(value='{"num_perm": 64}'))
    rid = store.reports()[0].id
    with pytest.raises(StoreError):
        ssim.similar(store, ssim.query_for_report(store, rid))
    store.recheck(jobs=1)
    assert store.text_params_current()
    assert ssim.similar(store, ssim.query_for_report(store, rid)) == []
