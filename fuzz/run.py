"""Coverage-guided fuzzing of one reader with atheris (libFuzzer for Python).

    python fuzz/run.py --reader docx --seconds 60
    python fuzz/run.py --reader all --seconds 300          # each reader in turn
    python fuzz/run.py --reader pdf CRASH_FILE ...         # run saved inputs once (reproduce)

Readers: text, html, docx, pdf, legacy (OLE2/RTF checks; the LibreOffice conversion replaced by a
stand-in so that hundreds of inputs a second get through), legacy-lo (the real conversion, about
one input a second), any (content sniffing picks the reader; LibreOffice replaced as for legacy). Every input goes through ``read_bytes(data, name,
fmt=FORMAT)``, then extraction, the checks and the JSON output.

What counts as a crash: any exception other than :class:`gongkai.errors.GongkaiError`; a
GongkaiError whose message is empty or not one line; and a "corrupt file" error that is really a
bug of ours (read_bytes turns exceptions escaping a reader into ReadError(corrupt); when the
exception was raised in gongkai's own code rather than in a library, it is reported as a crash).
Inputs slower than ``--slow`` seconds are saved under fuzz/slow/ for a look; libFuzzer's own
``-timeout`` (``--timeout``) makes a hang a crash. Crashes go to fuzz/crashes/, logs to fuzz/logs/.

The seed corpus is made by fuzz/make_corpus.py into fuzz/corpus/<reader>/ on first use; the corpus
grows there as the fuzzer finds new coverage (git-ignored, like crashes/, slow/ and logs/).
At the end one summary line gives the duration and the number of executions.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import re
import subprocess
import sys
import time
import traceback
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

READERS = {  # name -> (format passed to read_bytes, file name the input gets, -max_len)
    "text": ("text", "input.txt", 65536),
    "html": ("html", "input.html", 65536),
    "mht": ("mht", "input.mht", 65536),
    "docx": ("docx", "input.docx", 131072),
    "pdf": ("pdf", "input.pdf", 65536),
    "legacy": ("doc", "input.doc", 65536),
    "legacy-lo": ("doc", "input.doc", 65536),
    "any": (None, "input", 65536),
}
ALL = ["text", "html", "mht", "docx", "pdf", "legacy", "any"]


# ---------------------------------------------------------------------------------------------
# the parent: makes the corpus, runs the fuzzing process, reads its statistics


def main() -> int:
    ap = argparse.ArgumentParser(description="Fuzz one of gongkai's readers with atheris.")
    ap.add_argument("--reader", required=True, choices=[*READERS, "all"])
    ap.add_argument("--seconds", type=int, default=60, help="how long to fuzz (per reader)")
    ap.add_argument("--timeout", type=int, default=30, help="seconds after which one input counts as a hang")
    ap.add_argument("--slow", type=float, default=2.0, help="save inputs slower than this (seconds)")
    ap.add_argument("--rss-mb", type=int, default=2048, help="memory limit of the fuzzing process")
    ap.add_argument("--corpus", default=None, help="corpus folder (default fuzz/corpus/READER)")
    ap.add_argument("--no-instrument", action="store_true", help="no coverage instrumentation at all")
    ap.add_argument("--instrument-all", action="store_true",
                    help="instrument extraction and checks too (slower; by default only the readers and pdfminer)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("inputs", nargs="*", help="inputs to run once instead of fuzzing")
    args, extra = ap.parse_known_args()
    if args.child:
        return child(args, [*args.inputs, *extra])  # everything after "--" is libFuzzer's
    readers = ALL if args.reader == "all" else [args.reader]
    worst = 0
    for reader in readers:
        worst = max(worst, parent(reader, args, extra))
    return worst


def parent(reader: str, args: argparse.Namespace, extra: list[str]) -> int:
    corpus = Path(args.corpus) if args.corpus else HERE / "corpus" / reader
    if not args.inputs and (not corpus.is_dir() or not any(corpus.iterdir())):
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--out", str(corpus.parent), "--reader", reader],
                       check=True)
    for d in ("crashes", "logs", "slow"):
        (HERE / d).mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = HERE / "logs" / f"{reader}-{stamp}.log"
    fuzz_args = [f"-timeout={args.timeout}", f"-rss_limit_mb={args.rss_mb}", "-print_final_stats=1",
                 f"-artifact_prefix={HERE / 'crashes'}/{reader}-", f"-max_len={READERS[reader][2]}"]
    dictionary = HERE / "dicts" / f"{reader}.dict"
    if dictionary.exists():
        fuzz_args.append(f"-dict={dictionary}")
    if args.inputs:
        fuzz_args += args.inputs
    else:
        fuzz_args += [f"-max_total_time={args.seconds}", str(corpus)]
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--reader", reader, "--slow", str(args.slow)]
    if args.no_instrument:
        cmd.append("--no-instrument")
    if args.instrument_all:
        cmd.append("--instrument-all")
    cmd += ["--", *fuzz_args, *extra]
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            out.write(line)
            if not line.startswith("#") or "NEW" in line or "DONE" in line or "pulse" in line:
                sys.stdout.write(line)
                sys.stdout.flush()
        code = proc.wait()
    elapsed = time.monotonic() - started
    text = log.read_text(encoding="utf-8")
    runs = _stat(text, "number_of_executed_units") or _done_runs(text)
    crashed = "Uncaught Python exception" in text or "ERROR: libFuzzer" in text or code not in (0,)
    rate = runs / elapsed if runs and elapsed else 0
    print(f"\nSUMMARY reader={reader} seconds={elapsed:.0f} executions={runs} exec/s={rate:.0f} "
          f"result={'CRASH' if crashed else 'no crash'} log={log.relative_to(ROOT)}")
    return 1 if crashed else 0


def _stat(text: str, name: str) -> int | None:
    m = re.findall(rf"stat::{name}:\s*(\d+)", text)
    return int(m[-1]) if m else None


def _done_runs(text: str) -> int | None:
    m = re.findall(r"Done (\d+) runs in", text)
    if m:
        return int(m[-1])
    m = re.findall(r"^#(\d+)\s", text, re.MULTILINE)
    return int(m[-1]) if m else None


# ---------------------------------------------------------------------------------------------
# the fuzzing process


class Crash(Exception):
    """A result that is not allowed: the fuzzer records the input."""


def child(args: argparse.Namespace, fuzz_args: list[str]) -> int:
    import atheris

    if args.no_instrument:
        import gongkai.api
    else:
        # Coverage guides the fuzzer through the readers and the PDF library; extraction and the
        # checks run uninstrumented (at full speed) unless --instrument-all.
        scope = ["gongkai"] if args.instrument_all else ["gongkai.readers", "pdfminer", "pdfplumber"]
        with atheris.instrument_imports(include=scope):
            import gongkai.readers.docx
            import gongkai.readers.html
            import gongkai.readers.legacy
            import gongkai.readers.pdf
            import gongkai.readers.text
            if args.instrument_all:
                import gongkai.api
    import gongkai
    import gongkai.readers as readers
    from gongkai.checks import check
    from gongkai.errors import GongkaiError, LimitExceeded, ReadError
    from gongkai.extract import extract
    from gongkai.limits import Limits
    from gongkai.readers import legacy

    # libFuzzer's -timeout uses SIGALRM itself: gongkai's alarm must stay out of its way. The time
    # limit is then checked after reading (a slow input gives LimitExceeded), and a real hang is
    # caught by libFuzzer.
    readers.USE_ALARM = False
    fmt, name, _ = READERS[args.reader]
    limits = Limits(max_seconds=10.0)
    package_dir = str(Path(gongkai.__file__).resolve().parent)
    slow_dir = HERE / "slow"
    slow_dir.mkdir(exist_ok=True)

    if args.reader in ("legacy", "any"):
        stand_in = _stand_in_docx()

        def fake_convert(data: bytes, kind: str, limits: Limits) -> bytes:
            return stand_in

        legacy.convert_to_docx = fake_convert

    def ours(exc: BaseException) -> bool:
        """Was ``exc`` raised inside gongkai's own code (not in a library it called)?"""
        frames = traceback.extract_tb(exc.__traceback__)
        return bool(frames) and str(Path(frames[-1].filename).resolve()).startswith(package_dir)

    def one_input(data: bytes) -> None:
        started = time.monotonic()
        try:
            _one_input(data)
        finally:  # reading, extraction and checks together
            elapsed = time.monotonic() - started
            if elapsed > args.slow:
                (slow_dir / f"{args.reader}-{elapsed:.0f}s-{hashlib.sha1(data, usedforsecurity=False).hexdigest()[:12]}").write_bytes(data)

    def _one_input(data: bytes) -> None:
        try:
            doc = readers.read_bytes(data, name, limits, fmt=fmt)
        except GongkaiError as exc:
            message = str(exc)
            if not message.strip() or "\n" in message:
                raise Crash(f"unclear error message: {message!r}") from exc
            cause = exc.__cause__
            if isinstance(exc, ReadError) and not isinstance(exc, LimitExceeded) and cause is not None \
                    and not isinstance(cause, GongkaiError) and ours(cause):
                raise Crash(f"a bug of ours reported as a corrupt file: {message}") from cause
            return
        report = extract(doc)
        findings = check(report)
        report.to_json()
        for f in findings:
            f.to_json()

    mutator = _docx_mutator if args.reader == "docx" else None
    kwargs = {"custom_mutator": mutator} if mutator else {}
    atheris.Setup([sys.argv[0], *fuzz_args], one_input, **kwargs)
    atheris.Fuzz()
    return 0


def _stand_in_docx() -> bytes:
    sys.path.insert(0, str(HERE))
    from make_corpus import small_docx

    return small_docx()


def _docx_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """Mostly change the XML inside the archive (and zip it again), sometimes the raw bytes. The
    XML is changed by libFuzzer's byte mutations or by moving whole tags: duplicating, deleting or
    swapping the text between two tag starts, so that the result is often still well-formed
    enough to reach the walker."""
    import atheris

    rnd = random.Random(seed)
    if rnd.random() < 0.2:
        return atheris.Mutate(data, max_size)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist()[:32] if i.file_size < (1 << 20)]
            members = {i.filename: zf.read(i) for i in infos}
    except Exception:  # noqa: BLE001  not a readable zip: mutate the bytes
        return atheris.Mutate(data, max_size)
    if not members:
        return atheris.Mutate(data, max_size)
    target = "word/document.xml" if "word/document.xml" in members and rnd.random() < 0.9 else \
        rnd.choice(sorted(members))
    xml = members[target]
    xml = _move_tags(xml, rnd) if rnd.random() < 0.5 else atheris.Mutate(xml, len(xml) + 256)
    members[target] = xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for member, blob in members.items():
            out.writestr(member, blob)
    result = buf.getvalue()
    return result if len(result) <= max_size else atheris.Mutate(data, max_size)


def _move_tags(xml: bytes, rnd: random.Random) -> bytes:
    starts = [m.start() for m in re.finditer(rb"<", xml)]
    if len(starts) < 4:
        return xml
    for _ in range(rnd.randint(1, 4)):
        a, b = sorted(rnd.sample(range(len(starts)), 2))
        a, b = starts[a], starts[b]
        piece = xml[a:b]
        op = rnd.random()
        if op < 0.35:  # duplicate somewhere else
            at = rnd.choice(starts)
            xml = xml[:at] + piece + xml[at:]
        elif op < 0.6:  # delete
            xml = xml[:a] + xml[b:]
        elif op < 0.8:  # duplicate in place (nesting grows)
            xml = xml[:a] + piece + piece + xml[b:]
        else:  # move
            rest = xml[:a] + xml[b:]
            at = rnd.randint(0, len(rest))
            at = rest.find(b"<", at)
            at = len(rest) if at < 0 else at
            xml = rest[:at] + piece + rest[at:]
        starts = [m.start() for m in re.finditer(rb"<", xml)]
        if len(starts) < 4:
            break
    return xml


if __name__ == "__main__":
    sys.exit(main())
