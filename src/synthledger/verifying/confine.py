"""The first process inside the sandbox: confine, run one command, report how it ended.

Run as a script (``python -I -S confine.py SPEC``), never imported by the
rest of the library, so it needs nothing beyond the standard library. SPEC
is a JSON object written by :mod:`synthledger.verifying.sandbox`:

    inputs, work     the directory holding the verified artifact copies, and
                     the (empty) directory they are copied into
    cwd              where in ``work`` the command starts
    confine          true inside fresh user/mount/PID namespaces: make the
                     work directory a size-capped tmpfs, every other mount
                     read-only, and drop every capability before the command
    work_bytes       the size of that tmpfs (inputs plus the output budget)
    argv, env        the command and its whole environment
    limits           cpu_seconds, memory_bytes, output_bytes (setrlimit)
    report_fd        where the JSON report goes; the command never inherits it

The report says how the command ended (exit status or signal), the CPU
seconds it used, the largest file and the bytes it left in the work
directory, or why confinement failed (``setup_error``): then the command
never ran. Inside a PID namespace this
process is PID 1, so when it exits the kernel kills whatever the command left
behind.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import resource
import shutil
import sys
from typing import Any

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_RELATIME = 0x200000
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38

# A read-only remount must keep the flags the kernel locked on the mount.
KEPT_FLAGS = (
    (os.ST_NOSUID, MS_NOSUID),
    (os.ST_NODEV, MS_NODEV),
    (os.ST_NOEXEC, MS_NOEXEC),
    (os.ST_NOATIME, MS_NOATIME),
    (os.ST_NODIRATIME, MS_NODIRATIME),
    (os.ST_RELATIME, MS_RELATIME),
)
# Mount points that cannot be reached by their listed path (shadowed by a later
# mount, or gone): there is nothing to remount there.
UNREACHABLE = frozenset({errno.ENOENT, errno.EINVAL, errno.EACCES, errno.ENOTDIR})

_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str) -> None:
    result = _libc.mount(
        source.encode() if source else None,
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"mount {target}: {os.strerror(code)}")


def _mount_points() -> list[str]:
    """Every mount point, outermost first, as /proc/self/mountinfo lists them."""
    points: list[str] = []
    with open("/proc/self/mountinfo", encoding="utf-8") as stream:
        for line in stream:
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
            if point not in points:
                points.append(point)
    return points


def _read_only_except(work: str) -> None:
    """Remount every mount read-only but ``work`` (a fresh tmpfs) and what lies below it."""
    for point in _mount_points():
        if point == work or point.startswith(work.rstrip("/") + "/"):
            continue
        try:
            flags = os.statvfs(point).f_flag
            if flags & os.ST_RDONLY:
                continue
            kept = [ms for st, ms in KEPT_FLAGS if flags & st]
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | sum(kept), "")
        except OSError as exc:
            if exc.errno in UNREACHABLE:
                continue
            raise OSError(exc.errno, f"cannot make {point} read-only: {exc.strerror}") from exc


def _drop_capabilities() -> None:
    """Empty the bounding set and forbid gaining privileges: the command's exec
    then leaves it no capability, not even in its own user namespace."""
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as stream:
        last = int(stream.read())
    for capability in range(last + 1):
        if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"cannot drop capability {capability}: {os.strerror(code)}")
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"cannot set no_new_privs: {os.strerror(code)}")


def _prepare(spec: dict[str, Any]) -> None:
    work: str = spec["work"]
    if spec["confine"]:
        _mount("tmpfs", work, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['work_bytes']},mode=700")
    shutil.copytree(spec["inputs"], work, dirs_exist_ok=True)
    if spec["confine"]:
        _read_only_except(work)
        _drop_capabilities()


def _limit(kind: int, soft: int, hard: int) -> None:
    _, ceiling = resource.getrlimit(kind)
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))


def _run_command(spec: dict[str, Any]) -> None:
    """In the forked child: limits, then exec; never returns."""
    limits = spec["limits"]
    try:
        os.chdir(spec["cwd"])
        cpu = int(limits["cpu_seconds"])
        # SIGXCPU at the soft limit, SIGKILL one second later.
        _limit(resource.RLIMIT_CPU, cpu, cpu + 1)
        _limit(resource.RLIMIT_AS, int(limits["memory_bytes"]), int(limits["memory_bytes"]))
        _limit(resource.RLIMIT_FSIZE, int(limits["output_bytes"]), int(limits["output_bytes"]))
        _limit(resource.RLIMIT_CORE, 0, 0)
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    except OSError as exc:
        os.write(2, f"sandbox: cannot run {spec['argv'][0]}: {exc.strerror}\n".encode())
    os._exit(127)


def _usage(work: str) -> tuple[int, int]:
    """(largest file, total bytes) in ``work``."""
    largest = total = 0
    for directory, _, names in os.walk(work):
        for name in names:
            try:
                size = os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                continue
            largest, total = max(largest, size), total + size
    return largest, total


def main(argv: list[str]) -> int:
    spec: dict[str, Any] = json.loads(argv[1])
    report_fd = int(spec["report_fd"])
    os.set_inheritable(report_fd, False)

    def report(**values: Any) -> None:
        os.write(report_fd, json.dumps(values).encode())

    try:
        _prepare(spec)
    except OSError as exc:
        report(setup_error=str(exc.strerror or exc))
        return 125
    pid = os.fork()
    if pid == 0:
        _run_command(spec)
    _, status, usage = os.wait4(pid, 0)
    largest, total = _usage(spec["work"])
    cpu = usage.ru_utime + usage.ru_stime
    if os.WIFSIGNALED(status):
        report(signal=os.WTERMSIG(status), largest=largest, total=total, cpu=cpu)
    else:
        report(exit=os.WEXITSTATUS(status), largest=largest, total=total, cpu=cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
