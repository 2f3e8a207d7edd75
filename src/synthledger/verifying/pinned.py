"""The artifacts a paper pins, as the working tree holds them, read and checked.

Gate 2 runs only what the paper pins, and only when every byte matches: the
artifacts are read once, hashed, and the same bytes are what the sandbox gets.
The paper's current view is read from the working tree: the synthesis with
the patches of its corrections in force applied in (date, id) order, the
stand-in for publication order where no history is read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthledger.checking.rules.artifacts import escapes_folder, symlink_on_the_way
from synthledger.config import ArchiveConfig
from synthledger.deriving.view import view_in_tree
from synthledger.errors import SynthledgerError
from synthledger.layout import is_paper_id, paper_folder
from synthledger.reading.load import load_file


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str  # relative to the paper folder
    sha256: str
    role: str
    description: str | None = None

    def as_record(self) -> dict[str, str]:
        entry = {"path": self.path, "sha256": self.sha256, "role": self.role}
        if self.description:
            entry["description"] = self.description
        return entry


@dataclass(frozen=True, slots=True)
class Paper:
    id: str
    folder: str  # relative to the archive root
    view: dict[str, Any]
    artifacts: tuple[Artifact, ...]

    def with_role(self, *roles: str) -> list[Artifact]:
        return [a for a in self.artifacts if a.role in roles]


class ArtifactMismatch(SynthledgerError):
    """Pinned artifacts that are missing or whose bytes differ: nothing may run."""

    def __init__(self, paper: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"paper {paper}: refusing to run anything, its artifacts do not match the "
            "record: " + "; ".join(problems)
        )


def load_paper(config: ArchiveConfig, paper: str) -> Paper:
    """The paper's current view and the artifacts it pins (SynthledgerError if unreadable)."""
    if not is_paper_id(paper):
        raise SynthledgerError(f"{paper!r} is not a paper id (letters, digits, '.', '_', '-')")
    folder = paper_folder(config, paper)
    synthesis = _data(config, f"{folder}/synthesis.yaml", f"no paper {paper} in the archive")
    view = view_in_tree(synthesis, config.root / folder, _load(config)).data
    artifacts = tuple(
        Artifact(
            str(entry.get("path")),
            str(entry.get("sha256")),
            str(entry.get("role")),
            entry.get("description") if isinstance(entry.get("description"), str) else None,
        )
        for entry in view.get("artifacts", [])
        if isinstance(entry, dict)
    )
    return Paper(paper, folder, view, artifacts)


def read_checked(
    config: ArchiveConfig, paper: Paper, artifacts: Iterable[Artifact]
) -> dict[str, bytes]:
    """The bytes of ``artifacts`` by path, each matching its pinned sha256.

    Raises ArtifactMismatch naming every artifact that is outside the folder,
    behind a symlink, missing, not a regular file (a FIFO would block the read,
    a device never end), or changed.
    """
    root = str(config.root / paper.folder)
    contents: dict[str, bytes] = {}
    problems: list[str] = []
    for artifact in artifacts:
        if escapes_folder(artifact.path):
            problems.append(f"{artifact.path} leaves the paper folder")
            continue
        if symlink_on_the_way(root, artifact.path) is not None:
            problems.append(f"{artifact.path} goes through a symlink")
            continue
        try:
            content = _regular_file_bytes(os.path.join(root, artifact.path))
        except OSError as exc:
            problems.append(f"{artifact.path} cannot be read ({exc.strerror})")
            continue
        except NotRegular as exc:
            problems.append(f"{artifact.path} is {exc}, not a regular file")
            continue
        actual = hashlib.sha256(content).hexdigest()
        if actual != artifact.sha256:
            problems.append(
                f"{artifact.path} has sha256 {actual}, not the recorded {artifact.sha256}"
            )
            continue
        contents[artifact.path] = content
    if problems:
        raise ArtifactMismatch(paper.id, problems)
    return contents


class NotRegular(Exception):
    """What the file is instead (``a FIFO``), as its message."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _regular_file_bytes(path: str) -> bytes:
    """The bytes of ``path``, opened without following a symlink and without blocking,
    checked before (a socket cannot be opened) and after opening (no swap between)."""
    _regular(os.lstat(path).st_mode)
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(descriptor, "rb") as stream:
        _regular(os.fstat(descriptor).st_mode)
        return stream.read()


def _regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegular(next((kind for test, kind in _KINDS if test(mode)), "a special file"))


def _data(config: ArchiveConfig, relative: str, missing: str) -> dict[str, Any]:
    file = config.root / relative
    if not file.is_file():
        raise SynthledgerError(missing)
    loaded = load_file(file, relative)
    if loaded.document is None:
        reason = loaded.findings[0].message if loaded.findings else "it cannot be read"
        raise SynthledgerError(f"{relative}: {reason}; run synthledger validate on it")
    return loaded.document.data


def _load(config: ArchiveConfig) -> Callable[[Path], dict[str, Any] | None]:
    def load(file: Path) -> dict[str, Any] | None:
        document = load_file(file, file.relative_to(config.root).as_posix()).document
        return document.data if document is not None else None

    return load
