"""Ingest on a Dask cluster into PostgreSQL: N generated reports in realistic shares of formats, with 1 and
2 Dask workers, as docs/scale.md deploys them (`dask scheduler` and `dask worker` processes, the store's
writer in this process).

    python bench/cluster.py [--n 100000] [--workers 1,2] [--shares text=.40,docx=.25,html=.15,pdf=.15,scan=.05]
                            [--pg postgresql+psycopg://postgres@127.0.0.1:5432] [--keep]

Reports are generated once into a temporary folder (not timed): plain text, .docx and web pages from the
seeds' narrative with figures varied consistently (tests/synth.py), PDFs with a text layer and scanned
PDFs without one (tests/scans.py: a whole report typeset, then "printed and scanned"; each scan needs OCR).
For each number of workers: a new PostgreSQL database and object-store folder, a scheduler and the
workers started, the ingest timed, then a second run over the same files, then `gongkai similar --all`
over the whole store in its own process. Printed: reports/s, the peak memory (resident set) of the
scheduler, of each worker (its Dask process and its sandbox's processes) and of the writer, the size of
the database and of the originals, `similar`'s time and memory, the cost per report of each format on
one core, and a projection of the time for 1,000,000 reports on N workers with its bottleneck.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # the report generators (tests/synth.py, tests/scans.py)
from gongkai.pipeline import process  # noqa: E402
from gongkai.store import Store  # noqa: E402
from gongkai.store.work import packaged  # noqa: E402

from common import machine  # noqa: E402
from scans import BODY, ScanSpec, printed, scanned  # noqa: E402
from synth import Corpus, render_html, sentence_pool  # noqa: E402

SHARES = {"text": 0.40, "docx": 0.25, "html": 0.15, "pdf": 0.15, "scan": 0.05}
SUFFIX = {"text": ".txt", "docx": ".docx", "html": ".html", "pdf": ".pdf", "scan": ".pdf"}
MB = 2**20


# ---------------------------------------------------------------------------------------------
# the reports


def generate(folder: Path, n: int, shares: dict[str, float], seed: int = 11) -> Counter[str]:
    """``n`` reports, agencies × 2021–2023, each in a format drawn by ``shares``; written as made."""
    corpus = Corpus(seed)
    rng = random.Random(seed + 1)
    kinds, weights = zip(*shares.items(), strict=True)
    made: Counter[str] = Counter()
    years = (2021, 2022, 2023)
    i = 0
    for agency in corpus.agencies(-(-n // len(years))):
        prev = None
        for year in years:
            if i >= n:
                return made
            # last year's text kept by most agencies (as tests/synth.py does), else a text of its own
            reused = prev is not None and rng.random() < 0.7
            prev = corpus.report(agency, year, prev, narrative=prev.narrative if reused else own_narrative(rng))
            kind = rng.choices(kinds, weights)[0]
            path = folder / str(year) / f"{i:06d}_{prev.stem}{SUFFIX[kind]}"
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "text":
                path.write_text(prev.text(), encoding="utf-8")
            elif kind == "docx":
                path.write_bytes(prev.docx())
            elif kind == "html":
                path.write_text(render_html(prev), encoding="utf-8")
            else:  # a PDF typeset with the report's name, year and narrative (tests/scans.py), scanned or not
                one, five, six = (("。".join(part) + "。") for part in prev.narrative)
                spec = ScanSpec(agency=agency.name, year=year, seed=i, date=f"{year + 1}年1月20日",
                                body=BODY | {1: one, 5: five, 6: six})
                pdf = printed(spec)
                path.write_bytes(scanned(pdf, spec.turns, spec.seed) if kind == "scan" else pdf)
            made[kind] += 1
            i += 1
    return made


# A report's narrative composed from the parts of the sentences agencies write, so that two agencies'
# texts share phrases but are not near-duplicates (tests/synth.py draws whole sentences from the seeds,
# which at 100,000 reports would make every report like thousands of others).
_TOPICS = ("权力配置", "财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "乡村振兴", "安全生产", "生态环境保护",
           "教育医疗", "社会救助", "就业创业", "征地拆迁", "食品药品监管", "规划编制", "价格收费", "行政执法", "政策解读",
           "民生实事", "营商环境", "减税降费", "养老服务", "住房保障", "防汛抗旱", "农业补贴", "市场监管", "政务服务事项",
           "人事任免", "应急管理", "文化旅游", "交通出行")
_MEASURES = ("依托政府门户网站及时发布", "通过政务新媒体同步推送", "在村（居）务公开栏张贴", "编制公开目录并动态更新",
             "建立信息发布前保密审查机制", "召开新闻发布会集中说明", "邀请群众代表列席会议", "以图解、视频等形式解读",
             "开展专题培训提升工作人员能力", "将公开工作纳入年度目标考核", "落实“三审三校”制度", "设置意见征集专栏",
             "完善依申请公开办理流程", "加强与上级部门沟通衔接", "利用便民服务中心查阅点", "定期开展网站自查整改",
             "明确专人负责信息报送", "推行“五公开”全流程", "开展政府开放日活动", "建立舆情回应快速机制")
_RESULTS = ("群众知晓率明显提高", "公开内容更加规范完整", "回应社会关切更加及时", "办事群众满意度持续提升",
            "信息发布的准确性得到保障", "政策落地见效更快", "公开工作的制度化水平不断提高", "社会监督作用进一步发挥",
            "基层公开标准化建设取得实效", "政务服务透明度稳步提升", "公众参与渠道更加畅通", "未发生泄密等问题",
            "各类公开事项做到应公开尽公开", "政府公信力进一步增强", "公开与服务实现深度融合")
_OPENERS = ("年内", "本年度", "一是", "二是", "三是", "同时", "此外", "围绕中心工作", "结合实际", "按照上级部署")


def own_narrative(rng: random.Random) -> list[list[str]]:
    """Sentences for sections 一, 五 and 六, as Corpus.report takes them: the common phrases joined with what
    is particular to the agency (the documents, places and projects it names, made of the seeds' own
    characters), which is most of any real report's text."""
    def particular(lo: int, hi: int) -> str:
        return "".join(rng.choices(_CHARS, k=rng.randint(lo, hi)))

    def sentence() -> str:
        return (f"{rng.choice(_OPENERS)}，聚焦{rng.choice(_TOPICS)}领域，围绕《{particular(6, 10)}》{particular(8, 14)}，"
                f"{rng.choice(_MEASURES)}{particular(6, 12)}，{rng.choice(_RESULTS)}")
    return [[sentence() for _ in range(k)] for k in (8, 4, 2)]


def _seed_characters() -> str:
    text = "".join(sentence_pool())
    return "".join(sorted({c for c in text if "\u4e00" <= c <= "\u9fff"}))


_CHARS = _seed_characters()


def per_format_cost(folder: Path, samples: int = 4) -> dict[str, float]:
    """Seconds of one core per report of each format: read, extract, check and package, in this process."""
    by_kind: dict[str, list[Path]] = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        kind = "scan" if p.suffix == ".pdf" and _is_scan(p) else {".txt": "text", ".docx": "docx", ".html": "html",
                                                                  ".pdf": "pdf"}[p.suffix]
        by_kind.setdefault(kind, [])
        if len(by_kind[kind]) < samples:
            by_kind[kind].append(p)
    out = {}
    for kind, paths in by_kind.items():
        times = []
        for p in paths:
            t = time.process_time()
            packaged(process(p.read_bytes(), str(p)))
            times.append(time.process_time() - t)
        out[kind] = statistics.median(times)
    return out


def _is_scan(p: Path) -> bool:
    return b"/Font" not in p.read_bytes()


# ---------------------------------------------------------------------------------------------
# the cluster, as docs/scale.md starts it


class Cluster:
    def __init__(self, workers: int, folder: Path) -> None:
        self.file = folder / f"scheduler-{workers}.json"
        env = dict(os.environ)
        self.scheduler = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file", str(self.file), "--port", "0",
             "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        while not self.file.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the scheduler did not start")
            time.sleep(0.1)
        time.sleep(0.3)  # (the file is written, then filled)
        self.address = json.loads(self.file.read_text())["address"]
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(self.file),
             "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
            client.run(_warm)  # each worker's sandbox started (its processes and the sketch library)

    def processes(self) -> tuple[int, list[list[int]]]:
        """The scheduler, and for each Dask worker its process with the sandbox's processes under it."""
        workers = []
        for nanny in psutil.Process(self.worker.pid).children():
            for w in nanny.children():
                workers.append([w.pid, *(c.pid for c in w.children(recursive=True))])
        return self.scheduler.pid, workers

    def close(self) -> None:
        for p in (self.worker, self.scheduler):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _warm() -> None:
    from gongkai.store.cluster import bare, worker_sandbox

    seed = ("一、总体情况\n本机关认真贯彻落实政府信息公开条例。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
            "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n").encode()
    worker_sandbox().run(seed, "warm.txt", then=bare)


class Peaks:
    """The peak memory of each watched group of processes: the sum of its processes' own peaks (VmHWM,
    which a process keeps from its start: nothing between two samples is missed), read every 0.1 s."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups
        self.seen: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            for pids in self.groups.values():
                for pid in pids:
                    hwm = vm_hwm(pid)
                    if hwm:
                        self.seen[pid] = max(self.seen.get(pid, 0), hwm)
            if self._stop.wait(0.1):
                return

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {k: sum(self.seen.get(p, 0) for p in pids) / MB for k, pids in self.groups.items()}


def vm_hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return 0
    return 0


# ---------------------------------------------------------------------------------------------
# one run


def new_database(base: str) -> tuple[str, str]:
    name = "gongkai_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, f"{base}/{name}"


def drop_database(base: str, name: str) -> None:
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB


def run_similar(url: str, objects: Path) -> tuple[float, float, int]:
    """`gongkai similar --all` over the whole store in a process of its own: seconds, peak MB, pairs."""
    with tempfile.TemporaryFile() as out:
        t = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "similar", "--all", "--json", "--db", url,
                                 "--objects", str(objects)], stdout=out, stderr=subprocess.DEVNULL)
        peaks = Peaks({"similar": [proc.pid]})
        proc.wait()
        seconds = time.monotonic() - t
        mb = peaks.stop()["similar"]
        out.seek(0)
        data = json.loads(out.read() or b"[]")
    return seconds, mb, len(data)


def one_run(workers: int, folder: Path, tmp: Path, base: str, keep: bool) -> dict:
    ingesting = importlib.import_module("gongkai.store.ingest")  # (the package exports a function of that name)

    name, url = new_database(base)
    objects = tmp / f"objects-{workers}"
    cluster = Cluster(workers, tmp)
    writing = [0.0]
    write = ingesting._write

    def timed_write(*args, **kw):  # the writer's own time (its transactions, PostgreSQL's work included)
        t = time.monotonic()
        try:
            return write(*args, **kw)
        finally:
            writing[0] += time.monotonic() - t

    ingesting._write = timed_write
    try:
        sched, procs = cluster.processes()
        groups = {"scheduler": [sched], "writer": [os.getpid()]}
        groups |= {f"worker {i + 1}": pids for i, pids in enumerate(procs)}
        with Store.open(url, objects=str(objects)) as store:
            with store.engine.connect() as conn:  # (an empty store's size, taken off below)
                empty_mb = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one() / MB
            peaks = Peaks(groups)
            cpu = time.process_time()
            t = time.monotonic()
            summary = store.ingest([str(folder)], scheduler=cluster.address)
            seconds = time.monotonic() - t
            client_cpu = time.process_time() - cpu
            peak = peaks.stop()
            t = time.monotonic()
            again = store.ingest([str(folder)], scheduler=cluster.address)
            second = time.monotonic() - t
            counts = store.counts()
            with store.engine.connect() as conn:
                db_mb = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one() / MB - empty_mb
    finally:
        ingesting._write = write
        cluster.close()
    sim_seconds, sim_mb, pairs = run_similar(url, objects)
    if not keep:
        drop_database(base, name)
    return {"workers": workers, "stored": summary.stored, "failed": summary.failed, "files": summary.files,
            "seconds": seconds, "rate": summary.files / seconds, "client_cpu": client_cpu, "writing": writing[0],
            "peak": peak, "second_run": second, "second_unchanged": again.unchanged, "db_mb": db_mb,
            "objects_mb": folder_mb(objects), "counts": counts, "similar_seconds": sim_seconds,
            "similar_mb": sim_mb, "similar_pairs": pairs, "database": name}


# ---------------------------------------------------------------------------------------------


def projection(runs: list[dict], costs: dict[str, float], shares: dict[str, float],
               project: dict[str, float]) -> list[str]:
    """The time for 1,000,000 reports on W workers. A worker's rate for the projected mix of formats is its
    cost on one core (the formats' costs × their shares) times the share of a core a worker achieved in the
    run (its measured rate against the same estimate for the run's mix); W workers scale as 1 to 2 did;
    the one writer caps it all (its own time per report, PostgreSQL's included, and its process's CPU)."""
    def cost(mix: dict[str, float]) -> float:
        return sum(costs.get(k, 0.0) * v for k, v in mix.items()) / sum(mix.values())

    out = []
    one = next((r for r in runs if r["workers"] == 1), runs[0])
    per_worker = one["rate"] / one["workers"]
    two = next((r for r in runs if r["workers"] == 2), None)
    efficiency = min(1.0, two["rate"] / (2 * per_worker)) if two else 1.0
    achieved = per_worker * cost(shares)  # the share of one core's ideal rate a worker reached
    projected = achieved / cost(project)  # reports/s per worker for the projected mix
    writer_cap = min(max(r["stored"] / max(r["writing"], 1e-9), 1e-9) for r in runs)
    client_cap = min(r["stored"] / max(r["client_cpu"], 1e-9) for r in runs)
    cap = min(writer_cap, client_cap)
    out.append(f"per worker: {per_worker:.2f} reports/s measured for this run's mix, {achieved:.0%} of one core's "
               f"ideal; 2 workers at {efficiency:.0%} of twice one; the writer's time {1000 / writer_cap:.1f} ms per "
               f"report (PostgreSQL's included), the client process's CPU {1000 / client_cap:.1f} ms per report: "
               f"at most {cap:,.0f} reports/s")
    mix = ", ".join(f"{k} {v / sum(project.values()):.0%}" for k, v in project.items())
    shares_of_time = ", ".join(f"{k} {costs.get(k, 0.0) * v / sum(project.values()) / cost(project):.0%}"
                               for k, v in project.items())
    out.append(f"projected mix {mix}: one core {cost(project) * 1000:.0f} ms per report, a worker "
               f"{projected:.2f} reports/s; workers' time by format: {shares_of_time}")
    for w in (1, 2, 8, 32, 64, 128, 256, 512):
        rate = w * projected * (efficiency if w > 1 else 1.0)
        bound = "workers (OCR of the scans)" if project.get("scan") else "workers"
        if rate >= cap:
            rate, bound = cap, "the one writer"
        out.append(f"1,000,000 reports on {w:>3} workers: {rate:,.1f} reports/s, {1_000_000 / rate / 3600:,.1f} h "
                   f"(bound by {bound})")
    last = runs[-1]
    out.append(f"store for 1,000,000: database about {last['db_mb'] / max(1, last['stored']) * 1e6 / 1024:,.0f} GB, "
               f"originals about {last['objects_mb'] / max(1, last['stored']) * 1e6 / 1024:,.0f} GB (at this run's mix)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--shares", default=_mix(SHARES), help="the run's mix of formats")
    ap.add_argument("--project-shares", default=_mix(SHARES), help="the mix the projection is made for")
    ap.add_argument("--pg", default=os.environ.get("GONGKAI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    ap.add_argument("--keep", action="store_true", help="keep the databases (their names are printed)")
    ap.add_argument("--reports", metavar="FOLDER",
                    help="keep the generated reports in FOLDER; when it holds some already, ingest those")
    ap.add_argument("--results", metavar="FILE",
                    help="add each run to FILE (JSON lines); the projection uses its earlier runs too")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--generate", metavar="FOLDER", help=argparse.SUPPRESS)  # (the child processes' work)
    ap.add_argument("--costs", metavar="FOLDER", help=argparse.SUPPRESS)
    args = ap.parse_args()
    shares = _shares(args.shares)
    if args.generate:
        print(json.dumps(generate(Path(args.generate), args.n, shares, args.seed)))
        return
    if args.costs:
        print(json.dumps(per_format_cost(Path(args.costs))))
        return
    project = _shares(args.project_shares)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-cluster-") as tmp_name:
        tmp = Path(tmp_name)
        folder = Path(args.reports) if args.reports else tmp / "reports"
        if folder.is_dir() and any(folder.iterdir()):
            print(f"the reports in {folder}: {sum(1 for p in folder.rglob('*') if p.is_file())} files, "
                  f"{folder_mb(folder):.1f} MB")
        else:
            t = time.monotonic()
            # made in processes of their own, so that this one (the writer) holds nothing but the run
            made = _child("--generate", str(folder), "--n", str(args.n), "--shares", args.shares,
                          "--seed", str(args.seed))
            print(f"generated {sum(made.values())} reports ({', '.join(f'{k} {v}' for k, v in made.items())}; "
                  f"{folder_mb(folder):.1f} MB) in {time.monotonic() - t:.0f} s")
        costs = _child("--costs", str(folder))
        print("one core per report (read, extract, check, package): "
              + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in costs.items()))
        results = Path(args.results) if args.results else None
        earlier = [json.loads(line) for line in results.read_text().splitlines()] if results and results.exists() else []
        runs = []
        for w in (int(x) for x in args.workers.split(",")):
            r = one_run(w, folder, tmp, args.pg, args.keep)
            runs.append(r)
            if results:
                with results.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(r) + "\n")
            peak = r["peak"]
            workers_mb = ", ".join(f"{peak[k]:.0f}" for k in sorted(peak) if k.startswith("worker"))
            print(f"{w} worker(s): {r['files']} files, {r['stored']} stored, {r['failed']} failed in {r['seconds']:.1f} s "
                  f"= {r['rate']:.2f} reports/s; second run {r['second_run']:.1f} s ({r['second_unchanged']} unchanged)")
            print(f"    peak memory MB: scheduler {peak['scheduler']:.0f}, workers {workers_mb} (each with its "
                  f"sandbox's processes), writer {peak['writer']:.0f}; writer's time {r['writing']:.1f} s, "
                  f"client CPU {r['client_cpu']:.1f} s")
            print(f"    database {r['db_mb']:.0f} MB more than an empty store ({r['counts']['reports']:,} reports, {r['counts']['cells']:,} cells, "
                  f"{r['counts']['findings']:,} findings), originals {r['objects_mb']:.0f} MB"
                  + (f" (kept: {r['database']})" if args.keep else ""))
            print(f"    similar --all: {r['similar_seconds']:.1f} s, peak {r['similar_mb']:.0f} MB, "
                  f"{r['similar_pairs']:,} pairs")
        for line in projection(earlier + runs, costs, shares, project):
            print(line)


def _mix(shares: dict[str, float]) -> str:
    return ",".join(f"{k}={v}" for k, v in shares.items())


def _shares(text_: str) -> dict[str, float]:
    return {k: float(v) for k, v in (kv.split("=") for kv in text_.split(","))}


def _child(*args: str):
    run = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
