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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import (
    paper_manifest,
    policy_entry_in_force,
    replacements_of,
    usable,
)
from synthledger.findings import Finding
from synthledger.layout import FileKind, classify
from synthledger.ledger.git import read_tree
from synthledger.ledger.history import Commit
from synthledger.ledger.snapshot import Entry, read_snapshot
from synthledger.reading.contracts import Contracts


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
    # Findings that belong to no paper (a policy's), reported once.
    findings: tuple[Finding, ...]
    _papers: Callable[[Callable[[str], bool] | None], Iterator[BuiltPaper]]
    _rank: Callable[[str], int]

    def papers(self, keep: Callable[[str], bool] | None = None) -> Iterator[BuiltPaper]:
        """Each paper ``keep`` accepts (default: all), in id order; only their records
        are read. A paper with records but no usable synthesis comes with
        ``manifest`` None, so that its findings are not lost."""
        return self._papers(keep)

    def rank(self, commit: str) -> int:
        """Where ``commit`` stands on the first-parent line: larger is later; -1 if it
        published no record."""
        return self._rank(commit)


@contextmanager
def open_build(config: ArchiveConfig, rev: str = "HEAD") -> Iterator[Build]:
    """The build of every paper at ``rev``; what it keeps on disk is gone after the block."""
    snapshot = read_snapshot(config, rev)
    contracts = Contracts.committed(snapshot.contracts)
    shared: list[Finding] = []
    ranks = {commit.sha: n for n, commit in enumerate(snapshot.history.commits)}
    tree = read_tree(config.root, snapshot.tip.sha, config.records_dir) if snapshot.tip else {}

    def papers(keep: Callable[[str], bool] | None) -> Iterator[BuiltPaper]:
        findings: list[Finding] = []
        kept = usable(snapshot, contracts, findings)
        by_paper: dict[str, list[Finding]] = {}
        for finding in findings:
            owner = classify(finding.path, config).paper
            if owner is not None:
                by_paper.setdefault(owner, []).append(finding)
        del findings[:]
        files: dict[str, dict[str, str]] = {}
        for path, blob in tree.items():
            owner = classify(path, config).paper
            if owner is not None:
                files.setdefault(owner, {})[path] = blob
        policy = policy_entry_in_force(kept)
        for paper in sorted(files):
            if keep is not None and not keep(paper):
                continue
            synthesis = next(kept.of_kind(FileKind.SYNTHESIS, paper), None)
            manifest = view = None
            if synthesis is not None and synthesis.document is not None:
                manifest, view = paper_manifest(kept, synthesis, policy, contracts, findings)
            for finding in findings:
                by_paper.setdefault(paper, []).append(finding)
            del findings[:]
            yield BuiltPaper(
                paper,
                manifest,
                view,
                files[paper],
                replacements_of(kept, paper, manifest),
                tuple(by_paper.get(paper, ())),
            )

    policy_findings: list[Finding] = []
    usable(
        dataclasses.replace(snapshot, entries=tuple(snapshot.of_kind(FileKind.POLICY))),
        contracts,
        policy_findings,
    )
    shared.extend(policy_findings)
    yield Build(
        snapshot.tip,
        tuple(snapshot.of_kind(FileKind.POLICY)),
        snapshot.contracts,
        tuple(shared),
        papers,
        lambda commit: ranks.get(commit, -1),
    )
