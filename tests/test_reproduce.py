"""`synthledger reproduce`, as a contributor runs it: real archives, real processes.

Each test gives paper p1 a repro script, its data and its recorded results,
runs the command in a subprocess and reads the verification record it wrote
(or checks that it wrote none)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.archive import PAPER, REPORT, Archive, parse, run_cli, sha256_hex
from support.gitrepo import REPO_ROOT
from support.sandboxing import Server, connect_script, needs_sandbox, processes_mentioning

pytestmark = needs_sandbox

FOLDER = f"records/papers/{PAPER}"
VERIFICATIONS = f"{FOLDER}/verifications"
DATA = b"city,population\nAlpha,120\nBeta,80\n"
SUMMING = (
    b"import csv\n"
    b"rows = list(csv.DictReader(open('artifacts/data.csv', encoding='utf-8')))\n"
    b"print('cities', len(rows))\n"
    b"print('total', sum(int(r['population']) for r in rows))\n"
)
RESULTS = b"cities 2\ntotal 200\n"
EXAMPLE = "482203de28464b46"
SEEDS = ("5291ede05b044497", "ff1b47c123e856ad")


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    built = Archive(tmp_path / "archive")
    built.add_policy()
    return built


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def report_only(archive: Archive) -> str:
    """The template synthesis for p1, pinning its report and nothing else."""
    text = archive.synthesis_text()
    entry = f"  - path: artifacts/report.md\n    sha256: {sha256_hex(REPORT)}\n    role: report\n"
    return text[: text.index("  - path: artifacts/report.md")] + entry


def publish(
    archive: Archive, script: bytes, results: bytes = RESULTS, name: str = "repro.py"
) -> None:
    """Paper p1 pinning its report, ``script`` (role repro-script), data.csv and ``results``."""
    text = report_only(archive)
    for file, content, role in (
        (name, script, "repro-script"),
        ("data.csv", DATA, "data"),
        ("results.txt", results, "repro-results"),
    ):
        sha = archive.artifact(PAPER, file, content)
        text += f"  - path: artifacts/{file}\n    sha256: {sha}\n    role: {role}\n"
    archive.add_synthesis(text=text)


def reproduce(
    archive: Archive, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(["reproduce", PAPER, *options], cwd=archive.root, env=env)


def written(archive: Archive) -> list[dict[str, Any]]:
    """The verification records written, by file name."""
    folder = archive.root / VERIFICATIONS
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return [parse(file.read_text(encoding="utf-8")) for file in files]


def test_matching_output_is_verified_and_the_record_validates(archive: Archive) -> None:
    publish(archive, SUMMING)

    proc = reproduce(archive)

    assert proc.returncode == 0, proc.stderr
    [record] = written(archive)
    assert proc.stdout.startswith(f"{PAPER}  verified  {VERIFICATIONS}/{record['id']}.yaml\n")
    assert record["outcome"] == "verified"
    assert "reason" not in record
    assert (record["gate"], record["method"]) == ("gate-2", "sandbox-reproduction")
    assert [(a["path"], a["sha256"], a["role"]) for a in record["artifacts"]] == [
        ("artifacts/repro.py", sha256_hex(SUMMING), "repro-script"),
        ("artifacts/data.csv", sha256_hex(DATA), "data"),
        ("artifacts/results.txt", sha256_hex(RESULTS), "repro-results"),
    ]
    assert record["id"].startswith(record["evaluated"][:10] + "-repro-")
    assert record["environment"]["interpreter"].startswith("CPython 3.")
    assert record["environment"]["limits"] == {
        "wall_seconds": 60.0,
        "cpu_seconds": 60,
        "memory_bytes": 2048 * 1024 * 1024,
        "output_bytes": 16 * 1024 * 1024,
    }
    assert "the output equals the recorded results byte for byte" in record["detail"]
    assert record["contract"] == "verification-record-v2"
    confined = record["environment"]["sandbox"]
    assert (confined["program"], confined["uid"], confined["gid"]) == ("bubblewrap", 65534, 65534)
    assert confined["namespaces"] == ["user", "mount", "pid", "ipc", "uts", "network"]
    assert confined["visible"][0].startswith("/usr read-only")
    assert confined["visible"][-1].startswith("/work writable: a tmpfs of ")
    check = run_cli(["validate", "--format", "json"], cwd=archive.root)
    assert (check.returncode, json.loads(check.stdout)) == (0, []), check.stdout


def test_differing_output_fails_with_a_diff(archive: Archive) -> None:
    publish(archive, SUMMING, results=b"cities 2\ntotal 210\n")

    proc = reproduce(archive)

    assert proc.returncode == 1
    [record] = written(archive)
    assert (record["outcome"], record["reason"]) == ("failed", "output-mismatch")
    assert (
        "--- artifacts/results.txt (recorded)\n"
        "+++ standard output of the repro script\n"
        "@@ -1,2 +1,2 @@\n"
        " cities 2\n"
        "-total 210\n"
        "+total 200\n"
    ) in record["detail"]
    assert "-total 210\n+total 200" in proc.stdout
    assert run_cli(["validate"], cwd=archive.root).returncode == 0


def test_a_script_that_opens_a_connection_fails_inside_the_sandbox(
    archive: Archive, server: Server
) -> None:
    publish(archive, connect_script(server.port).encode(), results=b"hello\n")

    proc = reproduce(archive)

    assert proc.returncode == 1
    [record] = written(archive)
    assert (record["outcome"], record["reason"]) == ("failed", "rerun-failed")
    assert "Connection refused" in record["detail"]  # the sandbox's own loopback
    assert record["environment"]["network"] == "isolated"
    assert "network" in record["environment"]["sandbox"]["namespaces"]
    assert server.accepted == 0


def test_allow_network_is_recorded(archive: Archive, server: Server) -> None:
    publish(archive, connect_script(server.port).encode(), results=b"hello\n")

    proc = reproduce(archive, "--allow-network")

    assert proc.returncode == 0, proc.stdout + proc.stderr
    [record] = written(archive)
    assert record["environment"]["network"] == "allowed"
    assert "network allowed" in record["detail"]
    assert "network" not in record["environment"]["sandbox"]["namespaces"]
    assert server.accepted == 1


@pytest.mark.parametrize("options", [(), ("--allow-network",)])
def test_without_bubblewrap_it_refuses_and_writes_nothing(
    archive: Archive, tmp_path: Path, options: tuple[str, ...]
) -> None:
    publish(archive, SUMMING)
    empty = tmp_path / "bin"
    empty.mkdir()

    proc = run_cli(["reproduce", PAPER, *options], cwd=archive.root, env={"PATH": str(empty)})

    assert proc.returncode == 2
    assert proc.stderr == (
        "synthledger: error: bubblewrap (bwrap) is not on PATH: install Debian's or "
        "Ubuntu's bubblewrap package (apt-get install bubblewrap)\n"
    )
    assert proc.stdout == ""
    assert written(archive) == []


def test_a_hostile_script_finds_nothing_of_the_host_to_copy_into_the_record(
    archive: Archive, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[credential]\n\thelper = store-do-not-leak\n")
    (home / ".bashrc").write_text("export TOKEN=do-not-leak\n")
    subprocess.run(["git", "init", "-q"], cwd=archive.root, check=True)
    subprocess.run(["git", "config", "secret.token", "do-not-leak"], cwd=archive.root, check=True)
    targets = [
        "/etc/shadow",
        str(home / ".gitconfig"),
        str(home / ".bashrc"),
        str(archive.root / ".git" / "config"),
        "/proc/1/environ",
        "/",
        "/root",
        "/home",
        str(archive.root),
    ]
    script = (
        "import os\n"
        f"for path in {targets!r}:\n"
        "    try:\n"
        "        found = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()\n"
        "    except OSError as exc:\n"
        "        found = exc.strerror\n"
        "    print(repr(found))\n"
        "print('uid', os.getuid())\n"
    )
    publish(archive, script.encode(), results=b"nothing\n")

    proc = reproduce(archive, env={"HOME": str(home), "SYNTHLEDGER_TOKEN": "do-not-leak"})

    assert proc.returncode == 1, proc.stderr
    [record] = written(archive)
    assert record["reason"] == "output-mismatch"
    missing = "+'No such file or directory'"
    assert record["detail"].count(missing) == len(targets) - 2, record["detail"]
    assert "+''\n" in record["detail"]  # /proc/1/environ: bwrap started with no environment
    top = record["detail"].split("\n")[record["detail"].split("\n").index(missing) + 5]
    assert top.startswith("+['bin', 'dev', 'lib'") and "'work'" in top
    assert "+uid 65534" in record["detail"]
    text = next((archive.root / VERIFICATIONS).iterdir()).read_text(encoding="utf-8")
    assert "do-not-leak" not in text
    assert str(tmp_path) not in text
    assert sys.base_prefix not in text


def test_an_artifact_that_is_a_fifo_is_refused_before_anything_runs(archive: Archive) -> None:
    publish(archive, SUMMING)
    data = archive.root / FOLDER / "artifacts" / "data.csv"
    data.unlink()
    os.mkfifo(data)

    proc = reproduce(archive)

    assert proc.returncode == 1
    assert proc.stderr == (
        f"synthledger: paper {PAPER}: refusing to run anything, its artifacts do not match "
        "the record: artifacts/data.csv is a FIFO, not a regular file\n"
    )
    assert written(archive) == []


def test_the_diff_escapes_control_characters_and_is_capped(archive: Archive) -> None:
    script = b"print('cities 2\\x1b[2J\\r')\nprint('x' * 2000)\n"
    publish(archive, script)

    assert reproduce(archive).returncode == 1

    [record] = written(archive)
    assert "+cities 2\\x1b[2J\\x0d\n" in record["detail"]
    assert "+" + "x" * 499 + "[1501 more characters]\n" in record["detail"]  # "+" counts
    assert "\x1b" not in record["detail"]


def test_an_endless_loop_is_stopped_at_the_time_limit_leaving_no_process(
    archive: Archive,
) -> None:
    token = f"synthledger-straggler-{uuid.uuid4().hex}"
    script = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c',\n"
        f"  'import os, time\\nos.setsid()\\ntime.sleep(300)', {token!r}])\n"
        "while True:\n"
        "    pass\n"
    )
    publish(archive, script.encode())

    started = time.monotonic()
    proc = reproduce(archive, "--time", "1")

    assert time.monotonic() - started < 10
    assert proc.returncode == 1
    [record] = written(archive)
    assert (record["outcome"], record["reason"]) == ("failed", "time-limit")
    assert record["environment"]["limits"]["wall_seconds"] == 1.0
    assert "killed by signal SIGKILL" in record["detail"]
    time.sleep(0.2)
    assert processes_mentioning(token) == []


def test_a_script_writing_a_gigabyte_is_stopped_at_the_output_limit(archive: Archive) -> None:
    script = (
        b"with open('big.bin', 'wb') as f:\n"
        b"    for _ in range(1024):\n"
        b"        f.write(bytes(1024 * 1024))\n"
    )
    publish(archive, script)

    started = time.monotonic()
    proc = reproduce(archive, "--output", "1")

    assert time.monotonic() - started < 10
    assert proc.returncode == 1
    [record] = written(archive)
    assert (record["outcome"], record["reason"]) == ("failed", "output-limit")
    assert record["environment"]["limits"]["output_bytes"] == 1024 * 1024
    assert "File too large" in record["detail"]


def test_an_artifact_altered_after_publication_is_refused_and_nothing_runs(
    archive: Archive, server: Server
) -> None:
    # Were it run, the script would reach the server: the network is allowed here.
    publish(archive, connect_script(server.port).encode(), results=b"hello\n")
    archive.write(f"{FOLDER}/artifacts/data.csv", DATA + b"Gamma,1\n")

    proc = reproduce(archive, "--allow-network")

    assert proc.returncode == 1
    changed = sha256_hex(DATA + b"Gamma,1\n")
    assert proc.stderr == (
        f"synthledger: paper {PAPER}: refusing to run anything, its artifacts do not match "
        f"the record: artifacts/data.csv has sha256 {changed}, not the recorded "
        f"{sha256_hex(DATA)}\n"
    )
    assert proc.stdout == ""
    assert written(archive) == []
    assert server.accepted == 0


def test_each_attempt_is_a_new_file_and_none_is_edited(archive: Archive) -> None:
    publish(archive, SUMMING)
    assert reproduce(archive).returncode == 0
    [first] = sorted((archive.root / VERIFICATIONS).iterdir())
    before = first.read_bytes()

    assert reproduce(archive).returncode == 0

    files = sorted((archive.root / VERIFICATIONS).iterdir())
    assert len(files) == 2
    assert first.read_bytes() == before


def test_a_paper_without_a_repro_script_cannot_be_reproduced(archive: Archive) -> None:
    archive.add_synthesis(text=report_only(archive))

    proc = reproduce(archive)

    assert proc.returncode == 2
    assert proc.stderr == (
        f"synthledger: error: paper {PAPER} pins no artifact of role repro-script: "
        "a reproduction needs exactly one repro-script and one repro-results\n"
    )


def test_a_script_run_directly_needs_its_own_interpreter_line(archive: Archive) -> None:
    publish(archive, b"#!/bin/sh\nprintf 'cities 2\\ntotal 200\\n'\n", name="repro.sh")

    proc = reproduce(archive)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    [record] = written(archive)
    assert record["environment"]["interpreter"] == "/bin/sh"


def test_validate_check_and_manifest_never_run_a_record(archive: Archive, tmp_path: Path) -> None:
    marker = tmp_path / "it-ran"
    publish(archive, f"open({str(marker)!r}, 'w').write('ran')\n".encode())
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-01T10:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "publish"]):
        subprocess.run([*git, *args], cwd=archive.root, env=env, check=True)

    for command in (["validate"], ["check"], ["manifest", "--out", str(tmp_path / "m")]):
        run_cli(command, cwd=archive.root)

    assert not marker.exists()


# --- the bundled example --------------------------------------------------------------


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """The project's own archive, committed after Gate 2 was activated."""
    root = tmp_path / "bundled"
    root.mkdir()
    shutil.copytree(REPO_ROOT / "schemas", root / "schemas")
    shutil.copytree(REPO_ROOT / "records", root / "records")
    (root / "pyproject.toml").write_text("[tool.synthledger]\n", encoding="utf-8")
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-24T10:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "import"]):
        subprocess.run([*git, *args], cwd=root, env=env, check=True)
    return root


def manifest(root: Path, paper: str) -> dict[str, Any]:
    proc = run_cli(["manifest", paper, "--out", "-"], cwd=root)
    assert proc.returncode == 0, proc.stderr
    loaded: dict[str, Any] = json.loads(proc.stdout)
    return loaded


def test_the_bundled_example_reads_verified_beside_the_unverified_seeds(bundled: Path) -> None:
    example = manifest(bundled, EXAMPLE)
    [attempt] = sorted((bundled / "records/papers" / EXAMPLE / "verifications").iterdir())

    assert example["gate"]["status"] == "Verified"
    assert example["gate"]["reason_code"] == "verified"
    assert example["gate"]["attempt"] == attempt.stem
    assert example["gate"]["reason"] == (
        f"Gate 2 passed by sandbox reproduction (verification {attempt.stem}); "
        "its artifacts match their recorded hashes."
    )
    assert example["verification_level"]["level"] == "L3"
    assert example["verification_level"]["label"] == "Independently reproduced"
    assert example["dimensions"]["reproducibility"]["level"] == "HIGH"
    for seed in SEEDS:
        gate = manifest(bundled, seed)["gate"]
        assert (gate["status"], gate["reason_code"]) == ("Unverified", "predates-gate")
        assert gate["reason"].startswith(
            "Published before the Gate 2 verification pipeline was activated (2026-06-10)."
        )


def test_the_bundled_example_reproduces_today_adding_exactly_one_record(bundled: Path) -> None:
    proc = run_cli(["reproduce", EXAMPLE], cwd=bundled)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"{EXAMPLE}  verified  ")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=bundled,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    [added] = status
    assert added.startswith(f"?? records/papers/{EXAMPLE}/verifications/")
    record = parse((bundled / added[3:]).read_text(encoding="utf-8"))
    assert "the output equals the recorded results byte for byte" in record["detail"]
    assert run_cli(["check"], cwd=bundled).returncode == 0
