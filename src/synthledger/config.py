"""Where the archive is and how it is configured (``[tool.synthledger]``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from synthledger.errors import SynthledgerError

DEFAULT_RECORDS_DIR = "records"
DEFAULT_SCHEMAS_DIR = "schemas"
# How paper folders are laid out under <records>/papers/: "flat" (<id>/) or
# "sharded" (<first two characters of the id>/<id>/; see docs/SCALE.md).
PAPER_FOLDERS = ("flat", "sharded")


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    """An archive's root and its settings.

    ``enforce_from`` names the commit from which published files are frozen:
    an archive that adopted the tool late keeps its earlier history reported
    by ``audit`` but never failed.
    """

    root: Path
    records_dir: str = DEFAULT_RECORDS_DIR
    schemas_dir: str = DEFAULT_SCHEMAS_DIR
    enforce_from: str | None = None
    main_branch: str = "main"
    paper_folders: str = "flat"
    # What the exports say of the archive to registrars and readers (never protection).
    doi_prefix: str | None = None
    site_url: str | None = None
    depositor_name: str | None = None
    depositor_email: str | None = None

    @property
    def records_path(self) -> Path:
        return self.root / self.records_dir

    @property
    def schemas_path(self) -> Path:
        return self.root / self.schemas_dir

    @property
    def protected_dirs(self) -> tuple[str, str]:
        """The trees in which only additions are allowed."""
        return (self.records_dir, self.schemas_dir)


def find_root(start: Path, *, records_dir: str | None = None) -> Path:
    """The nearest directory at or above ``start`` that holds an archive.

    An archive is recognised by a ``[tool.synthledger]`` table in its
    pyproject.toml, or else by its records directory (``records_dir``, by
    default records/).
    """
    start = start.resolve()
    candidates = [start, *start.parents]
    for directory in candidates:
        if _declares_archive(directory / "pyproject.toml"):
            return directory
    for directory in candidates:
        if (directory / (records_dir or DEFAULT_RECORDS_DIR)).is_dir():
            return directory
    raise SynthledgerError(
        f"no archive found at or above {start}: run inside an archive or pass --root DIR"
    )


def load_config(root: Path, *, records_dir: str | None = None) -> ArchiveConfig:
    """Read ``[tool.synthledger]`` from ``root/pyproject.toml``; options override it."""
    if not root.is_dir():
        raise SynthledgerError(f"archive root {root} is not a directory")
    return _from_table(root.resolve(), _tool_table(root / "pyproject.toml"), records_dir)


def config_from_toml(
    text: str, root: Path, *, source: str = "pyproject.toml", records_dir: str | None = None
) -> ArchiveConfig:
    """The configuration a pyproject.toml's text gives (e.g. one read from a commit)."""
    return _from_table(root.resolve(), _parse_tool_table(text, source), records_dir)


def _from_table(root: Path, table: dict[str, object], records_dir: str | None) -> ArchiveConfig:
    return ArchiveConfig(
        root=root,
        records_dir=records_dir or _text(table, "records-dir") or DEFAULT_RECORDS_DIR,
        schemas_dir=_text(table, "schemas-dir") or DEFAULT_SCHEMAS_DIR,
        enforce_from=_text(table, "enforce-from"),
        main_branch=_text(table, "main-branch") or "main",
        paper_folders=_paper_folders(table),
        doi_prefix=_text(table, "doi-prefix"),
        site_url=_text(table, "site-url"),
        depositor_name=_text(table, "depositor-name"),
        depositor_email=_text(table, "depositor-email"),
    )


def _paper_folders(table: dict[str, object]) -> str:
    value = _text(table, "paper-folders") or "flat"
    if value not in PAPER_FOLDERS:
        raise SynthledgerError(
            f"[tool.synthledger] paper-folders must be {' or '.join(map(repr, PAPER_FOLDERS))}, "
            f"not {value!r}"
        )
    return value


def _declares_archive(pyproject: Path) -> bool:
    try:
        return bool(_tool_table(pyproject)) or "[tool.synthledger]" in pyproject.read_text(
            encoding="utf-8"
        )
    except (OSError, SynthledgerError):
        return False


def _tool_table(pyproject: Path) -> dict[str, object]:
    try:
        raw = pyproject.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SynthledgerError(f"cannot read {pyproject}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SynthledgerError(f"{pyproject}: not UTF-8: {exc}") from exc
    return _parse_tool_table(text, str(pyproject))


def _parse_tool_table(text: str, source: str) -> dict[str, object]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SynthledgerError(f"{source}: not valid TOML: {exc}") from exc
    tool = document.get("tool", {})
    table = tool.get("synthledger", {}) if isinstance(tool, dict) else {}
    return table if isinstance(table, dict) else {}


def _text(table: dict[str, object], key: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise SynthledgerError(f"[tool.synthledger] {key} must be a string, not {value!r}")
    return value
