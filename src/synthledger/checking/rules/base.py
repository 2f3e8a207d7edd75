"""The rule registry and what a rule sees: one record, and the archive around it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from synthledger.catalogue import info
from synthledger.config import ArchiveConfig
from synthledger.findings import Finding, Severity
from synthledger.layout import (
    ArchiveFile,
    FileKind,
    classify,
    paper_dirs,
    paper_folder,
    papers_like,
)
from synthledger.reading.contracts import Contracts
from synthledger.reading.document import Document, JsonPath, Loaded
from synthledger.reading.load import load_file


class Hit(NamedTuple):
    """A rule's verdict on one place of a record; ``at_key`` points at the key, not the value."""

    where: JsonPath
    message: str
    at_key: bool = False


Check = Callable[["RecordContext"], Iterable[Hit]]


class Rule(NamedTuple):
    id: str
    severity: Severity
    kinds: frozenset[FileKind]
    summary: str
    check: Check


RULES: list[Rule] = []


def rule(rule_id: str, kinds: Iterable[FileKind]) -> Callable[[Check], Check]:
    """Register ``check`` under ``rule_id`` for records of ``kinds``; its severity and
    summary are the catalogue's."""
    entry = info(rule_id)

    def register(check: Check) -> Check:
        RULES.append(Rule(rule_id, entry.severity, frozenset(kinds), entry.summary, check))
        return check

    return register


@dataclass
class ArchiveIndex:
    """The archive as the rules need it: paper folders and other records, loaded once."""

    config: ArchiveConfig
    contracts: Contracts
    # Path -> staged blob when the index is judged (pre-commit): artifacts must be
    # staged, and their staged bytes are what is hashed. None: the working tree.
    staged: Mapping[str, str] | None = None
    _loaded: dict[str, Loaded] = field(default_factory=dict)
    _paper_dirs: list[str] | None = None
    _by_casefold: dict[str, list[str]] | None = None

    @property
    def paper_dirs(self) -> list[str]:
        """Every paper folder, listed when first asked: one file's check never asks."""
        if self._paper_dirs is None:
            self._paper_dirs = paper_dirs(self.config)
        return self._paper_dirs

    def same_ignoring_case(self, folder: str) -> list[str]:
        """The other paper folders whose names equal ``folder`` ignoring case."""
        if self._paper_dirs is None:
            # Checking a few files: list only where such a folder could be.
            return [n for n in papers_like(self.config, folder) if n != folder]
        if self._by_casefold is None:
            # Built once: asking every record to scan every folder is quadratic.
            self._by_casefold = {}
            for name in self._paper_dirs:
                self._by_casefold.setdefault(name.casefold(), []).append(name)
        return [n for n in self._by_casefold.get(folder.casefold(), []) if n != folder]

    def path(self, relative: str) -> Path:
        return self.config.root / relative

    def load(self, relative: str) -> Loaded:
        loaded = self._loaded.get(relative)
        if loaded is None:
            loaded = load_file(self.path(relative), relative)
            self._loaded[relative] = loaded
        return loaded

    def remember(self, loaded: Loaded) -> None:
        if loaded.document is not None:
            self._loaded[loaded.document.path] = loaded

    def forget(self) -> None:
        """Let go of every record loaded so far: the rules read a paper's own records, so
        a check that moves on to the next paper need not hold the last one's (nor, over
        100,000 papers, all of them); a record asked for again is read again."""
        self._loaded.clear()

    def paper_path(self, paper: str, *parts: str) -> str:
        return "/".join((paper_folder(self.config, paper), *parts))

    def record_file(self, relative: str) -> ArchiveFile:
        return classify(relative, self.config)


@dataclass(frozen=True)
class RecordContext:
    file: ArchiveFile
    document: Document
    archive: ArchiveIndex

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    @property
    def folder(self) -> str:
        """The record's paper folder, relative to the root."""
        return self.file.path.rsplit("/", 1 if self.file.kind is FileKind.SYNTHESIS else 2)[0]


def run_rules(context: RecordContext) -> Iterator[Finding]:
    for registered in RULES:
        if context.file.kind not in registered.kinds:
            continue
        for hit in registered.check(context):
            locate = context.document.locate_key if hit.at_key else context.document.locate
            mark = locate(hit.where)
            yield Finding(
                context.file.path,
                mark.line,
                mark.column,
                registered.id,
                registered.severity,
                hit.message,
            )
