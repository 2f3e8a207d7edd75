"""Running a command and measuring it: wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NamedTuple


class BenchmarkError(Exception):
    """The benchmark cannot run or its input is wrong: exit 2 with this message."""


class Figure(NamedTuple):
    seconds: float
    peak_bytes: int

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 2**20


def measure(command: Sequence[str | Path], cwd: Path, *, accept: Collection[int] = (0,)) -> Figure:
    """One run of ``command``: wall time from spawn to exit, and the peak memory of
    the process and the children it waited for (git included), by ``wait4``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(part) for part in command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Read stderr while it runs, so that a chatty command never blocks on a full pipe.
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in accept:
        shown = " ".join(str(part) for part in command)
        raise BenchmarkError(f"{shown} exited {code}:\n{errors.decode('utf-8', 'replace')[-2000:]}")
    return Figure(seconds, usage.ru_maxrss * 1024)  # Linux reports kilobytes


def best(figures: Sequence[Figure]) -> Figure:
    """The fastest run's time, and the largest peak of all runs (memory is not luck)."""
    return Figure(min(f.seconds for f in figures), max(f.peak_bytes for f in figures))


def load() -> str:
    """The machine's load averages, as ``uptime`` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"
