"""Worker processes die with the process that started them.

A pool's workers block on their task queue; killed with SIGKILL, the process that started them cannot
stop them, and they would wait for work for ever (about 125 MB each). :func:`die_with_parent` is the
initializer of every process pool gongkai starts (ingest, recheck, the web application's uploads).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5


def die_with_parent() -> None:
    """End this process as soon as its parent ends.

    On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG). It does so when the *thread* that
    forked this process ends, so it is asked for only when that thread is the parent's main thread (a
    pool started from a web server's request thread must not lose its workers when that thread is
    retired), and only when the parent is the process that started this one: a multiprocessing fork
    server outlives its starter as long as its children hold their end of its pipe. Otherwise, and on
    other systems, a daemon thread watches the parent.
    """
    parent = os.getppid()
    starter = multiprocessing.parent_process()
    direct = starter is None or starter.pid == parent
    if not (direct and sys.platform.startswith("linux") and _child_of_main_thread(parent) and _pdeathsig()):
        threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()
    if _orphaned(parent):  # the parent ended before the kernel was asked to tell
        os._exit(1)


def _child_of_main_thread(parent: int) -> bool:
    try:
        with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as fh:
            return str(os.getpid()) in fh.read().split()
    except OSError:  # no /proc, or a kernel without CONFIG_PROC_CHILDREN: watch instead
        return False


def _pdeathsig() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _orphaned(parent: int) -> bool:
    """The parent is gone: it is no longer this process's parent, or (handed over already when this
    process first looked) it is neither the multiprocessing starter nor the starter's fork server."""
    if os.getppid() != parent:
        return True
    starter = multiprocessing.parent_process()
    if starter is None or starter.pid == parent:
        return False
    grandparent = _parent_of(parent)
    if grandparent is not None:
        return grandparent != starter.pid
    try:  # no /proc: the pipe the starting process holds open
        return not starter.is_alive()
    except (OSError, ValueError):
        return False


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _watch(parent: int) -> None:
    while not _orphaned(parent):
        time.sleep(POLL_SECONDS)
    os._exit(1)


__all__ = ["die_with_parent"]
