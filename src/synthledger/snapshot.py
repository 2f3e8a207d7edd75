"""The archive's records as they stand at one commit, each with its publication commit.

Read from git objects, not the working tree: the same history gives the same
records on any clone, whatever is checked out or left uncommitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from synthledger.config import ArchiveConfig
from synthledger.findings import Finding
from synthledger.history import Commit, History, read_history
from synthledger.layout import ArchiveFile, FileKind, classify
from synthledger.load import Document, load_bytes


def utc(timestamp: str) -> str:
    """A git ISO 8601 time in UTC, so that the committer's time zone never shows."""
    return datetime.fromisoformat(timestamp).astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Entry:
    """One record file: where it is, its blob, and the commit that published it."""

    file: ArchiveFile
    blob: str
    added: Commit
    document: Document | None
    findings: tuple[Finding, ...]

    @property
    def published(self) -> str:
        return utc(self.added.committer_date)


@dataclass(frozen=True)
class Snapshot:
    history: History
    entries: tuple[Entry, ...]  # publication order
    tip: Commit | None

    def of_kind(self, kind: FileKind, paper: str | None = None) -> Iterator[Entry]:
        for entry in self.entries:
            if entry.file.kind is kind and (paper is None or entry.file.paper == paper):
                yield entry

    def papers(self) -> list[str]:
        return sorted({e.file.paper for e in self.of_kind(FileKind.SYNTHESIS) if e.file.paper})


RECORD_KINDS = (FileKind.SYNTHESIS, FileKind.CORRECTION, FileKind.VERIFICATION, FileKind.POLICY)


def read_snapshot(config: ArchiveConfig, rev: str = "HEAD") -> Snapshot:
    import git  # GitPython keeps one `git cat-file --batch` open for every blob read

    history = read_history(config.root, rev=rev, pathspecs=(config.records_dir,))
    live: list[tuple[ArchiveFile, str, Commit]] = []
    for path, path_history in history.paths.items():
        blob = history.blob_at_head(path)
        file = classify(path, config)
        if blob is not None and file.kind in RECORD_KINDS:
            live.append((file, blob, path_history.added))
    entries: list[Entry] = []
    if live:
        repo = git.Repo(config.root)
        try:
            for file, blob, added in live:
                _, _, _, raw = repo.git.get_object_data(blob)
                loaded = load_bytes(raw, file.path)
                entries.append(Entry(file, blob, added, loaded.document, loaded.findings))
        finally:
            repo.close()
    tip = history.commits[-1] if history.commits else None
    return Snapshot(history, tuple(entries), tip)
