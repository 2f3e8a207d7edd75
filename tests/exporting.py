"""Running ``synthledger export`` in a test: ``import exporting`` from a test module."""

from __future__ import annotations

from pathlib import Path

from archive import run_cli

# What a Crossref deposit needs to know of the archive, as a pyproject.toml states it.
PUBLISHING = """\
[tool.synthledger]
doi-prefix = "10.99999"
site-url = "https://archive.example.org/"
depositor-name = "Example Archive"
depositor-email = "deposits@example.org"
"""


def export(root: Path, *args: str) -> str:
    """What ``synthledger export ARGS`` prints on stdout; it must exit 0."""
    result = run_cli(["export", *args], cwd=root)
    assert result.returncode == 0, result.stderr
    return result.stdout
