"""Every paper's manifest at one commit, one paper at a time: the full build's source.

A full build (``manifest``, ``site``, ``export``) reads the archive through
:func:`open_build`, which gives the few things the whole build shares (the
tip, the policies, the order of the first-parent line) and then each paper
in id order, with its manifest, current view, files and findings. Nothing of
one paper is kept once the next is read, so a consumer that writes as it goes
holds one paper at a time.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import (
    paper_manifest,
    policy_entry_in_force,
    replacements_of,
    usable_entries,
)
from synthledger.findings import Finding
from synthledger.layout import FileKind, paper_folder
from synthledger.ledger.git import BlobReader, resolve_head
from synthledger.ledger.history import EMPTY_HISTORY, Commit, read_commit
from synthledger.ledger.publications import Publications, TreeRow, papers_changed
from synthledger.ledger.snapshot import RECORD_KINDS, Entry, Snapshot, read_contracts
from synthledger.reading.contracts import Contracts
from synthledger.reading.load import load_bytes

HISTORY_FILE = "history.sqlite"  # the kept index of history, in a cache folder

# Which papers to build: a test on ids (a shard's), or the ids themselves.
Keep = Callable[[str], bool] | frozenset[str]


@dataclass(frozen=True, slots=True)
class BuiltPaper:
    """One paper as a full build computes it."""

    id: str
    manifest: dict[str, Any] | None  # None where its synthesis cannot be used (see findings)
    view: dict[str, Any] | None  # the synthesis with its corrections in force applied
    # Path (as in the archive) -> blob of every file in the paper's folder at the tip:
    # its records and its artifacts.
    files: Mapping[str, str]
    # The papers its new-version corrections in force name as replacing it, sorted.
    replacements: tuple[str, ...]
    findings: tuple[Finding, ...]  # what is wrong with this paper's records


@dataclass(frozen=True)
class Build:
    """What every paper of one build shares, and the papers themselves."""

    tip: Commit | None  # None: the archive has no commits yet
    policies: tuple[Entry, ...]  # every policy at the tip, in publication order
    contracts: Mapping[str, bytes]  # the tip's own contracts: file name -> bytes
    policy: Entry | None  # the one in force at the tip, of those that satisfy their contract
    # Findings that belong to no paper (a policy's), reported once.
    findings: tuple[Finding, ...]
    # With a kept index: the commit the last build was at, and the papers whose files
    # differ between it and the tip. None: not known (every paper may have changed).
    since: str | None
    touched: frozenset[str] | None
    commits: int  # on the tip's first-parent line
    _papers: Callable[[Keep | None, PaperCache | None], Iterator[BuiltPaper]]
    _rank: Callable[[str], int]
    _changed: Callable[[str, int], frozenset[str] | None]

    def papers(
        self, keep: Keep | None = None, cache: PaperCache | None = None
    ) -> Iterator[BuiltPaper]:
        """Each paper ``keep`` accepts (default: all), in id order; only their records
        are read, and none of a paper ``cache`` holds. A set of ids is looked up in the
        index, where a test has every paper's files listed. A paper with files but no
        usable synthesis comes with ``manifest`` None, so that its findings are not lost."""
        return self._papers(keep, cache)

    def rank(self, commit: str) -> int:
        """Where ``commit`` stands on the first-parent line: larger is later; -1 if it
        published no record."""
        return self._rank(commit)

    def changed_since(self, commit: str, commits: int) -> frozenset[str] | None:
        """The papers whose files differ between ``commit`` and the tip, when ``commit``
        is the ``commits``-th of the tip's first-parent line (an earlier build's tip, say);
        None when it is not there: every paper may have changed."""
        return self._changed(commit, commits)


class PaperCache(Protocol):
    """Built papers kept from earlier builds: see :mod:`synthledger.deriving.cache`."""

    def reuse(self, paper: str, records: Sequence[Publication]) -> BuiltPaper | None: ...

    def keep(self, records: Sequence[Publication], built: BuiltPaper) -> None: ...


class Publication(NamedTuple):
    """A record of a paper, as the manifest's inputs name it."""

    path: str
    blob: str
    commit: str


@contextmanager
def open_build(
    config: ArchiveConfig, rev: str = "HEAD", *, cache: Path | None = None
) -> Iterator[Build]:
    """The build of every paper at ``rev``.

    One ``git log`` and one ``git ls-tree`` fill an index of publication commits
    and files (:mod:`synthledger.ledger.publications`) that spills to disk, and
    is gone after the block; records are then read a batch of papers at a time.
    Memory is that of a batch, whatever the size of the archive. With
    ``cache`` (a folder), the index is kept there between builds and brought up
    to ``rev`` by reading only the commits since the last build: ``since`` and
    ``touched`` then say which papers' files changed.
    """
    head = resolve_head(config.root, rev)
    if head is None:
        yield Build(
            None, (), {}, None, (), None, None, 0, lambda k, c: iter(()), lambda c: -1, _nothing
        )
        return
    if cache is None:
        index = Publications.index(config, head)
    else:
        index = Publications.kept(config, head, cache / HISTORY_FILE)
    try:
        with BlobReader(config.root) as blobs:
            yield _Reader(config, head, index, blobs).build()
    finally:
        index.close()


_PAPERS_A_BATCH = 256  # papers whose records one ``git cat-file`` reads


class _Reader:
    def __init__(
        self, config: ArchiveConfig, head: str, index: Publications, blobs: BlobReader
    ) -> None:
        self.config = config
        self.blobs = blobs
        self.head = head
        self.index = index
        self.tip = read_commit(config.root, head)
        self.contract_files = read_contracts(config, head)
        self.contracts = Contracts.committed(self.contract_files)
        self._commits: dict[int, Commit] = {}

    def build(self) -> Build:
        policies = self._entries(
            [
                row
                for row in self.index.tree(paper=False)
                if row.file.kind is FileKind.POLICY and row.publication is not None
            ]
        )
        shared: list[Finding] = []
        self.usable_policies = usable_entries(policies, self.contracts, shared)
        self.policy = policy_entry_in_force(
            Snapshot(EMPTY_HISTORY, tuple(self.usable_policies), self.tip)
        )
        return Build(
            self.tip,
            tuple(policies),
            self.contract_files,
            self.policy,
            tuple(shared),
            self.index.since,
            self.index.touched,
            self.index.commits,
            self.papers,
            self.index.rank,
            self.changed_since,
        )

    def changed_since(self, commit: str, commits: int) -> frozenset[str] | None:
        if commit == self.index.since and self.index.touched is not None:
            return self.index.touched  # what the kept index was just brought up by
        return papers_changed(self.config, commit, commits, self.head, self.index.commits)

    def papers(self, keep: Keep | None, cache: PaperCache | None) -> Iterator[BuiltPaper]:
        rows: Iterable[TreeRow]
        test: Callable[[str], bool] | None
        if isinstance(keep, frozenset):
            rows = (
                row
                for paper in sorted(keep)
                for row in self.index.tree_below(paper_folder(self.config, paper))
                if row.file.paper == paper
            )
            test = None
        else:
            rows, test = self.index.tree(paper=True), keep
        groups = itertools.groupby(rows, key=lambda row: row.file.paper)
        while batch := list(
            itertools.islice(
                (
                    (paper, list(files))
                    for paper, files in groups
                    if test is None or test(str(paper))
                ),
                _PAPERS_A_BATCH,
            )
        ):
            yield from self._batch(batch, cache)

    def _batch(
        self, batch: list[tuple[str | None, list[TreeRow]]], cache: PaperCache | None
    ) -> Iterator[BuiltPaper]:
        todo = []
        reused: dict[str, BuiltPaper] = {}
        for paper, rows in batch:
            assert paper is not None
            records = [r for r in rows if r.file.kind in RECORD_KINDS and r.publication is not None]
            inputs = [Publication(r.file.path, r.blob, self._commit(r).sha) for r in records]
            hit = cache.reuse(paper, inputs) if cache is not None else None
            if hit is not None:
                reused[paper] = dataclasses.replace(hit, files=_files(rows))
            else:
                todo.append((paper, rows, records, inputs))
        entries = iter(self._entries([r for _, _, records, _ in todo for r in records]))
        built = {}
        for paper, rows, records, inputs in todo:
            mine = list(itertools.islice(entries, len(records)))
            built[paper] = self._paper(paper, rows, mine)
            if cache is not None:
                cache.keep(inputs, built[paper])
        for paper, _ in batch:
            assert paper is not None
            yield reused[paper] if paper in reused else built[paper]

    def _paper(self, paper: str, rows: list[TreeRow], entries: list[Entry]) -> BuiltPaper:
        findings: list[Finding] = []
        kept = usable_entries(entries, self.contracts, findings)
        snapshot = Snapshot(EMPTY_HISTORY, (*self.usable_policies, *kept), self.tip)
        synthesis = next(snapshot.of_kind(FileKind.SYNTHESIS, paper), None)
        manifest = view = None
        if synthesis is not None and synthesis.document is not None:
            manifest, view = paper_manifest(
                snapshot, synthesis, self.policy, self.contracts, findings
            )
        return BuiltPaper(
            paper,
            manifest,
            view,
            _files(rows),
            replacements_of(snapshot, paper, manifest),
            tuple(findings),
        )

    def _entries(self, records: list[TreeRow]) -> list[Entry]:
        """The records loaded, in the order given (the index's: by paper, in publication order)."""
        contents = self.blobs.read([row.blob for row in records])
        entries = []
        for row, content in zip(records, contents, strict=True):
            loaded = load_bytes(content, row.file.path, marks=False)
            entries.append(
                Entry(row.file, row.blob, self._commit(row), loaded.document, loaded.findings)
            )
        return entries

    def _commit(self, row: TreeRow) -> Commit:
        assert row.publication is not None
        rank = row.publication[0]
        commit = self._commits.get(rank)
        if commit is None:
            if len(self._commits) > 4 * _PAPERS_A_BATCH:
                self._commits.clear()  # a batch's worth: most commits publish one paper
            commit = self._commits[rank] = self.index.commit(rank)
        return commit


def manifests_of(
    papers: Iterable[BuiltPaper], findings: list[Finding]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, manifest) of each of ``papers`` that has one, in their order; every paper's
    findings go to ``findings`` (those of a paper with none say why)."""
    for paper in papers:
        findings.extend(paper.findings)
        if paper.manifest is not None:
            yield paper.id, paper.manifest


def _nothing(commit: str, commits: int) -> frozenset[str] | None:
    return None  # no commits: nothing to compare


def _files(rows: list[TreeRow]) -> dict[str, str]:
    return {row.file.path: row.blob for row in rows}
