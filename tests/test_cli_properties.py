"""The CLI itself over generated hostile archives: never a traceback, a hang or half a file.

Each example builds a real archive in a real git repository (at its top or in
a subfolder), with papers under hostile names (bytes that are not UTF-8,
newlines, ESC, case clashes) holding hostile contents (random bytes, cut-off
records, deep nesting, tags, terminal escape sequences), and hostile files
and permissions (FIFOs, a folder named synthesis.yaml, symlinks, unreadable
folders and artifacts, deep or broken contracts, uncommitted papers). Then
one command runs in a subprocess, and whatever happens must be one of:

- exit 0 or 1, with every finding on one line and located (``path:line:col``),
  at least one error behind an exit 1, JSON output valid UTF-8 JSON;
- exit 2 with exactly one ``synthledger: error:`` line;

within a time limit, with no ESC from a record on stdout, and with every file
written whole (no temporary left, every JSON file parses).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.archive import Archive
from support.odd import cli, commit_all, git

pytestmark = pytest.mark.usefixtures("isolated_git")

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI must not flake
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TIMEOUT = 60  # seconds for one command on an archive of a few papers

NAMES = st.sampled_from(
    ["p1", "p2", "P1", os.fsdecode(b"caf\xe9"), "new\nline", "esc\x1b[31m", "sp ace", "-x"]
)
LABELS = [
    "valid", "truncated", "deep", "escapes", "not-utf8", "duplicate", "tagged", "empty",
]  # fmt: skip
CONTENTS = st.one_of(st.sampled_from(LABELS), st.binary(max_size=200))
HOSTILE = st.sets(
    st.sampled_from(
        [
            "fifo-record", "folder-synthesis", "symlink-record", "unreadable-paper",
            "unreadable-policy", "unreadable-schemas", "unreadable-artifact", "deep-contract",
            "broken-contract", "uncommitted-paper", "policy",
        ]
    ),
    max_size=4,
)  # fmt: skip
COMMANDS = st.sampled_from(
    [
        ["validate"],
        ["validate", "--format", "json"],
        ["validate", "--format", "github"],
        ["validate", "records/papers"],
        ["check"],
        ["check", "--format", "json"],
        ["manifest", "--out", "{out}"],
        ["manifest", "--out", "-"],
        ["manifest", "--out", "{out}", "--jobs", "2"],
        ["manifest", "--out", "{out}", "--cache", "{out}-cache"],
        ["manifest", "--out", "FILE"],
        ["site", "--out", "{out}"],
        ["show", "p1"],
        ["audit"],
        ["audit", "--format", "json"],
        ["additive", "--all"],
    ]
)

FINDING = re.compile(r"^.+:\d+:\d+: (error|warning)\[SL\d{3}\]( in commit [0-9a-f]{12})?: .+$")
ANNOTATION = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=SL\d{3}::.+$")
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?( in \d+ files? checked)?$")
# What the commands say on stderr besides findings.
NOTES = re.compile(
    r"^(\d+ manifests written to .+|\d+ paper pages, \d+ files written to .+"
    r"|synthledger: paper .+ has no page at .+)$"
)


def _record(archive: Archive, paper: str, content: str | bytes) -> bytes:
    if isinstance(content, bytes):
        return content
    template = archive.synthesis_text(paper).replace(f"id: {paper}\n", "id: p1\n")
    if content == "truncated":
        template = template[: len(template) // 2]
    elif content == "deep":
        template = "a: " + "[" * 5000 + "\n"
    elif content == "escapes":
        template = template.replace(
            "title: Quantization effects on code completion models",
            'title: "\\e[2J\\e]0;pwned\\a\\u202e"',
        )
    elif content == "duplicate":
        template += "title: again\n"
    elif content == "tagged":
        template = "x: !!python/object/apply:os.system [ls]\n"
    elif content == "empty":
        template = ""
    raw = template.encode("utf-8", "surrogateescape")
    return raw.replace(b"publisher:", b"publisher: \xff", 1) if content == "not-utf8" else raw


@contextmanager
def _hostile_archive(
    top: Path, papers: list[tuple[str, Any]], hostile: set[str], subfolder: bool
) -> Iterator[Archive]:
    top.mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    archive = Archive(top / "services" / "archive" if subfolder else top)
    for paper, content in papers:
        archive.write(f"records/papers/{paper}/synthesis.yaml", _record(archive, paper, content))
    if "policy" in hostile:
        archive.add_policy()
    if "symlink-record" in hostile:
        link = archive.root / "records/papers/p1/corrections/k1.yaml"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("/etc/hostname")
    if "deep-contract" in hostile:
        archive.write("schemas/deep-v1.json", '{"a": ' * 150 + "1" + "}" * 150)
    if "broken-contract" in hostile:
        archive.write("schemas/broken-v1.json", "{not json")
    commit_all(top, "publish")
    # What follows is the working tree only: git keeps no FIFOs or modes like these.
    if "uncommitted-paper" in hostile:
        archive.add_synthesis("p9")
    if "fifo-record" in hostile:
        (archive.root / "records/policy").mkdir(exist_ok=True)
        os.mkfifo(archive.root / "records/policy/2026-01-01-fifo.yaml")
    if "folder-synthesis" in hostile:
        (archive.root / "records/papers/p8/synthesis.yaml").mkdir(parents=True)
    locked = [
        archive.root / where
        for name, where in (
            ("unreadable-paper", f"records/papers/{papers[0][0]}" if papers else "records"),
            ("unreadable-policy", "records/policy"),
            ("unreadable-schemas", "schemas"),
            ("unreadable-artifact", "records/papers/p1/artifacts/report.md"),
        )
        if name in hostile and (archive.root / where).exists()
    ]
    for path in locked:
        path.chmod(0)
    try:
        yield archive
    finally:
        for path in locked:
            path.chmod(0o755)


def _check_outcome(args: list[str], result: subprocess.CompletedProcess[str], out: Path) -> None:
    stdout, stderr = result.stdout, result.stderr
    context = f"{args}\nexit {result.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    assert "Traceback" not in stdout + stderr, context
    assert result.returncode in (0, 1, 2), context
    # Everything printed is valid UTF-8 (surrogateescape kept any raw byte to find here).
    stdout.encode("utf-8")
    stderr.encode("utf-8")
    if result.returncode == 2:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("synthledger: error: "), context
        return
    command, json_output = args[0], "json" in args
    if command in ("validate", "check") and json_output:
        findings = json.loads(stdout)
        assert all({"path", "line", "column", "rule", "severity"} <= set(f) for f in findings)
        assert result.returncode == 0 or any(f["severity"] == "error" for f in findings), context
    elif command == "audit" and json_output:
        findings = json.loads(stdout)["findings"]
        assert result.returncode == 0 or any(f["severity"] == "error" for f in findings), context
    elif command in ("validate", "check", "additive"):
        *lines, summary = stdout.splitlines()
        assert SUMMARY.match(summary), context
        located = ANNOTATION if "github" in args else FINDING
        assert all(located.match(line) for line in lines), context
        assert result.returncode == 0 or any(
            line.startswith("::error") or " error[" in line for line in lines
        ), context
    elif command in ("manifest", "site", "show"):
        lines = [line for line in stderr.splitlines() if not NOTES.match(line)]
        lines = [line for line in lines if not SUMMARY.match(line)]
        if "--format" not in args:
            assert all(FINDING.match(line) for line in lines), context
        if result.returncode == 1:
            assert lines or "has no page" in stderr, context
    if command == "show":
        assert "\x1b" not in stdout, context
    if out.exists():
        for file in out.rglob("*"):
            assert not file.name.endswith(".tmp"), context
            if file.suffix == ".json":
                json.loads(file.read_bytes().decode("utf-8"))


@PROPERTY
@given(
    papers=st.lists(st.tuples(NAMES, CONTENTS), max_size=3, unique_by=lambda pair: pair[0]),
    hostile=HOSTILE,
    subfolder=st.booleans(),
    args=COMMANDS,
)
def test_every_command_answers_a_hostile_archive_in_the_documented_ways(
    papers: list[tuple[str, Any]], hostile: set[str], subfolder: bool, args: list[str]
) -> None:
    top = Path(tempfile.mkdtemp(prefix="synthledger-hostile-"))
    try:
        with _hostile_archive(top / "repo", papers, hostile, subfolder) as archive:
            (archive.root / "FILE").write_text("not a directory\n")
            out = top / "out"
            command = [arg.format(out=out) for arg in args]
            result = cli(command, archive.root, without_root_reads=True, timeout=TIMEOUT)
            _check_outcome(command, result, out)
    finally:
        shutil.rmtree(top, ignore_errors=True)
