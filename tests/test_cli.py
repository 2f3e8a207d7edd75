"""The command line, through real subprocesses: exit status, output formats, streams."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.archive import PAPER, Archive, run_cli, value_at
from synthledger import __version__

SYNTHESIS = f"records/papers/{PAPER}/synthesis.yaml"
C1 = "Eight-bit weight quantization halves the latency of code completion models."
ANSI = re.compile(r"\x1b\[")
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis()
    return archive


@pytest.fixture
def broken(archive: Archive) -> Archive:
    """An archive whose synthesis states a confidence of 1.5."""
    archive.add_synthesis(
        text=archive.synthesis_text().replace("confidence: 0.9", "confidence: 1.5")
    )
    return archive


# --- exit status ---------------------------------------------------------------------


def test_a_valid_archive_exits_0_with_a_summary_on_stdout(archive: Archive) -> None:
    result = run_cli(["validate"], cwd=archive.root)

    assert result.returncode == 0
    assert result.stdout.endswith(" files checked\n")
    assert result.stdout.startswith("0 errors, 0 warnings in ")
    assert result.stderr == ""


def test_a_broken_record_exits_1_with_its_finding_on_stdout(broken: Archive) -> None:
    line, column = value_at(broken.read(SYNTHESIS), "confidence: 1.5")

    result = run_cli(["validate"], cwd=broken.root)

    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{SYNTHESIS}:{line}:{column}: error[SL103]: /claims/items/0/confidence: 1.5 is greater "
        "than the maximum of 1"
    )
    assert result.stderr == ""


def test_the_hook_on_a_synthesis_imports_only_what_a_synthesis_needs(archive: Archive) -> None:
    # Start-up time is a feature of a hook: ORCID check digits and JSON Patch (for
    # corrections) are imported when a record asks for them, python-jsonschema and
    # referencing when a record breaks its contract or a contract is not a bundled one.
    heavy = ("jsonpatch", "stdnum", "jsonschema", "referencing")
    script = (
        "import sys; from synthledger.cli import main; status = main(['validate', "
        f"{SYNTHESIS!r}]); print(status, [m for m in {heavy!r} if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=archive.root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr


def test_warnings_exit_0_unless_strict(archive: Archive) -> None:
    cut = "Eight-bit weight quantization halves the latency of code completion mod"
    archive.add_synthesis(text=archive.synthesis_text().replace(C1, cut))

    assert run_cli(["validate"], cwd=archive.root).returncode == 0
    assert run_cli(["validate", "--strict"], cwd=archive.root).returncode == 1


def test_only_the_named_files_are_checked(broken: Archive) -> None:
    broken.add_synthesis("p2")
    other = "records/papers/p2/synthesis.yaml"

    relative = run_cli(["validate", other], cwd=broken.root)
    absolute = run_cli(["validate", str(broken.root / other)], cwd=broken.root / "records")

    assert (relative.returncode, relative.stdout) == (0, "0 errors, 0 warnings in 1 file checked\n")
    assert (absolute.returncode, absolute.stdout) == (0, relative.stdout)


def test_root_can_be_given_from_anywhere(broken: Archive, tmp_path: Path) -> None:
    result = run_cli(["validate", "--root", str(broken.root)], cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout.startswith(f"{SYNTHESIS}:")


def test_the_records_directory_is_configurable(archive: Archive) -> None:
    (archive.root / "records").rename(archive.root / "data")
    archive.write("data/stray.txt", "not a record")

    by_option = run_cli(["validate", "--root", ".", "--records-dir", "data"], cwd=archive.root)
    # Without --root, the archive is found by the records directory named.
    found = run_cli(["validate", "--records-dir", "data"], cwd=archive.root / "data")
    archive.write("pyproject.toml", '[tool.synthledger]\nrecords-dir = "data"\n')
    by_pyproject = run_cli(["validate"], cwd=archive.root / "data")

    assert by_option.returncode == by_pyproject.returncode == found.returncode == 1
    assert by_option.stdout.startswith("data/stray.txt:1:1: error[SL203]")
    assert by_pyproject.stdout == found.stdout == by_option.stdout


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        pytest.param(
            ["validate", "--bogus"], "error: unrecognized arguments: --bogus", id="unknown option"
        ),
        pytest.param(
            ["validate", "--format", "xml"],
            "argument --format: invalid choice: 'xml'",
            id="unknown format",
        ),
        pytest.param([], "error: the following arguments are required: COMMAND", id="no command"),
        pytest.param(
            ["valiate"], "argument COMMAND: invalid choice: 'valiate'", id="misspelt command"
        ),
    ],
)
def test_a_usage_error_exits_2_on_stderr(archive: Archive, args: list[str], stderr: str) -> None:
    result = run_cli(args, cwd=archive.root)

    assert result.returncode == 2
    assert stderr in result.stderr
    assert result.stdout == ""


def test_a_missing_root_exits_2(tmp_path: Path) -> None:
    result = run_cli(["validate", "--root", str(tmp_path / "nowhere")], cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == f"synthledger: error: archive root {tmp_path / 'nowhere'} is not a directory\n"
    )


def test_a_path_outside_the_archive_exits_2(archive: Archive, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("contract: synthesis-v1\n", encoding="utf-8")

    result = run_cli(["validate", str(outside)], cwd=archive.root)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"synthledger: error: {outside} is outside the archive at {archive.root}\n"
    )


def test_no_archive_around_the_working_directory_exits_2(tmp_path: Path) -> None:
    result = run_cli(["validate"], cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("synthledger: error: no archive found at or above ")


# --- output formats ------------------------------------------------------------------


def test_json_output_parses_and_each_finding_is_located(broken: Archive) -> None:
    result = run_cli(["validate", "--format", "json"], cwd=broken.root)

    findings = json.loads(result.stdout)
    assert result.returncode == 1
    assert [set(f) for f in findings] == [{"path", "line", "column", "rule", "severity", "message"}]
    [finding] = findings
    line, column = value_at(broken.read(SYNTHESIS), "confidence: 1.5")
    assert (finding["path"], finding["line"], finding["column"]) == (SYNTHESIS, line, column)
    assert (finding["rule"], finding["severity"]) == ("SL103", "error")


def test_github_output_is_workflow_annotations(broken: Archive) -> None:
    line, column = value_at(broken.read(SYNTHESIS), "confidence: 1.5")

    result = run_cli(["validate", "--format", "github"], cwd=broken.root)

    annotation = result.stdout.splitlines()[0]
    assert result.returncode == 1
    assert annotation.startswith(
        f"::error file={SYNTHESIS},line={line},col={column},title=SL103::{SYNTHESIS}: "
        "/claims/items/0/confidence: 1.5 is greater than the maximum of 1"
    )


def test_text_output_to_a_pipe_has_no_escapes(broken: Archive) -> None:
    result = run_cli(["validate"], cwd=broken.root, env={"TERM": "xterm-256color"})

    assert result.returncode == 1
    assert not ANSI.search(result.stdout)


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What ``python -m synthledger ARGS`` writes to stdout when stdout is a terminal."""
    controller, terminal = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    try:
        process = subprocess.run(
            [sys.executable, "-m", "synthledger", *args],
            cwd=cwd,
            env={**base, "TERM": "xterm-256color", **env},
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.returncode == 1, process.stderr
    return b"".join(chunks).decode()


def test_text_output_to_a_terminal_is_coloured(broken: Archive) -> None:
    assert COLOUR.search(_on_a_terminal(["validate"], broken.root, {}))


def test_no_color_turns_colour_off_on_a_terminal(broken: Archive) -> None:
    shown = _on_a_terminal(["validate"], broken.root, {"NO_COLOR": "1"})

    assert "error[SL103]" in shown
    assert not COLOUR.search(shown)


# --- help and version ----------------------------------------------------------------


def test_version_is_printed_on_stdout(tmp_path: Path) -> None:
    result = run_cli(["--version"], cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, f"synthledger {__version__}\n")


def test_validate_help_shows_an_example(tmp_path: Path) -> None:
    result = run_cli(["validate", "--help"], cwd=tmp_path)

    assert result.returncode == 0
    assert "example:\n  synthledger validate\n" in result.stdout
    assert "--format {text,json,github}" in result.stdout
    assert "--strict" in result.stdout
