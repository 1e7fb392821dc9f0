"""gongkai changes nothing of pdfminer or pdfplumber for the process: after it has read PDFs (good
ones, and hostile ones its limits refuse), every function, class, method and module attribute of
both libraries is the very object it was before, and pdfplumber extracts a PDF exactly as it does
in a process that never imported gongkai."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from gongkai.errors import GongkaiError
from gongkai.limits import Limits
from gongkai.readers import read_bytes

from hostile import deflate_repeated, font_pdf, form_fanout_pdf, minimal_pdf

HERE = Path(__file__).resolve().parent

# Snapshot every attribute of every pdfminer and pdfplumber module (and of every class they define),
# read PDFs with gongkai, snapshot again: the two must be the same objects.
_SNAPSHOT = textwrap.dedent("""
    import importlib, json, pkgutil, sys, zlib
    import pdfminer, pdfplumber

    for package in (pdfminer, pdfplumber):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            try:
                importlib.import_module(info.name)
            except ImportError:
                pass  # optional extras (pdfplumber's image rendering)

    def snapshot():
        seen = {}
        for name, module in list(sys.modules.items()):
            if not name.startswith(("pdfminer", "pdfplumber")) or module is None:
                continue
            for attr, value in list(vars(module).items()):
                seen[f"{name}.{attr}"] = id(value)
                if isinstance(value, type) and value.__module__ == name:
                    for member, inner in list(vars(value).items()):
                        seen[f"{name}.{attr}.{member}"] = id(inner)
        for attr in ("decompress", "decompressobj", "compress", "error"):
            seen[f"zlib.{attr}"] = id(getattr(zlib, attr))
        return seen

    before = snapshot()
    originals = {"resolve1": pdfminer.pdftypes.resolve1, "resolve_all": pdfminer.pdftypes.resolve_all}

    from gongkai.errors import GongkaiError
    from gongkai.readers import read_bytes
    for path in sys.argv[1:]:
        try:
            read_bytes(open(path, "rb").read(), path)
        except GongkaiError:
            pass

    after = snapshot()
    changed = sorted(k for k in before if after.get(k) != before[k])
    # modules imported after the first snapshot (none should define resolve1 otherwise)
    wrong_resolve = sorted(name for name, module in sys.modules.items()
                           if module is not None and name.startswith(("pdfminer", "pdfplumber"))
                           and getattr(module, "resolve1", originals["resolve1"]) is not originals["resolve1"])
    print(json.dumps({"checked": len(before), "changed": changed, "wrong_resolve1": wrong_resolve,
                      "zlib_in_pdftypes": pdfminer.pdftypes.zlib is zlib}))
""")

# What pdfplumber makes of a PDF: characters, words, text, tables (no gongkai in this program).
_EXTRACT = textwrap.dedent("""
    import json, sys
    import pdfplumber

    out = []
    with pdfplumber.open(sys.argv[1]) as pdf:
        for page in pdf.pages:
            out.append({
                "chars": [[c["text"], round(c["x0"], 3), round(c["top"], 3), c["fontname"]] for c in page.chars],
                "edges": len(page.edges),
                "text": page.extract_text(),
                "lines": [line["text"] for line in page.extract_text_lines()],
                "tables": page.extract_tables(),
                "deduped": len(page.dedupe_chars().chars),
            })
    print(json.dumps(out, ensure_ascii=False))
""")


def _run(program: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, timeout=300,
                          cwd=HERE, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def sample_pdfs(tmp_path_factory) -> list[Path]:
    """A report with tables, and hostile files that each of gongkai's PDF limits refuses."""
    import samplefiles

    folder = tmp_path_factory.mktemp("pdfs")
    files = {
        "report.pdf": samplefiles.pdf_bytes(compress=True),
        "flate-bomb.pdf": minimal_pdf(deflate_repeated(b"", b" " * (1 << 20), 400, b"", zlib_header=True),
                                      "/Filter /FlateDecode"),
        "tounicode-bomb.pdf": font_pdf(tounicode=True),
        "widths-bomb.pdf": font_pdf(tounicode=False),
        "form-fanout.pdf": form_fanout_pdf(),
        "self-reference.pdf": minimal_pdf(b"BT /F1 12 Tf 72 700 Td (report) Tj ET", extra_objects=[b"6 0 R"],
                                          resources=b"6 0 R"),
        "saves.pdf": minimal_pdf(zlib.compress(b"q " * 300_000 + b"BT /F1 12 Tf 72 700 Td (report) Tj ET"),
                                 "/Filter /FlateDecode"),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_pdfminer_and_pdfplumber_are_the_same_objects_after_gongkai_reads_pdfs(sample_pdfs) -> None:
    result = json.loads(_run(_SNAPSHOT, *map(str, sample_pdfs)))
    assert result["checked"] > 3000  # every module of both libraries was looked at
    assert result["changed"] == []
    assert result["wrong_resolve1"] == []
    assert result["zlib_in_pdftypes"] is True


def test_the_limits_still_refuse_the_hostile_files(sample_pdfs) -> None:
    reasons = {}
    for path in sample_pdfs[1:]:
        try:
            read_bytes(path.read_bytes(), str(path), Limits(max_decompressed_bytes=100 << 20))
            reasons[path.name] = "read"
        except GongkaiError as exc:
            reasons[path.name] = exc.zh
    assert "压缩炸弹" in reasons["flate-bomb.pdf"]
    assert "字符映射表过大" in reasons["tounicode-bomb.pdf"]
    assert "字符映射表过大" in reasons["widths-bomb.pdf"]
    assert "内容过多" in reasons["form-fanout.pdf"]
    assert "损坏" in reasons["self-reference.pdf"]
    assert reasons["saves.pdf"] == "read"  # 300,000 saved states, only 1,000 of them copied


def test_in_this_process_the_library_functions_are_their_own(sample_pdfs) -> None:
    import pdfminer.cmapdb
    import pdfminer.pdffont
    import pdfminer.pdfinterp
    import pdfminer.pdftypes
    import pdfminer.psparser
    import pdfplumber.utils.pdfinternals

    for path in sample_pdfs:
        with contextlib.suppress(GongkaiError):
            read_bytes(path.read_bytes(), str(path))
    assert pdfminer.psparser.PSStackParser.push.__module__ == "pdfminer.psparser"
    assert pdfminer.pdftypes.zlib is zlib
    assert pdfminer.pdftypes.decompress_corrupted.__module__ == "pdfminer.pdftypes"
    assert pdfminer.cmapdb.CMapParser.do_keyword.__module__ == "pdfminer.cmapdb"
    assert pdfminer.pdfinterp.PDFPageInterpreter.do_q.__module__ == "pdfminer.pdfinterp"
    assert pdfminer.pdffont.get_widths.__module__ == "pdfminer.pdffont"
    for name, module in list(sys.modules.items()):
        if name.startswith(("pdfminer", "pdfplumber")) and module is not None and hasattr(module, "resolve1"):
            assert module.resolve1 is pdfminer.pdftypes.resolve1, name
    assert pdfplumber.utils.pdfinternals.resolve_all.__module__ == "pdfplumber.utils.pdfinternals"
    # pdfminer's own behaviour, which gongkai's limits used to replace: a damaged Flate stream is
    # recovered by pdfminer's own code, and no LimitExceeded comes out of it
    packed = zlib.compress(b"BT (x) Tj ET" * 100)[:-2]
    stream = pdfminer.pdftypes.PDFStream({"Filter": pdfminer.psparser.LIT("FlateDecode")}, packed)
    assert stream.get_data() == b"BT (x) Tj ET" * 100


def test_pdfplumber_extracts_the_same_as_in_a_process_without_gongkai(sample_pdfs) -> None:
    report = sample_pdfs[0]
    alone = _run(_EXTRACT, str(report))  # a fresh process that never imports gongkai
    read_bytes(report.read_bytes(), str(report))  # gongkai reads it here first
    import pdfplumber

    here = []
    with pdfplumber.open(io.BytesIO(report.read_bytes())) as pdf:
        for page in pdf.pages:
            here.append({
                "chars": [[c["text"], round(c["x0"], 3), round(c["top"], 3), c["fontname"]] for c in page.chars],
                "edges": len(page.edges),
                "text": page.extract_text(),
                "lines": [line["text"] for line in page.extract_text_lines()],
                "tables": page.extract_tables(),
                "deduped": len(page.dedupe_chars().chars),
            })
    expected = json.loads(alone)
    assert sum(len(p["chars"]) for p in expected) > 1000 and any(p["tables"] for p in expected)
    assert here == expected
