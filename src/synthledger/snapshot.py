"""The archive's records as they stand at one commit, each with its publication commit.

Read from git objects, not the working tree: the same history gives the same
records on any clone, whatever is checked out or left uncommitted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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
    _by_place: dict[tuple[FileKind, str | None], list[Entry]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # One index, so that looking up a paper's records never scans the archive.
        by_place: dict[tuple[FileKind, str | None], list[Entry]] = {}
        for entry in self.entries:
            by_place.setdefault((entry.file.kind, entry.file.paper), []).append(entry)
            if entry.file.paper is not None:
                by_place.setdefault((entry.file.kind, None), []).append(entry)
        object.__setattr__(self, "_by_place", by_place)

    def of_kind(self, kind: FileKind, paper: str | None = None) -> Iterator[Entry]:
        """Entries of ``kind`` (of one paper, or of all), in publication order."""
        return iter(self._by_place.get((kind, paper), ()))

    def papers(self) -> list[str]:
        return sorted({e.file.paper for e in self.of_kind(FileKind.SYNTHESIS) if e.file.paper})


RECORD_KINDS = (FileKind.SYNTHESIS, FileKind.CORRECTION, FileKind.VERIFICATION, FileKind.POLICY)


def read_snapshot(config: ArchiveConfig, rev: str = "HEAD") -> Snapshot:
    history = read_history(config.root, rev=rev, pathspecs=(config.records_dir,))
    live: list[tuple[ArchiveFile, str, Commit]] = []
    for path, path_history in history.paths.items():
        blob = history.blob_at_head(path)
        file = classify(path, config)
        if blob is not None and file.kind in RECORD_KINDS:
            live.append((file, blob, path_history.added))
    contents = read_blobs(config.root, [blob for _, blob, _ in live])
    entries = []
    for file, blob, added in live:
        loaded = load_bytes(contents.pop(blob), file.path)
        document = loaded.document
        if document is not None:
            # Manifests never point into a record: drop its line marks, which
            # would otherwise hold a position for every value of the archive.
            document = dataclasses.replace(document, marks={}, key_marks={})
        entries.append(Entry(file, blob, added, document, loaded.findings))
    tip = history.commits[-1] if history.commits else None
    return Snapshot(history, tuple(entries), tip)


def read_blobs(repo_dir: Path, blobs: Sequence[str]) -> dict[str, bytes]:
    """The contents of ``blobs``, read by one ``git cat-file --batch``.

    All ids go in at once and all contents come back in one stream: a round
    trip per blob would cost more than parsing the records.
    """
    if not blobs:
        return {}
    import subprocess

    import git  # GitPython runs git with the repository's environment set up

    repo = git.Repo(repo_dir)
    try:
        process = repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
        stream, _ = process.communicate("".join(f"{b}\n" for b in blobs).encode("ascii"))
    finally:
        repo.close()
    contents: dict[str, bytes] = {}
    position = 0
    for _ in blobs:
        header_end = stream.index(b"\n", position)
        sha, _kind, size = stream[position:header_end].decode("ascii").split(" ")
        start = header_end + 1
        contents[sha] = stream[start : start + int(size)]
        position = start + int(size) + 1  # the newline after each object
    return contents
