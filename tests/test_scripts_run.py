"""scripts/run where offices run it: started twice, the second time with no package index, no apt and no
npm to be had, it fetches nothing and answers on the port asked for; a port in use is refused in Chinese
before anything starts; the font check of scripts/setup finds fonts that are there.

The runs use a store of their own (--db in a temporary folder) and ports nobody holds; every process is
stopped (its whole group) when the test ends."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "scripts" / "run"
SETUP = ROOT / "scripts" / "setup"
START_SECONDS = 60  # a start loads the sample reports into a new store first

pytestmark = pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "gongkai").exists(), reason="needs scripts/setup")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """apt-get and npm that only write down that they were called (and fail, as they would offline)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("apt-get", "npm"):
        tool = folder / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/called"\nexit 1\n', encoding="utf-8")
        tool.chmod(0o755)
    return folder


def offline_env(fake_bin: Path) -> dict[str, str]:
    """No package index that answers (and none from pip's configuration files), no proxy, the fakes first."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("PIP_", "NPM_CONFIG_"))}
    env.update(PATH=f"{fake_bin}:{env.get('PATH', '')}", PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
               PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_FIND_LINKS="", npm_config_registry="http://127.0.0.1:9/",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    return env


class Started:
    def __init__(self, proc: subprocess.Popen, log: Path) -> None:
        self.proc, self.log = proc, log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def starts() -> Iterator[list[Started]]:
    running: list[Started] = []
    yield running
    for s in running:
        s.stop()


def start(starts: list[Started], log: Path, *args: str, env: dict[str, str] | None = None) -> Started:
    fh = open(log, "wb")  # noqa: SIM115  (the child writes to it; closed with the test's folder)
    proc = subprocess.Popen([str(RUN), *args], stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    s = Started(proc, log)
    starts.append(s)
    return s


def answers(port: int) -> int | None:
    """The HTTP status of the login page on the port, None when nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/login")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def wait_for(s: Started, port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if s.proc.poll() is not None:
            pytest.fail(f"scripts/run ended ({s.proc.returncode}) before answering:\n{s.output()}")
        if answers(port) == 200:
            return
        time.sleep(0.3)
    pytest.fail(f"nothing answered on port {port} within {START_SECONDS} s:\n{s.output()}")


def test_second_start_offline_answers_on_the_port_asked_for(tmp_path, fake_bin, starts):
    db = tmp_path / "store.sqlite3"
    first_port, second_port = free_port(), free_port()
    while second_port == first_port:
        second_port = free_port()

    # first start: installs what it must (nothing, when scripts/setup has run), loads the samples, serves
    first = start(starts, tmp_path / "first.log", "--port", str(first_port), "--db", str(db),
                  env={**os.environ, "PATH": f"{fake_bin}:{os.environ.get('PATH', '')}"})
    wait_for(first, first_port)
    assert "新入库" in first.output()
    first.stop()
    (tmp_path / "called").unlink(missing_ok=True)

    # second start, with nothing to fetch anything from
    second = start(starts, tmp_path / "second.log", "--port", str(second_port), "--db", str(db),
                   env=offline_env(fake_bin))
    wait_for(second, second_port)
    out = second.output()
    assert "installing" not in out, out  # neither pip nor apt was run …
    assert not (tmp_path / "called").exists(), (tmp_path / "called").read_text(encoding="utf-8")  # … nor apt, npm
    assert "新入库 0" in out and "此前已入库 25" in out, out  # the samples were stored the first time
    assert f"http://127.0.0.1:{second_port}/" in out
    assert answers(first_port) is None  # on the port asked for, not the one before

    # a third start on the port the second one holds: refused at once, in Chinese, naming --port
    began = time.monotonic()
    third = subprocess.run([str(RUN), "--port", str(second_port), "--db", str(db)], capture_output=True, text=True,
                           env=offline_env(fake_bin), timeout=30, check=False)
    assert third.returncode == 1, third.stderr
    assert f"端口 {second_port} 已被占用" in third.stderr and "--port" in third.stderr, third.stderr
    assert "gongkai is installed" not in third.stdout  # refused before the set-up and the loading
    assert time.monotonic() - began < 10
    assert answers(second_port) == 200  # the running one goes on


def test_a_port_in_use_is_refused_in_chinese_with_a_free_one_suggested(tmp_path):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        res = subprocess.run([str(RUN), "--port", str(port), "--db", str(tmp_path / "s.sqlite3")],
                             capture_output=True, text=True, timeout=30, check=False)
    assert res.returncode == 1
    lines = res.stderr.splitlines()
    assert lines[0].startswith(f"端口 {port} 已被占用"), res.stderr
    suggested = [ln for ln in lines if ln.startswith("请换一个端口再启动，例如：scripts/run --port ")]
    assert len(suggested) == 1, res.stderr
    other = int(suggested[0].rsplit(" ", 1)[1])
    assert other != port and port < other <= port + 50
    assert not (tmp_path / "s.sqlite3").exists()  # nothing was set up or loaded


@pytest.mark.parametrize("args", [["--port", "http"], ["--port", "70000"], ["--port"], ["--colour"]])
def test_bad_arguments_are_refused_in_chinese(args):
    res = subprocess.run([str(RUN), *args], capture_output=True, text=True, timeout=30, check=False)
    assert res.returncode == 2
    assert res.stderr.startswith("scripts/run：") and ("端口号" in res.stderr or "未知参数" in res.stderr), res.stderr


def fake_fc_list(folder: Path, lines: int, font: str | None) -> None:
    """fc-list printing ``font`` (or no font) and then many other lines, as a machine with many fonts does."""
    body = (f"echo '{font}'\n" if font else "") + (f"seq 1 {lines} | sed 's/^/Other Font /'\n" if lines else "")
    tool = folder / "fc-list"
    tool.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    tool.chmod(0o755)


def test_fonts_that_are_there_are_not_installed_again(fake_bin):
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ.get('PATH', '')}"}
    # the Chinese font first, then 200,000 lines: read through a pipe into grep -q under pipefail, the
    # font check took fc-list's broken pipe for "no fonts" and ran apt every time
    fake_fc_list(fake_bin, 200_000, "Noto Sans CJK SC")
    for _ in range(3):
        res = subprocess.run([str(SETUP), "--missing"], capture_output=True, text=True, env=env, timeout=60,
                             check=True)
        assert "fonts-noto-cjk" not in res.stdout.split(), res.stdout
    fake_fc_list(fake_bin, 0, None)  # no font with Chinese glyphs: the font package is wanted
    res = subprocess.run([str(SETUP), "--missing"], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert "fonts-noto-cjk" in res.stdout.split(), res.stdout
