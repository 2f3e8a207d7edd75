"""The sandbox, with real processes: a fresh directory, a scrubbed environment, no
network, nothing writable outside, and every limit stopping what passes it."""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandboxing import Server, connect_script, needs_namespaces, processes_mentioning
from synthledger.verifying import sandbox
from synthledger.verifying.sandbox import Limits, MiB, SandboxError

PYTHON = sys.executable
QUICK = Limits(wall_seconds=10.0, cpu_seconds=10, memory_bytes=1024 * MiB, output_bytes=MiB)


def python(code: str, files: dict[str, bytes] | None = None, **kwargs: object) -> sandbox.Run:
    limits = kwargs.pop("limits", QUICK)
    assert isinstance(limits, Limits)
    allow = bool(kwargs.pop("allow_network", False))
    return sandbox.run([PYTHON, "-I", "-c", code], files or {}, limits, allow_network=allow)


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
        "  'fds': sorted(os.listdir('/proc/self/fd'))}))\n"
    )
    ran = python(code, {"artifacts/data.csv": b"a,b\n1,2\n"})

    assert ran.succeeded, ran.stderr
    seen = json.loads(ran.stdout)
    assert seen["files"] == ["artifacts"]
    assert seen["inner"] == ["data.csv"]
    assert set(seen["env"]) == {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ"}
    assert seen["env"]["HOME"] == seen["env"]["TMPDIR"] == seen["cwd"]
    assert "do-not-leak" not in ran.stdout.decode()
    # stdin, stdout, stderr and the descriptor listing itself: the report pipe is not there.
    assert len(seen["fds"]) == 4


@needs_namespaces
def test_nothing_outside_the_work_directory_is_writable(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    paths = [str(outside / "x"), "/tmp/synthledger-test-x"]
    code = (
        "import os\n"
        f"for path in [*{paths!r}, os.path.expanduser('~/ok')]:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "        print('wrote', os.path.basename(path))\n"
        "    except OSError as exc:\n"
        "        print('refused', os.path.basename(path), exc.errno)\n"
        "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1])\n"
    )
    ran = python(code)

    assert ran.succeeded, ran.stderr
    assert ran.stdout.decode().splitlines() == [
        "refused x 30",  # EROFS
        "refused synthledger-test-x 30",
        "wrote ok",
        "0000000000000000",  # no capability left to remount anything writable
    ]
    assert not (outside / "x").exists()
    assert ran.confined


@needs_namespaces
def test_the_network_is_unreachable_inside(server: Server) -> None:
    ran = python(connect_script(server.port))

    assert ran.exit_status == 1
    assert b"Network is unreachable" in ran.stderr
    assert ran.network == "isolated"
    assert server.accepted == 0


def test_allow_network_lets_the_connection_through(server: Server) -> None:
    ran = python(connect_script(server.port), allow_network=True)

    assert ran.succeeded, ran.stderr
    assert ran.stdout == b"hello\n"
    assert ran.network == "allowed"
    assert server.accepted == 1


def test_without_namespaces_it_refuses_unless_the_network_is_allowed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no unshare to be found
    sandbox.isolation.cache_clear()
    try:
        assert sandbox.isolation().options is None
        with pytest.raises(SandboxError, match=r"no network namespace .*--allow-network"):
            python("print('ran')")
        ran = python("print('ran')", allow_network=True)
    finally:
        sandbox.isolation.cache_clear()

    assert ran.stdout == b"ran\n"
    assert (ran.network, ran.confined) == ("allowed", False)
    assert "file system NOT confined" in ran.enforcement(QUICK)


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
    assert ran.signal == 9 and ran.exit_status is None
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert processes_mentioning(token) == []


def test_cpu_time_is_limited_per_process() -> None:
    ran = python("while True:\n    pass\n", limits=Limits(wall_seconds=20.0, cpu_seconds=1))

    assert ran.stopped == "time-limit"
    assert ran.seconds < 5


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
    assert ran.largest_file == MiB
    assert time.monotonic() - started < 5


@needs_namespaces
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
