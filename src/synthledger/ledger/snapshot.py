"""The archive's records as they stand at one commit, each with its publication commit.

Read from git objects, not the working tree: the same history gives the same
records on any clone, whatever is checked out or left uncommitted.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from synthledger.config import ArchiveConfig
from synthledger.findings import Finding
from synthledger.layout import ArchiveFile, FileKind, classify, paper_folder
from synthledger.ledger.bisection import first_additions
from synthledger.ledger.git import read_tree, resolve_commit, resolve_head, stream_blobs
from synthledger.ledger.history import (
    EMPTY_HISTORY,
    Commit,
    History,
    joined,
    read_commit,
    read_history,
)
from synthledger.reading.document import Document, Loaded
from synthledger.reading.load import load_bytes


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
    # The contracts the same commit holds: file name (synthesis-v1.json) -> bytes.
    contracts: Mapping[str, bytes] = field(default_factory=dict)
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


def read_snapshot(
    config: ArchiveConfig,
    rev: str = "HEAD",
    papers: Sequence[str] | None = None,
    *,
    since: str | None = None,
    keep: Callable[[str], bool] | None = None,
    history: History | None = None,
) -> Snapshot:
    """The records at ``rev``, in publication order.

    The history walk and the reading of records overlap: ``git log`` works on
    one core while the records at ``rev`` (found by ``git ls-tree``, which
    needs no walk) stream through ``git cat-file`` and the YAML loader here.

    With ``papers``, only those papers' records and the policies are read, and
    git walks history for those folders alone; ``history.commits`` then holds
    only the commits that changed them, and ``tip`` is still ``rev``. With
    ``since`` too (a commit ``rev`` descends from, e.g. a pull request's
    base), the range since..rev is walked for them, and the history before it
    only for the policies and for the papers that had records before it: in
    a flat papers folder every walk below it pays for the whole folder's tree,
    so a pull request that adds a paper must not walk for it.

    ``keep`` (a test on paper ids, e.g. a shard's) leaves the records of other
    papers unread: the history is the same, the memory and parsing are theirs.
    ``history`` is the whole history of ``rev`` read before (by an earlier
    call without ``papers``): it is used instead of walking again.
    """
    head = resolve_head(config.root, rev)
    if head is None:
        return Snapshot(EMPTY_HISTORY, (), None)
    if papers is None:
        places: tuple[str, ...] = (config.records_dir,)
    else:
        places = (policy_dir(config), *(paper_dir(config, paper) for paper in sorted(papers)))
    files = {
        path: (file, blob)
        for path, blob in read_tree(config.root, head, *places).items()
        if (file := classify(path, config)).kind in RECORD_KINDS
        and (keep is None or file.paper is None or keep(file.paper))
    }
    with paused_cycle_collection(), ThreadPoolExecutor(max_workers=1) as pool:
        if history is not None:
            walk = pool.submit(lambda: history)
        elif papers is None:
            walk = pool.submit(read_history, config.root, rev=head, pathspecs=places)
        else:
            walk = pool.submit(_read_places, config, head, places, set(files), since)
        loaded = _load_all(config.root, [(path, blob) for path, (_, blob) in files.items()])
        read = walk.result()
    entries = []
    for path, path_history in read.paths.items():  # publication order
        if path in files:
            (file, blob), record = files[path], loaded[path]
            entries.append(Entry(file, blob, path_history.added, record.document, record.findings))
    if papers is None:
        tip = read.commits[-1] if read.commits else None
    else:
        tip = read_commit(config.root, head)
    return Snapshot(read, tuple(entries), tip, read_contracts(config, head))


# Up to this many places with records from before a range, each gets its own walk.
SEPARATE_WALKS = 3


def _read_places(
    config: ArchiveConfig, head: str, places: Sequence[str], present: set[str], since: str | None
) -> History:
    """The history of ``places`` up to ``head``; with ``since``, the part before it
    is read only for the records ``present`` at head from before it: their first
    additions, found by bisection where additive-only is enforced
    (:mod:`synthledger.ledger.bisection`), by a walk elsewhere.

    Before the range, each place with such records left to a walk (the policies, a
    paper with older records) gets a walk of its own, narrowed to that record when it holds
    only one: git's changed-path Bloom filters serve a walk of one pathspec only,
    and a file's filter skips more commits than its folder's (at 200,000 commits
    with a commit-graph, one policy file takes 0.4 s and 70 MB, the policy folder
    0.4 s and 160 MB, the folder with one paper's 2.5 s and 630 MB). Without a
    commit-graph every walk is a pass over the whole line, so past a few places
    one walk reads them all."""
    if since is None:
        return read_history(config.root, rev=head, pathspecs=places, limit_walk=True)
    base = resolve_commit(config.root, since)
    recent = read_history(config.root, rev=head, exclude=[base], pathspecs=places, limit_walk=True)
    older = [path for path in sorted(present) if path not in recent.paths]
    if not older:
        return recent
    found, unfound = first_additions(config.root, base, older, config.enforce_from)
    narrowed: list[str] = []
    for place in places:
        inside = [path for path in unfound if path.startswith(f"{place}/")]
        if inside:
            narrowed.append(inside[0] if len(inside) == 1 else place)
    walks = [narrowed] if len(narrowed) > SEPARATE_WALKS else [[spec] for spec in narrowed]
    walked = set(unfound).__contains__  # a folder's walk keeps only what was not found
    earlier = [
        read_history(config.root, rev=base, pathspecs=specs, keep=walked, limit_walk=True)
        for specs in walks
    ]
    return joined(found, *earlier, recent)


def policy_dir(config: ArchiveConfig) -> str:
    return f"{config.records_dir.strip('/')}/policy"


def paper_dir(config: ArchiveConfig, paper: str) -> str:
    return paper_folder(config, paper)


def read_contracts(config: ArchiveConfig, commit: str) -> dict[str, bytes]:
    """File name -> bytes of each contract (``<schemas>/*.json``) in ``commit``'s tree."""
    prefix = config.schemas_dir.strip("/") + "/"
    found = {
        path.removeprefix(prefix): blob
        for path, blob in read_tree(config.root, commit, config.schemas_dir).items()
        if path.startswith(prefix)
        and "/" not in path.removeprefix(prefix)
        and path.endswith(".json")
    }
    names = sorted(found)
    return dict(zip(names, stream_blobs(config.root, [found[n] for n in names]), strict=True))


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
