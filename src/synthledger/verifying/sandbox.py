"""Run one command in bubblewrap: its artifacts and an interpreter, nothing else of the host.

What the command sees and may do (docs/REPRODUCTION.md has the whole account):

- new user, PID, network, IPC, UTS and mount namespaces (Debian's
  ``bubblewrap``); it runs as uid and gid 65534 even when the caller is root,
  with every capability dropped, and cannot create a user namespace of its own;
- a root file system built from nothing: the host's /usr read-only with
  /usr/local hidden, the /bin, /lib... links or folders the host has there,
  the interpreter's (or toolchain's) own folder read-only at /opt/NAME, a
  fresh /proc of its own PID namespace, a read-only minimal /dev, and /work:
  a size-capped tmpfs holding copies of the given files, the only writable
  place. No /etc, /home, /root, /tmp, /var, nor the archive and its .git;
- an environment of PATH, HOME and TMPDIR (/work), LANG, LC_ALL, TZ and what
  the tool needs; bubblewrap itself starts with an empty environment and
  reads its options from a descriptor, so /proc/1 shows neither the caller's
  environment nor a host path;
- no network unless ``allow_network``: the network namespace has only its
  own loopback device, so the host's loopback services are out of reach;
- limits: wall time (bubblewrap's process group is killed, and with it the
  PID namespace and everything the command started), CPU seconds and address
  space per process, bytes in any one file (util-linux ``prlimit`` inside),
  bytes on stdout and stderr (killed past the cap), and all bytes written
  (the tmpfs size).

Not enforced: a CPU or memory budget across several processes, the number of
processes, and what the kernel shows every process (/proc/cpuinfo, the
kernel version, the mount table, which names the host folder an interpreter
was bound from).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from synthledger.errors import SynthledgerError
from synthledger.verifying.limits import Limits, size
from synthledger.verifying.supervise import limit_hit, supervise

KEPT_STDERR = 64 * 1024
PROBE_SECONDS = 20.0

WORK = "/work"
INSIDE_PATH = "/usr/bin:/bin"
UID = GID = 65534  # nobody and nogroup on Debian and Ubuntu
HOSTNAME = "sandbox"
PRLIMIT = "/usr/bin/prlimit"
TOP_LEVEL = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
INSTALL = "install Debian's or Ubuntu's bubblewrap package (apt-get install bubblewrap)"
ENABLE = (
    "let it create user namespaces (sysctl kernel.unprivileged_userns_clone=1; on "
    "Ubuntu 24.04 an AppArmor profile for bwrap, see docs/REPRODUCTION.md), or run as root"
)


class SandboxError(SynthledgerError):
    """The sandbox cannot be had or set up here: nothing ran."""


@dataclass(frozen=True, slots=True)
class Tool:
    """A host folder holding a program the command needs (an interpreter, a toolchain),
    shown read-only at ``inside``: at /opt/NAME, or in place when /usr holds it."""

    name: str  # what it is, in the record's words: "the Python interpreter"
    host: str  # never written to a record
    inside: str
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def at(cls, name: str, host: str, slug: str, env: Mapping[str, str] | None = None) -> Tool:
        real = os.path.realpath(host)
        in_place = real == "/usr" or (
            real.startswith("/usr/") and not (real + "/").startswith("/usr/local/")
        )
        return cls(name, real, real if in_place else f"/opt/{slug}", dict(env or {}))

    @property
    def bound(self) -> bool:
        return self.inside != self.host

    def path(self, host_path: str) -> str:
        """Where ``host_path``, a file inside this tool's folder, appears in the sandbox."""
        relative = os.path.relpath(os.path.realpath(host_path), self.host)
        if relative.startswith(".."):
            raise SandboxError(f"{host_path} lies outside {self.name}'s folder")
        return str(PurePosixPath(self.inside, relative))


@cache
def python_interpreter() -> tuple[Tool, str]:
    """The Python running synthledger as the sandbox shows it, and its executable there.

    A virtual environment's packages are not part of it: the command gets the
    interpreter's own standard library and site-packages.
    """
    executable = getattr(sys, "_base_executable", None) or sys.executable
    tool = Tool.at("the Python interpreter", sys.base_prefix, "python")
    libdir = sysconfig.get_config_var("LIBDIR")
    if tool.bound and sysconfig.get_config_var("Py_ENABLE_SHARED") and isinstance(libdir, str):
        # A shared build finds libpython by the absolute path it was built with.
        tool = replace(tool, env={"LD_LIBRARY_PATH": tool.path(libdir)})
    return tool, tool.path(executable)


@dataclass(frozen=True, slots=True)
class Confinement:
    """What confined a run, as its verification record states it: no host path."""

    program: str
    version: str
    namespaces: tuple[str, ...]
    uid: int
    gid: int
    visible: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "version": self.version,
            "namespaces": list(self.namespaces),
            "uid": self.uid,
            "gid": self.gid,
            "visible": list(self.visible),
        }

    def describe(self, limits: Limits) -> str:
        """What the sandbox enforced, in one line."""
        network = "network isolated" if "network" in self.namespaces else "network allowed"
        return (
            f"{self.program} {self.version}, uid {self.uid}, new {', '.join(self.namespaces)} "
            f"namespaces, {network}; visible: {'; '.join(self.visible)}; "
            f"limits: {limits.describe()}"
        )


@dataclass(frozen=True, slots=True)
class Run:
    """How the command ended."""

    exit_status: int | None  # None when a signal ended it
    signal: int | None
    stdout: bytes
    stderr: bytes  # its last KEPT_STDERR bytes
    stopped: str | None  # time-limit | output-limit | memory-limit, when a limit stopped it
    seconds: float
    confinement: Confinement

    @property
    def succeeded(self) -> bool:
        return self.stopped is None and self.exit_status == 0

    @property
    def network(self) -> str:
        """isolated or allowed, as the record states it."""
        return "isolated" if "network" in self.confinement.namespaces else "allowed"

    def describe(self) -> str:
        """How it ended, in a sentence fragment."""
        if self.signal is not None:
            ended = f"killed by signal {_signal_name(self.signal)}"
        else:
            ended = f"exit status {self.exit_status}"
        return f"{ended} after {self.seconds:.2f} s"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


@dataclass(frozen=True, slots=True)
class Bubblewrap:
    """The bwrap this machine has, and proof that it can create its namespaces here."""

    path: str
    version: str


@cache
def bubblewrap() -> Bubblewrap:
    """Find bwrap and try it once (a real, tiny sandboxed run); SandboxError says how to fix."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxError(f"bubblewrap (bwrap) is not on PATH: {INSTALL}")
    try:
        shown = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=PROBE_SECONDS, env={}
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxError(f"{path} --version failed ({exc}): {INSTALL}") from exc
    if not os.access(PRLIMIT, os.X_OK):
        raise SandboxError(f"util-linux prlimit is not at {PRLIMIT}: install util-linux")
    found = Bubblewrap(path, shown[-1] if shown else "unknown")
    trial = _start(found, ["true"], {}, Limits(wall_seconds=PROBE_SECONDS))
    if not trial.succeeded:
        said = trial.stderr.decode("utf-8", "replace").strip().splitlines()
        why = said[-1] if said else trial.describe()
        raise SandboxError(f"bubblewrap cannot create its sandbox here ({why}): {ENABLE}")
    return found


def run(
    argv: Sequence[str],
    files: Mapping[str, bytes],
    limits: Limits,
    *,
    tools: Sequence[Tool] = (),
    allow_network: bool = False,
    env: Mapping[str, str] | None = None,
    cwd: str = "",
    executable: str = "",
) -> Run:
    """Run ``argv`` in /work holding ``files`` (relative POSIX path -> bytes), from its
    subfolder ``cwd`` when given, with ``tools`` visible read-only.

    ``executable`` names the file among ``files`` to mark executable. Raises
    SandboxError, with nothing run, where bubblewrap is missing or cannot
    create its namespaces.
    """
    return _start(
        bubblewrap(),
        argv,
        files,
        limits,
        tools=tools,
        env=env or {},
        allow_network=allow_network,
        cwd=cwd,
        executable=executable,
    )


def _start(
    found: Bubblewrap,
    argv: Sequence[str],
    files: Mapping[str, bytes],
    limits: Limits,
    *,
    tools: Sequence[Tool] = (),
    env: Mapping[str, str] | None = None,
    allow_network: bool = False,
    cwd: str = "",
    executable: str = "",
) -> Run:
    namespaces = ["user", "mount", "pid", "ipc", "uts"] + ([] if allow_network else ["network"])
    options = [
        *("--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts"),
        *(() if allow_network else ("--unshare-net",)),
        *("--unshare-cgroup-try", "--disable-userns"),
        *("--uid", str(UID), "--gid", str(GID), "--hostname", HOSTNAME),
        *("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"),
    ]
    environment = {
        "PATH": INSIDE_PATH,
        "HOME": WORK,
        "TMPDIR": WORK,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        **{k: v for tool in tools for k, v in tool.env.items()},
        **(env or {}),
    }
    for name, value in environment.items():
        options += ["--setenv", name, value]
    # A page of room per file copied in, then the output budget.
    work_bytes = sum(len(c) + 4096 for c in files.values()) + limits.output_bytes
    mounts, visible = _root(tools, work_bytes)
    descriptors: list[int] = []
    try:
        copies = _copies(files, executable, descriptors)
        start = str(PurePosixPath(WORK, *PurePosixPath(cwd).parts))
        options += [*mounts, *copies, "--chdir", start, "--remount-ro", "/"]
        descriptors.append(_memfd("bwrap-options", b"".join(o.encode() + b"\0" for o in options)))
        command = [
            found.path,
            "--args",
            str(descriptors[-1]),
            "--",
            PRLIMIT,
            f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",  # SIGXCPU, then SIGKILL
            f"--as={limits.memory_bytes}:{limits.memory_bytes}",
            f"--fsize={limits.output_bytes}:{limits.output_bytes}",
            "--core=0:0",
            *argv,
        ]
        try:
            status, stdout, stderr, stopped, seconds, cpu = supervise(command, descriptors, limits)
        except OSError as exc:
            raise SandboxError(f"cannot start bubblewrap: {exc.strerror}") from exc
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    confinement = Confinement("bubblewrap", found.version, tuple(namespaces), UID, GID, visible)
    exit_status: int | None = None
    signal_number: int | None = int(signal.SIGKILL)  # when the supervisor killed it
    if stopped is None:
        # bwrap exits with the command's status, or 128 + the signal that ended it.
        if status < 0:
            signal_number = -status
        elif status > 128 and status - 128 < signal.NSIG:
            signal_number = status - 128
        else:
            exit_status, signal_number = status, None
        if exit_status != 0:  # a command that succeeded was stopped by nothing
            stopped = limit_hit(signal_number, cpu, stderr, limits)
    return Run(
        exit_status=exit_status,
        signal=signal_number,
        stdout=stdout,
        stderr=stderr[-KEPT_STDERR:],
        stopped=stopped,
        seconds=seconds,
        confinement=confinement,
    )


def _root(tools: Sequence[Tool], work_bytes: int) -> tuple[list[str], tuple[str, ...]]:
    """bwrap's options for the root file system, and what they make visible."""
    mounts = ["--ro-bind", "/usr", "/usr"]
    visible = ["/usr read-only: the operating system's programs and libraries"]
    if os.path.isdir("/usr/local"):
        mounts += ["--tmpfs", "/usr/local", "--remount-ro", "/usr/local"]
        visible[0] += ", /usr/local hidden"
    for name in TOP_LEVEL:
        host = f"/{name}"
        if os.path.islink(host):
            target = os.readlink(host)
            mounts += ["--symlink", target, host]
            visible.append(f"{host} -> {target}")
        elif os.path.isdir(host):
            mounts += ["--ro-bind", host, host]
            visible.append(f"{host} read-only")
    for tool in tools:
        if tool.bound:
            mounts += ["--ro-bind", tool.host, tool.inside]
        visible.append(f"{tool.inside} read-only: {tool.name}")
    mounts += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]
    mounts += ["--perms", "0700", "--size", str(work_bytes), "--tmpfs", WORK]
    visible += [
        "/proc: the sandbox's own processes",
        "/dev read-only: null, zero, full, random, urandom, tty, pts",
        f"{WORK} writable: a tmpfs of {size(work_bytes)} holding copies of the artifacts",
    ]
    return mounts, tuple(dict.fromkeys(visible))


def _copies(files: Mapping[str, bytes], executable: str, descriptors: list[int]) -> list[str]:
    """bwrap's options that copy ``files`` into the work directory, each from a memfd."""
    options: list[str] = []
    folders: set[PurePosixPath] = set()
    for relative, content in sorted(files.items()):
        target = PurePosixPath(WORK, *PurePosixPath(relative).parts)
        for folder in reversed(target.parents[:-2]):  # below /work
            if folder not in folders:
                folders.add(folder)
                options += ["--perms", "0755", "--dir", str(folder)]
        descriptors.append(_memfd(relative, content))
        mode = "0755" if relative == executable else "0644"
        options += ["--perms", mode, "--file", str(descriptors[-1]), str(target)]
    return options


def _memfd(name: str, content: bytes) -> int:
    descriptor = os.memfd_create(name, 0)  # inherited by bwrap, which reads it
    view = memoryview(content)
    while view:
        view = view[os.write(descriptor, view) :]
    os.lseek(descriptor, 0, os.SEEK_SET)
    return descriptor
