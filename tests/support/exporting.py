"""Running ``synthledger export`` in a test: ``import exporting`` from a test module."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from support.archive import run_cli
from support.gitrepo import GitRepo
from support.pagerepo import commit, seeds

# The files of exports/ in a site without the Crossref settings: every export but the
# deposit (and PROV, which only synthledger export writes).
SITE_EXPORT_FILES = (
    "archive.jsonl",
    "archive.csl.json",
    "archive.bib",
    "archive.ris",
    "archive.jsonld",
    "archive.datacite.json",
)

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


def shipped(distribution: str, path: str) -> Path:
    """A file a installed package ships (a standard's schema), found without importing it:
    commonmeta's package imports WeasyPrint, which needs system libraries the tests do not."""
    file = Path(str(importlib.metadata.distribution(distribution).locate_file(path)))
    assert file.is_file(), f"{distribution} no longer ships {path}"
    return file


def publishing_archive(path: Path) -> GitRepo:
    """The seeds, with the settings a DOI deposit needs in the committed pyproject.toml."""
    repo = seeds(path)
    commit(repo, "publishing settings", {"pyproject.toml": PUBLISHING})
    return repo
