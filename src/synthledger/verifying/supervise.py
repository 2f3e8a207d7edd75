"""Watching one sandboxed process group: its output, its wall and output limits, its end.

The whole group is killed at a limit and when the command ends, so nothing it
started outlives it; the pipes are drained for a moment after, never waited on
for ever.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Sequence

from synthledger.verifying.limits import Limits

GRACE_SECONDS = 2.0  # to drain the pipes once the command has gone


def supervise(
    command: Sequence[str], descriptors: Sequence[int], limits: Limits
) -> tuple[int, bytes, bytes, str | None, float, float]:
    """Run ``command`` (bwrap) in a new process group; kill the group at the wall or
    output limit, and everything in it with the group when it ends.

    Returns its exit status (negative: the signal), stdout, stderr, the limit
    the supervisor enforced (if any), the seconds it ran and the CPU seconds
    it and everything it waited for used.
    """
    started = time.monotonic()
    process = subprocess.Popen(  # an OSError is the caller's to explain
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={},
        pass_fds=tuple(descriptors),
        start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.fileno(), process.stderr.fileno()
    chunks: dict[int, list[bytes]] = {out: [], err: []}
    sizes = dict.fromkeys(chunks, 0)
    selector = selectors.DefaultSelector()
    for fd in chunks:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    deadline = started + limits.wall_seconds
    stopped: str | None = None
    gone_at: float | None = None
    status: int | None = None
    cpu = 0.0
    try:
        while selector.get_map():
            now = time.monotonic()
            if status is None and (waited := _reap(process.pid)) is not None:
                status, cpu = waited
                gone_at = gone_at or now
            elif gone_at is None and now >= deadline:
                stopped, gone_at = "time-limit", now
                _kill_group(process.pid)
            elif gone_at is not None and now - gone_at > GRACE_SECONDS:
                break  # a straggler still holds the pipes; it has been killed
            for key, _ in selector.select(timeout=0.05):
                fd = int(key.fd)
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    selector.unregister(fd)
                    continue
                chunks[fd].append(data)
                sizes[fd] += len(data)
                if sizes[fd] > limits.output_bytes and stopped is None:
                    stopped = "output-limit"
                    _kill_group(process.pid)
                    gone_at = gone_at or time.monotonic()
    finally:
        selector.close()
        _kill_group(process.pid)
        if status is None:
            _, raw, usage = os.wait4(process.pid, 0)
            status, cpu = _decode(raw), usage.ru_utime + usage.ru_stime
        process.returncode = status
        process.stdout.close()
        process.stderr.close()
    seconds = time.monotonic() - started
    stdout, stderr = b"".join(chunks[out]), b"".join(chunks[err])
    return status, stdout[: limits.output_bytes], stderr, stopped, seconds, cpu


def _reap(pid: int) -> tuple[int, float] | None:
    """(status, CPU seconds) once bwrap has ended, else None; never blocks."""
    waited, raw, usage = os.wait4(pid, os.WNOHANG)
    if waited == 0:
        return None
    return _decode(raw), usage.ru_utime + usage.ru_stime


def _decode(raw: int) -> int:
    return -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def limit_hit(signal_number: int | None, cpu: float, stderr: bytes, limits: Limits) -> str | None:
    """Which limit stopped a command that the supervisor did not have to kill."""
    tail = stderr[-4096:]
    if signal_number == signal.SIGXCPU or (
        signal_number == signal.SIGKILL and cpu >= limits.cpu_seconds - 0.5
    ):
        return "time-limit"  # CPU: SIGXCPU at the soft limit, SIGKILL a second later
    if (
        signal_number == signal.SIGXFSZ
        or b"No space left on device" in tail
        or b"File too large" in tail
    ):
        return "output-limit"
    if b"MemoryError" in tail or b"Cannot allocate memory" in tail or b"out of memory" in tail:
        return "memory-limit"
    return None
