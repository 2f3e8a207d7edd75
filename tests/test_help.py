"""Every command's --help works and shows an example, through the real CLI."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from support.archive import run_cli
from synthledger.cli import COMMANDS


def _written(module: str) -> bool:
    """Whether the command's module exists yet (commands are added one by one)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_an_example(name: str, tmp_path: Path) -> None:
    if not _written(COMMANDS[name].module):
        pytest.skip(f"{COMMANDS[name].module} is not written yet")

    result = run_cli([name, "--help"], cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"usage: synthledger {name} ")
    # An "example:" (or "examples:") section whose first line runs this very command.
    assert re.search(rf"\nexamples?:\n  synthledger {name}\b", result.stdout), result.stdout


def test_the_command_list_names_every_command(tmp_path: Path) -> None:
    result = run_cli(["--help"], cwd=tmp_path)

    assert result.returncode == 0
    for name, command in COMMANDS.items():
        assert name in result.stdout
        assert command.summary.split()[0] in result.stdout
