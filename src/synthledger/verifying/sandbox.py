"""Run one command in a sandbox: a fresh copy of its inputs, limits, and no network.

What is enforced, and how (see docs/REPRODUCTION.md for the whole account):

- a fresh temporary directory holding copies of the given files only; the
  command starts there, with HOME and TMPDIR pointing into it;
- a scrubbed environment: PATH, HOME, TMPDIR, LANG, LC_ALL and TZ, plus what
  the caller adds (nothing else of the caller's environment gets through);
- no network: new user, network, mount and PID namespaces (util-linux
  ``unshare``); the network namespace has only a loopback device, and it is
  down. Where no namespace can be had, :func:`run` refuses unless the caller
  allows the network, and :attr:`Run.network` says which it was;
- no write access outside the work directory: inside the mount namespace every
  mount is remounted read-only, the work directory is a fresh tmpfs whose size
  caps what the command can write in all, and every capability is dropped
  before the command runs, so it cannot remount anything back;
- limits: wall time (the whole process group is killed, and with it the PID
  namespace and everything the command started, even a process that left its
  process group), CPU seconds and address space per process (setrlimit),
  bytes written to any one file (RLIMIT_FSIZE) and bytes on stdout and
  stderr (the command is killed past the cap).

Not enforced: a CPU or memory budget across several processes (limits are per
process; the wall limit bounds the whole), the number of processes, reading
files that are readable anyway (the file system stays visible, read-only),
and, without namespaces, anything of the file system and process confinement:
there the command runs in its directory with the limits above, no more.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from synthledger.errors import SynthledgerError

CONFINE = Path(__file__).with_name("confine.py")
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# Namespaces, strongest first. Without --user only root can create them.
NAMESPACES = (
    ("--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"),
    ("--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child"),
    ("--mount", "--pid", "--fork", "--kill-child", "--mount-proc"),
    ("--mount", "--pid", "--fork", "--kill-child"),
)
MiB = 1024 * 1024
GRACE_SECONDS = 2.0  # to drain the pipes once the command has gone
KEPT_STDERR = 64 * 1024


class SandboxError(SynthledgerError):
    """The sandbox cannot be had or set up here: nothing ran."""


@dataclass(frozen=True, slots=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 2048 * MiB
    output_bytes: int = 16 * MiB

    def as_record(self) -> dict[str, float | int]:
        """The limits as a verification record states them."""
        return {
            "wall_seconds": self.wall_seconds,
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.memory_bytes,
            "output_bytes": self.output_bytes,
        }

    def describe(self) -> str:
        return (
            f"wall {self.wall_seconds:g} s, CPU {self.cpu_seconds} s per process, "
            f"memory {_size(self.memory_bytes)} per process, output {_size(self.output_bytes)}"
        )


PROBE_LIMITS = Limits(wall_seconds=20.0)


@dataclass(frozen=True, slots=True)
class Isolation:
    """What this machine allows: the ``unshare`` options that work, or why none do."""

    options: tuple[str, ...] | None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Run:
    """How the command ended."""

    exit_status: int | None  # None when a signal ended it
    signal: int | None
    stdout: bytes
    stderr: bytes  # its last KEPT_STDERR bytes
    stopped: str | None  # time-limit | output-limit | memory-limit, when a limit stopped it
    seconds: float
    network: str  # isolated | allowed
    confined: bool  # file system read-only outside its directory, own PID namespace
    largest_file: int = 0
    written: int = 0

    @property
    def succeeded(self) -> bool:
        return self.stopped is None and self.exit_status == 0

    def describe(self) -> str:
        """How it ended, in a sentence fragment."""
        if self.signal is not None:
            ended = f"killed by signal {_signal_name(self.signal)}"
        else:
            ended = f"exit status {self.exit_status}"
        return f"{ended} after {self.seconds:.2f} s"

    def enforcement(self, limits: Limits) -> str:
        """What the sandbox enforced for this run, in one line."""
        network = (
            "network isolated (new network namespace)"
            if self.network == "isolated"
            else "network allowed (--allow-network)"
        )
        files = (
            "file system read-only outside the work directory, own PID namespace"
            if self.confined
            else "file system NOT confined (no mount namespace)"
        )
        return f"{network}; {files}; limits: {limits.describe()}"


def _size(count: int) -> str:
    return f"{count / MiB:g} MiB" if count % (MiB // 16) == 0 else f"{count} bytes"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


@cache
def isolation() -> Isolation:
    """Probe once which namespaces this machine lets us create (a real, tiny sandboxed run)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return Isolation(None, "util-linux unshare is not on PATH")
    problem = ""
    for options in NAMESPACES:
        if "--user" not in options and os.geteuid() != 0:
            continue
        full = (unshare, "--net", *options)
        try:
            probe = _run(full, [sys.executable, "-I", "-S", "-c", ""], {}, PROBE_LIMITS, {})
        except SandboxError as exc:
            problem = str(exc)
            continue
        if probe.succeeded:
            return Isolation(full)
        problem = f"a trial run in {' '.join(full[1:])} ended with {probe.describe()}"
    return Isolation(None, problem or "unshare cannot create namespaces here")


def run(
    argv: Sequence[str],
    files: Mapping[str, bytes],
    limits: Limits,
    *,
    allow_network: bool = False,
    env: Mapping[str, str] | None = None,
    cwd: str = "",
) -> Run:
    """Run ``argv`` in a fresh directory holding ``files`` (relative POSIX path -> bytes),
    from its subdirectory ``cwd`` when given.

    Refuses (SandboxError, nothing run) when no network namespace can be had
    and ``allow_network`` is False.
    """
    found = isolation()
    if found.options is None:
        if not allow_network:
            raise SandboxError(
                f"no network namespace can be created here ({found.problem}), so the "
                "command would run with network access and without file system "
                "confinement; refusing. Pass --allow-network to run it anyway: the "
                "record will say the network was allowed"
            )
        prefix: tuple[str, ...] = ()
    elif allow_network:
        prefix = tuple(option for option in found.options if option != "--net")
    else:
        prefix = found.options
    return _run(prefix, argv, files, limits, dict(env or {}), allow_network=allow_network, cwd=cwd)


def _run(
    prefix: Sequence[str],
    argv: Sequence[str],
    files: Mapping[str, bytes],
    limits: Limits,
    env: dict[str, str],
    *,
    allow_network: bool = False,
    cwd: str = "",
) -> Run:
    confined = bool(prefix)
    with tempfile.TemporaryDirectory(prefix="synthledger-sandbox-") as temporary:
        top = Path(temporary)
        inputs, work = top / "in", top / "work"
        work.mkdir(mode=0o700)
        inputs.mkdir()
        for relative, content in files.items():
            target = inputs.joinpath(*PurePosixPath(relative).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if relative == argv[0].removeprefix("./"):
                target.chmod(0o755)
        environment = {
            "PATH": SAFE_PATH,
            "HOME": str(work),
            "TMPDIR": str(work),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            **env,
        }
        read_fd, write_fd = os.pipe()
        spec = {
            "inputs": str(inputs),
            "work": str(work),
            "cwd": str(work.joinpath(*PurePosixPath(cwd).parts)),
            "confine": confined,
            # A page of room per file copied in, then the output budget.
            "work_bytes": sum(len(c) + 4096 for c in files.values()) + limits.output_bytes,
            "argv": list(argv),
            "env": environment,
            "limits": limits.as_record(),
            "report_fd": write_fd,
        }
        command = [*prefix, sys.executable, "-I", "-S", str(CONFINE), json.dumps(spec)]
        try:
            outcome = _supervise(command, environment, write_fd, read_fd, limits)
        finally:
            os.close(read_fd)
        stdout, stderr, stopped, seconds, report = outcome
    if "setup_error" in report:
        raise SandboxError(f"the sandbox could not be set up: {report['setup_error']}")
    if not report and stopped is None:
        raise SandboxError(
            "the sandbox ended without a report: " + stderr.decode("utf-8", "replace").strip()
        )
    largest, written = int(report.get("largest", 0)), int(report.get("total", 0))
    exit_status: int | None = None
    signal_number: int | None = int(signal.SIGKILL)  # when the supervisor killed it
    if stopped is None:
        exit_status = _number(report.get("exit"))
        signal_number = _number(report.get("signal"))
        stopped = _limit_hit(report, stderr, sum(len(c) for c in files.values()), limits)
    return Run(
        exit_status=exit_status,
        signal=signal_number,
        stdout=stdout,
        stderr=stderr[-KEPT_STDERR:],
        stopped=stopped,
        seconds=seconds,
        network="allowed" if allow_network or not confined else "isolated",
        confined=confined,
        largest_file=largest,
        written=written,
    )


def _number(value: int | float | str | None) -> int | None:
    return value if isinstance(value, int) else None


def _limit_hit(
    report: Mapping[str, int | float | str], stderr: bytes, inputs: int, limits: Limits
) -> str | None:
    """Which limit stopped a command that the supervisor did not have to kill."""
    signal_number = report.get("signal")
    cpu = report.get("cpu", 0.0)
    largest, written = int(report.get("largest", 0)), int(report.get("total", 0)) - inputs
    tail = stderr[-4096:]
    if signal_number == signal.SIGXCPU or (
        signal_number == signal.SIGKILL
        and isinstance(cpu, (int, float))
        and cpu >= limits.cpu_seconds - 0.5
    ):
        return "time-limit"  # CPU: SIGXCPU at the soft limit, SIGKILL a second later
    if (
        signal_number == signal.SIGXFSZ
        or largest >= limits.output_bytes
        or written >= limits.output_bytes
        or b"No space left on device" in tail
    ):
        return "output-limit"
    if b"MemoryError" in tail or b"Cannot allocate memory" in tail or b"out of memory" in tail:
        return "memory-limit"
    return None


def _supervise(
    command: Sequence[str],
    env: Mapping[str, str],
    write_fd: int,
    read_fd: int,
    limits: Limits,
) -> tuple[bytes, bytes, str | None, float, dict[str, int | float | str]]:
    """Run ``command`` in a new session; kill its whole group at the wall or output limit.

    Returns stdout, stderr, the limit the supervisor enforced (if any), the
    seconds it ran and the confine report.
    """
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            pass_fds=(write_fd,),
            start_new_session=True,
        )
    except OSError as exc:
        raise SandboxError(f"cannot start the sandbox: {exc.strerror}") from exc
    finally:
        os.close(write_fd)
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
    try:
        while selector.get_map():
            now = time.monotonic()
            if gone_at is None and process.poll() is not None:
                gone_at = now
                _kill_group(process.pid)  # what it left behind, outside a PID namespace
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
        process.wait()
        process.stdout.close()
        process.stderr.close()
    seconds = time.monotonic() - started
    stdout, stderr = b"".join(chunks[out]), b"".join(chunks[err])
    return stdout[: limits.output_bytes], stderr, stopped, seconds, _report(read_fd)


def _report(read_fd: int) -> dict[str, int | float | str]:
    """The confine report, once every writer has gone."""
    os.set_blocking(read_fd, False)
    raw = b""
    try:
        while block := os.read(read_fd, 65536):
            raw += block
    except BlockingIOError:
        pass
    try:
        report = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
