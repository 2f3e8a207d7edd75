"""The one error boundary: a known error is one line and exit 2; a bug is "internal error",
exit 2, with the traceback only when asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support.gitrepo import python_env
from synthledger import cli

TESTS = Path(__file__).resolve().parent

# Runs `synthledger crash` with the crashing command of tests/support registered.
CRASH = (
    "import sys; from synthledger import cli; "
    "cli.COMMANDS['crash'] = cli.Command('support.crashing', 'a command with a bug'); "
    "sys.exit(cli.main(sys.argv[1:]))"
)


def crash(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = python_env(**env)
    environment["PYTHONPATH"] = f"{TESTS}:{environment['PYTHONPATH']}"
    environment.pop("SYNTHLEDGER_DEBUG", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", CRASH, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_unexpected_exception_is_an_internal_error_exit_2_in_one_line() -> None:
    result = crash("crash", "--message", "the bug")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "synthledger: internal error: ValueError: the bug "
        "(a bug in synthledger: run again with --debug for the traceback, and please report it)\n"
    )


@pytest.mark.parametrize(
    ("args", "env"), [(["--debug", "crash"], {}), (["crash"], {"SYNTHLEDGER_DEBUG": "1"})]
)
def test_the_traceback_is_shown_only_when_asked_for(args: list[str], env: dict[str, str]) -> None:
    result = crash(*args, **env)

    assert result.returncode == 2
    assert "Traceback (most recent call last):" in result.stderr
    assert 'support/crashing.py", line' in result.stderr
    assert result.stderr.endswith("synthledger: internal error: ValueError: a bug\n")


def test_a_known_error_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["validate", "--root", str(tmp_path / "nowhere")])

    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err
        == f"synthledger: error: archive root {tmp_path / 'nowhere'} is not a directory\n"
    )


def test_a_reader_that_goes_away_is_exit_141_not_findings() -> None:
    """`synthledger rules | head -1`: the reader closes the pipe; exit 1 would say
    "findings" to a script, so the status is a SIGPIPE death's, 128 + 13, and nothing
    is printed (no "Exception ignored" from the interpreter's own flush at exit)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthledger", "rules"],
        env=python_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the first write: it meets a closed pipe
    errors = proc.stderr.read()
    proc.stderr.close()

    assert proc.wait(timeout=60) == 141
    assert errors == b""
