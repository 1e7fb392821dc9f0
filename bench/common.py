"""Small helpers shared by the benchmarks: timing with medians, machine description."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import time
from collections.abc import Callable


def median_rate(work: Callable[[], int], runs: int = 7, warmup: int = 1) -> tuple[float, list[float]]:
    """Run ``work`` (which returns how many items it did) ``runs`` times; median items per second."""
    for _ in range(warmup):
        work()
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        n = work()
        rates.append(n / (time.perf_counter() - t0))
    return statistics.median(rates), rates


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def one_core() -> None:
    """Pin the process to one core where the OS allows it."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
