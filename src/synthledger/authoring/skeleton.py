"""What every skeleton record shares: placeholders a contract refuses, and writing
a record whole, never over an existing file.

Every value still to be written is marked ``# FILL IN`` and holds a placeholder
its contract refuses: ``""`` where text is expected, ``"FILL IN"`` where a
number or a code is. An unfilled skeleton therefore fails ``validate`` at each
placeholder, with its line and what the contract expects there, and a filled
one passes. Editors that read the ``yaml-language-server`` modeline show the
same errors as you type.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.files import write_atomic
from synthledger.ledger.git import git
from synthledger.reading.contracts import SCHEMA_SUFFIX

PLACEHOLDER = "FILL IN"  # for numbers and codes; text placeholders are ""


MARK = "# FILL IN"


@dataclass(frozen=True, slots=True)
class Written:
    """A skeleton written to disk: where (relative to the root) and how many values to fill."""

    path: str
    to_fill: int


def create(file: Path, text: str, config: ArchiveConfig, advice: str) -> None:
    """Create ``file`` with ``text``; never replace what is there."""
    try:
        write_atomic(file, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise SynthledgerError(f"{relative(file, config)} already exists; {advice}") from None


def relative(file: Path, config: ArchiveConfig) -> str:
    return file.relative_to(config.root).as_posix()


def schema_reference(config: ArchiveConfig, contract: str, file: Path) -> str:
    """The modeline's schema: relative to the record when the archive carries the contract."""
    schema = config.schemas_path / f"{contract}{SCHEMA_SUFFIX}"
    if schema.is_file():
        return Path(os.path.relpath(schema, file.parent)).as_posix()
    return f"https://schemas.synthledger.org/{contract}{SCHEMA_SUFFIX}"


def hash_width(root: Path) -> int:
    """40 for a SHA-1 repository, 64 for SHA-256; SHA-1 outside git."""
    try:
        return 64 if git(root, "rev-parse", "--show-object-format").strip() == "sha256" else 40
    except SynthledgerError:
        return 40


def text_value(given: str | None, what: str) -> str:
    return quoted(given) if given else f'""  {MARK}: {what}'


def quoted(text: str) -> str:
    """``text`` as one double-quoted YAML scalar: YAML 1.1 and 1.2 read it the same."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31)
    return dumped.rstrip("\n")


def comment_block(text: str, indent: str) -> str:
    lead = f"{indent}#   "
    lines = textwrap.wrap(
        text, width=88, initial_indent=lead, subsequent_indent=lead, break_on_hyphens=False
    )
    return "\n".join(lines)


def count_marks(text: str) -> int:
    return sum(1 for line in text.splitlines() if MARK in line and not line.startswith("#"))
