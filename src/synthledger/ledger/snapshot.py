"""The archive's records as they stand at one commit, each with its publication commit.

Read from git objects, not the working tree: the same history gives the same
records on any clone, whatever is checked out or left uncommitted.
"""

from __future__ import annotations

import contextlib
import gc
import subprocess
import threading
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding
from synthledger.layout import ArchiveFile, FileKind, classify
from synthledger.ledger.history import (
    EMPTY_HISTORY,
    Commit,
    History,
    git,
    read_history,
    resolve_head,
)
from synthledger.reading.load import Document, Loaded, load_bytes


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
    """The records at ``rev``, in publication order.

    The history walk and the reading of records overlap: ``git log`` works on
    one core while the records at ``rev`` (found by ``git ls-tree``, which
    needs no walk) stream through ``git cat-file`` and the YAML loader here.
    """
    head = resolve_head(config.root, rev)
    if head is None:
        return Snapshot(EMPTY_HISTORY, (), None)
    files = {
        path: (file, blob)
        for path, blob in read_tree(config.root, head, config.records_dir).items()
        if (file := classify(path, config)).kind in RECORD_KINDS
    }
    with paused_cycle_collection(), ThreadPoolExecutor(max_workers=1) as pool:
        walk = pool.submit(read_history, config.root, rev=head, pathspecs=(config.records_dir,))
        loaded = _load_all(config.root, [(path, blob) for path, (_, blob) in files.items()])
        history = walk.result()
    entries = []
    for path, path_history in history.paths.items():  # publication order
        if path in files:
            (file, blob), record = files[path], loaded[path]
            entries.append(Entry(file, blob, path_history.added, record.document, record.findings))
    tip = history.commits[-1] if history.commits else None
    return Snapshot(history, tuple(entries), tip)


@contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Reading an archive allocates millions of small dicts, lists and strings
    that form no cycles; each automatic collection would walk all of them
    again, for about a tenth of the time of the read. Reference counting
    still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_all(repo_dir: Path, items: Sequence[tuple[str, str]]) -> dict[str, Loaded]:
    """Path -> what loading its blob gives, for each (path, blob); no line marks:
    manifests never point into a record, and marks would hold a position for
    every value of the archive."""
    contents = stream_blobs(repo_dir, [blob for _, blob in items])
    return {
        path: load_bytes(content, path, marks=False)
        for (path, _), content in zip(items, contents, strict=True)
    }


def read_tree(repo_dir: Path, commit: str, directory: str) -> dict[str, str]:
    """Path -> blob of every file at or below ``directory`` in ``commit``'s tree."""
    output = git(repo_dir, "ls-tree", "-r", "-z", commit, "--", directory)
    tree: dict[str, str] = {}
    for line in output.split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            _mode, kind, blob = meta.split(" ")
            if kind == "blob":
                tree[path] = blob
    return tree


def stream_blobs(repo_dir: Path, blobs: Sequence[str]) -> Generator[bytes, None, None]:
    """The contents of ``blobs``, in order, through one ``git cat-file --batch``.

    All ids go in at once, from a thread, while the contents are read as they
    come: one round trip per blob would cost more than parsing the records,
    and holding the whole stream would cost as much memory as the archive.
    """
    if not blobs:
        return
    import git as gitpython  # GitPython runs git with the repository's environment set up

    repo = gitpython.Repo(repo_dir)
    process = repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
    stdin, stdout = process.proc.stdin, process.proc.stdout
    assert stdin is not None and stdout is not None

    def feed() -> None:
        # If git stops early, the reader below says why; a broken pipe here is
        # only the echo of that.
        with contextlib.suppress(BrokenPipeError), stdin:
            stdin.write("".join(f"{b}\n" for b in blobs).encode("ascii"))

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    finished = False
    try:
        for blob in blobs:
            header = stdout.readline().decode("ascii").split(" ")
            if len(header) != 3:
                raise SynthledgerError(f"git cat-file: object {blob} cannot be read")
            size = int(header[2])
            yield stdout.read(size)
            stdout.read(1)  # the newline after each object
        finished = True
    finally:
        if not finished:
            # Stopped early: git may be blocked writing what nobody will read.
            process.proc.kill()
        stdout.close()
        process.proc.wait()
        feeder.join()
        repo.close()
