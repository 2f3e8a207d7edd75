"""The sandbox, with real processes in real bubblewrap: what a hostile script sees of
the host (nothing), what it may write, reach and signal, and every limit stopping
what passes it."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.gitrepo import REPO_ROOT
from support.sandboxing import Server, connect_script, needs_sandbox, processes_mentioning
from synthledger.verifying import sandbox
from synthledger.verifying.limits import Limits, MiB
from synthledger.verifying.sandbox import SandboxError

pytestmark = needs_sandbox

QUICK = Limits(wall_seconds=10.0, cpu_seconds=10, memory_bytes=1024 * MiB, output_bytes=MiB)
# What the command may find at the top of its file system, and nothing else.
TOP = {"bin", "dev", "lib", "lib32", "lib64", "libx32", "opt", "proc", "sbin", "usr", "work"}

# Tries each path and prints, per path, what it got: the bytes or entries, or the error.
PROBE = """\
import json, os, sys
seen = {}
for path in json.loads(sys.argv[1]):
    try:
        if os.path.isdir(path):
            seen[path] = sorted(os.listdir(path))
        else:
            with open(path, 'rb') as stream:
                seen[path] = stream.read(200).decode('utf-8', 'replace')
    except OSError as exc:
        seen[path] = exc.strerror
print(json.dumps(seen))
"""


def python(
    code: str,
    files: dict[str, bytes] | None = None,
    *args: str,
    limits: Limits = QUICK,
    allow_network: bool = False,
) -> sandbox.Run:
    tool, executable = sandbox.python_interpreter()
    return sandbox.run(
        [executable, "-I", "-c", code, *args],
        files or {},
        limits,
        tools=[tool],
        allow_network=allow_network,
    )


def probe(*paths: str | Path) -> dict[str, Any]:
    ran = python(PROBE, {}, json.dumps([str(p) for p in paths]))
    assert ran.succeeded, ran.stderr
    seen: dict[str, Any] = json.loads(ran.stdout)
    return seen


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def test_the_command_sees_only_its_files_and_a_scrubbed_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SYNTHLEDGER_TEST_SECRET", "do-not-leak")
    code = (
        "import os, json\n"
        "print(json.dumps({'cwd': os.getcwd(), 'files': sorted(os.listdir('.')),\n"
        "  'inner': sorted(os.listdir('artifacts')), 'env': dict(os.environ),\n"
        "  'fds': sorted(os.listdir('/proc/self/fd')), 'uid': os.getuid(), 'gid': os.getgid(),\n"
        "  'pid1': open('/proc/1/environ', 'rb').read().decode(),\n"
        "  'cmdline': open('/proc/1/cmdline', 'rb').read().decode()}))\n"
    )
    ran = python(code, {"artifacts/data.csv": b"a,b\n1,2\n"})

    assert ran.succeeded, ran.stderr
    seen = json.loads(ran.stdout)
    assert (seen["cwd"], seen["files"], seen["inner"]) == ("/work", ["artifacts"], ["data.csv"])
    tool, _ = sandbox.python_interpreter()
    assert set(seen["env"]) == {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ", "PWD"} | set(
        tool.env
    )
    assert seen["env"]["HOME"] == seen["env"]["TMPDIR"] == "/work"
    assert (seen["uid"], seen["gid"]) == (65534, 65534)
    # bwrap, PID 1 here, started with an empty environment and its options in a memfd.
    assert seen["pid1"] == ""
    assert "do-not-leak" not in ran.stdout.decode()
    assert tool.host not in ran.stdout.decode()
    assert seen["cmdline"].split("\0")[:2] == [sandbox.bubblewrap().path, "--args"]
    # stdin, stdout, stderr and the descriptor listing itself: no memfd is left open.
    assert len(seen["fds"]) == 4


def test_the_hosts_secrets_home_and_archive_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    callers = Path.home()  # the real one: root's, in CI
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\ttoken = do-not-leak\n")
    monkeypatch.setenv("HOME", str(home))
    git = REPO_ROOT / ".git"
    config = git / "config" if git.is_dir() else git  # a worktree's .git is a file
    secrets: list[str | Path] = ["/etc/shadow", "/etc/passwd", home / ".gitconfig", config]
    secrets += [callers, callers / ".bashrc"]

    seen = probe(*secrets, "/proc/1/environ")

    for path in secrets:
        assert seen[str(path)] == "No such file or directory", path
    assert seen["/proc/1/environ"] == ""


def test_listing_the_root_shows_an_empty_system_and_nothing_of_the_host(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "records").mkdir()

    seen = probe("/", "/root", "/home", "/etc", "/tmp", "/var", archive, REPO_ROOT, "/opt")

    assert set(seen["/"]) <= TOP
    for hidden in ("/root", "/home", "/etc", "/tmp", "/var", str(archive), str(REPO_ROOT)):
        assert seen[hidden] == "No such file or directory", hidden
    tool, _ = sandbox.python_interpreter()
    assert seen["/opt"] == (["python"] if tool.bound else "No such file or directory")


def test_usr_local_is_hidden_and_only_the_interpreter_is_added() -> None:
    seen = probe("/usr/local", "/usr")

    assert seen["/usr/local"] == []
    assert "bin" in seen["/usr"]


def test_nothing_outside_the_work_directory_is_writable(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    paths = ["/x", "/usr/x", "/dev/x", "/dev/shm/x", "/opt/x", str(outside / "x")]
    code = (
        "import os\n"
        f"for path in [*{paths!r}, 'mine']:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "        print('wrote', path)\n"
        "    except OSError as exc:\n"
        "        print('refused', path, exc.errno)\n"
        "open('/dev/null', 'w').write('x')\n"
        "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1])\n"
    )
    ran = python(code)

    assert ran.succeeded, ran.stderr
    assert ran.stdout.decode().splitlines() == [
        "refused /x 30",  # EROFS
        "refused /usr/x 30",
        "refused /dev/x 30",
        "refused /dev/shm/x 30",
        "refused /opt/x 30",
        f"refused {outside / 'x'} 2",  # ENOENT: the host's folders are not there at all
        "wrote mine",
        "0000000000000000",  # no capability left
    ]
    assert not (outside / "x").exists()


def test_the_command_cannot_create_a_user_namespace_of_its_own() -> None:
    code = "import subprocess\nprint(subprocess.run(['unshare', '--user', 'true']).returncode)\n"

    ran = python(code)

    assert ran.succeeded, ran.stderr
    assert ran.stdout == b"1\n"
    assert b"unshare failed" in ran.stderr


def test_the_network_is_unreachable_inside_even_the_hosts_loopback(server: Server) -> None:
    loopback = python(connect_script(server.port))
    outside = python(connect_script(server.port).replace("127.0.0.1", "192.0.2.1"))

    assert loopback.exit_status == 1
    assert b"Connection refused" in loopback.stderr  # its own loopback, where nothing listens
    assert b"Network is unreachable" in outside.stderr
    assert loopback.network == "isolated"
    assert "network" in loopback.confinement.namespaces
    assert server.accepted == 0


def test_allow_network_lets_the_connection_through(server: Server) -> None:
    ran = python(connect_script(server.port), allow_network=True)

    assert ran.succeeded, ran.stderr
    assert ran.stdout == b"hello\n"
    assert ran.network == "allowed"
    assert "network" not in ran.confinement.namespaces
    assert server.accepted == 1


def test_a_process_outside_cannot_be_signalled() -> None:
    outside = subprocess.Popen(["sleep", "30"])
    try:
        code = (
            "import os, signal\n"
            "try:\n"
            f"    os.kill({outside.pid}, signal.SIGKILL)\n"
            "    print('sent')\n"
            "except OSError as exc:\n"
            "    print(exc.strerror)\n"
            "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
        )
        ran = python(code)
        time.sleep(0.1)
        assert outside.poll() is None
    finally:
        outside.kill()
        outside.wait()

    assert ran.succeeded, ran.stderr
    assert ran.stdout.decode().splitlines() == ["No such process", "[1, 2]"]


def test_without_bubblewrap_it_refuses_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox.bubblewrap.cache_clear()
    try:
        with pytest.raises(SandboxError) as raised:
            python("print('ran')", allow_network=True)  # the one relaxation is not a way out
    finally:
        sandbox.bubblewrap.cache_clear()

    assert str(raised.value) == (
        "bubblewrap (bwrap) is not on PATH: install Debian's or Ubuntu's bubblewrap "
        "package (apt-get install bubblewrap)"
    )


def test_a_bubblewrap_that_cannot_create_namespaces_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    stand_in = tmp_path / "bwrap"
    stand_in.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --version ]; then echo "bubblewrap 0.8.0"; exit 0; fi\n'
        "echo 'bwrap: setting up uid map: Permission denied' >&2\n"
        f"touch {marker}\n"
        "exit 1\n"
    )
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    sandbox.bubblewrap.cache_clear()
    try:
        with pytest.raises(SandboxError) as raised:
            python("print('ran')")
    finally:
        sandbox.bubblewrap.cache_clear()

    assert str(raised.value).startswith(
        "bubblewrap cannot create its sandbox here (bwrap: setting up uid map: Permission "
        "denied): let it create user namespaces"
    )
    assert marker.exists()  # only the trial run: the command itself never started


def test_an_endless_loop_stops_at_the_wall_limit_and_leaves_no_process() -> None:
    token = f"synthledger-straggler-{uuid.uuid4().hex}"
    code = (
        "import os, subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c',\n"
        f"  'import os, time\\nos.setsid()\\ntime.sleep(300)', {token!r}])\n"
        "while True:\n"
        "    pass\n"
    )
    started = time.monotonic()
    ran = python(code, limits=Limits(wall_seconds=1.0, cpu_seconds=30))

    assert ran.stopped == "time-limit"
    assert ran.signal == signal.SIGKILL and ran.exit_status is None
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert processes_mentioning(token) == []


def test_what_the_command_leaves_running_ends_with_it() -> None:
    token = f"synthledger-leftover-{uuid.uuid4().hex}"
    code = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c',\n"
        f"  'import os, time\\nos.setsid()\\ntime.sleep(300)', {token!r}])\n"
        "print('done')\n"
    )
    ran = python(code)

    assert ran.succeeded, ran.stderr
    time.sleep(0.2)
    assert processes_mentioning(token) == []


def test_cpu_time_is_limited_per_process() -> None:
    limits = Limits(wall_seconds=20.0, cpu_seconds=1)

    ran = python("while True:\n    pass\n", limits=limits)

    # SIGXCPU, not the supervisor's SIGKILL: the CPU limit stopped it, not the wall
    # limit (no tighter bound on wall time: a loaded machine gives 1 CPU second slowly).
    assert (ran.stopped, ran.signal) == ("time-limit", signal.SIGXCPU), ran
    assert ran.seconds < limits.wall_seconds, ran


def test_memory_is_limited() -> None:
    ran = python("x = bytearray(512 * 1024 * 1024)", limits=Limits(memory_bytes=256 * MiB))

    assert ran.stopped == "memory-limit"
    assert b"MemoryError" in ran.stderr


def test_a_huge_file_stops_at_the_output_limit() -> None:
    code = (
        "with open('big.bin', 'wb') as f:\n"
        "    for _ in range(1024):\n"
        "        f.write(bytes(1024 * 1024))\n"  # 1 GiB, if nothing stopped it
    )
    started = time.monotonic()
    ran = python(code)

    assert ran.stopped == "output-limit"
    assert b"File too large" in ran.stderr
    assert time.monotonic() - started < 5


def test_a_large_artifact_is_copied_in_whatever_the_output_limit() -> None:
    data = bytes(3 * MiB)  # three times the output limit of QUICK

    ran = python(
        "import os\nprint(os.path.getsize('artifacts/big.bin'))\n", {"artifacts/big.bin": data}
    )

    assert ran.succeeded, ran.stderr
    assert ran.stdout == b"3145728\n"


def test_many_small_files_stop_at_the_output_limit_in_all() -> None:
    code = (
        "for i in range(64):\n"
        "    with open(f'part-{i}', 'wb') as f:\n"
        "        f.write(bytes(256 * 1024))\n"  # each under the limit, 16 MiB in all
    )
    ran = python(code)

    assert ran.stopped == "output-limit"
    assert b"No space left on device" in ran.stderr


def test_a_flood_on_standard_output_stops_at_the_output_limit() -> None:
    ran = python("while True:\n    print('x' * 1000)\n")

    assert ran.stopped == "output-limit"
    assert len(ran.stdout) == MiB


def test_the_confinement_names_no_host_path() -> None:
    ran = python("print('ok')", {"artifacts/a.csv": b"1\n"})
    tool, _ = sandbox.python_interpreter()

    record = json.dumps(ran.confinement.as_record())
    assert ran.confinement.program == "bubblewrap"
    assert ran.confinement.visible[-1].startswith("/work writable: a tmpfs of ")
    if tool.bound:
        assert tool.host not in record
        assert "/opt/python read-only: the Python interpreter" in ran.confinement.visible
