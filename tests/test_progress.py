"""Progress bars: on stderr for a person at a terminal, and nowhere else.

The child processes here have a real pseudo-terminal as stderr (or a pipe),
so rich and ``isatty()`` see exactly what they would see for a person.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from support.gitrepo import GitRepo, bundled_archive
from support.terminal import Terminal
from synthledger.audit import AUDIT_STAGES, audit
from synthledger.check import CHECK_STAGES, check
from synthledger.config import load_config

# A tiny program that does three steps of "work" under the helper.
SCRIPT = """\
import sys
from synthledger.progress import progress, progress_wanted

with progress("weighing papers", 3, enabled=progress_wanted(sys.argv[1])) as advance:
    for _ in range(3):
        advance()
print("done")
"""
BAR = "━"  # what rich draws a bar with


pytestmark = pytest.mark.usefixtures("isolated_git")


def _script(
    tmp_path: Path, fmt: str, env: dict[str, str] | None = None, *, piped: tuple[str, ...] = ()
) -> tuple[str, str, str]:
    """Run SCRIPT with stderr on a terminal unless piped: (terminal, stdout, stderr)."""
    terminal = Terminal(
        [sys.executable, "-c", SCRIPT, fmt], tmp_path, env, piped=("stdout", *piped)
    )
    status, out, err = terminal.finish()
    assert status == 0, terminal.text + err
    return terminal.text, out, err


def test_a_bar_is_drawn_on_a_terminal(tmp_path: Path) -> None:
    shown, out, _ = _script(tmp_path, "text")

    assert "weighing papers" in shown
    assert BAR in shown
    assert "3/3" in shown
    assert out == "done\n"  # results still go to stdout


def test_no_bar_when_stderr_is_a_pipe(tmp_path: Path) -> None:
    shown, out, err = _script(tmp_path, "text", piped=("stderr",))

    assert (shown, out, err) == ("", "done\n", "")


def test_no_bar_under_pre_commit(tmp_path: Path) -> None:
    shown, out, _ = _script(tmp_path, "text", {"PRE_COMMIT": "1"})

    assert (shown, out) == ("", "done\n")


def test_an_empty_pre_commit_variable_does_not_count(tmp_path: Path) -> None:
    shown, _, _ = _script(tmp_path, "text", {"PRE_COMMIT": ""})

    assert "weighing papers" in shown


def test_no_bar_with_format_json(tmp_path: Path) -> None:
    shown, out, _ = _script(tmp_path, "json")

    assert (shown, out) == ("", "done\n")


# --- audit --------------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> GitRepo:
    return bundled_archive(tmp_path / "archive")


def test_audit_reports_each_of_its_stages(archive: GitRepo) -> None:
    config = load_config(archive.path)
    calls: list[int] = []

    audit(config, on_progress=lambda: calls.append(1))

    assert len(calls) == AUDIT_STAGES


def test_audit_shows_a_bar_on_a_terminal_and_keeps_stdout_clean(archive: GitRepo) -> None:
    terminal = Terminal.synthledger(["audit"], archive.path, piped=("stdout",))
    status, out, _ = terminal.finish()

    assert status == 0, out
    assert "auditing history" in terminal.text
    assert BAR in terminal.text
    assert "auditing history" not in out
    assert "ff1b47c123e856ad" in out


@pytest.mark.parametrize(
    ("args", "env"),
    [(["audit", "--format", "json"], {}), (["audit"], {"PRE_COMMIT": "1"})],
)
def test_audit_draws_nothing_for_json_or_under_pre_commit(
    archive: GitRepo, args: list[str], env: dict[str, str]
) -> None:
    terminal = Terminal.synthledger(args, archive.path, env, piped=("stdout",))
    status, out, _ = terminal.finish()

    assert (status, terminal.text) == (0, "")
    if "json" in args:
        assert json.loads(out)["findings"] == []


# --- manifest -----------------------------------------------------------------------


def test_manifest_shows_a_bar_on_a_terminal_and_keeps_stdout_clean(archive: GitRepo) -> None:
    terminal = Terminal.synthledger(["manifest", "--out", "out"], archive.path, piped=("stdout",))
    status, out, _ = terminal.finish()

    assert status == 0, out
    assert "manifests" in terminal.text
    assert BAR in terminal.text
    assert "ff1b47c123e856ad" in out
    assert BAR not in out


def test_manifest_draws_nothing_under_pre_commit(archive: GitRepo) -> None:
    terminal = Terminal.synthledger(
        ["manifest", "--out", "out"], archive.path, {"PRE_COMMIT": "1"}, piped=("stdout",)
    )
    status, out, _ = terminal.finish()

    assert status == 0, out
    assert BAR not in terminal.text
    assert "manifests written" in terminal.text  # the summary line still reaches stderr


# --- check --------------------------------------------------------------------------


def test_check_reports_each_of_its_stages(archive: GitRepo) -> None:
    calls: list[int] = []

    check(load_config(archive.path), on_progress=lambda: calls.append(1))

    assert len(calls) == CHECK_STAGES


def test_check_shows_a_bar_on_a_terminal_and_draws_nothing_for_json(archive: GitRepo) -> None:
    shown = Terminal.synthledger(["check"], archive.path, piped=("stdout",))
    quiet = Terminal.synthledger(["check", "--format", "json"], archive.path, piped=("stdout",))
    (status, out, _), (quiet_status, quiet_out, _) = shown.finish(), quiet.finish()

    assert status == 0, out
    assert "checking" in shown.text
    assert BAR in shown.text
    assert "0 errors" in out
    assert (quiet_status, quiet.text) == (0, "")
    assert all(finding["severity"] == "warning" for finding in json.loads(quiet_out))
