"""What CI runs: validate the tree, check additive-only history, build every manifest.

With a base (a pull request or a push), the check costs what the range
changes: see :mod:`synthledger.checking.scope` for what it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from synthledger.checking.scope import Scope, range_scope
from synthledger.checking.validate import validate
from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import ManifestSet, build_manifests
from synthledger.deriving.manifest_files import write_manifests
from synthledger.deriving.stream import manifests_of, open_build
from synthledger.findings import Finding
from synthledger.ledger.additive import check_all, check_range
from synthledger.ledger.snapshot import paused_cycle_collection, read_snapshot
from synthledger.reading.contracts import Contracts

# A range that touches more papers than this reads the whole history once.
LIMITED_READ_PAPERS = 32


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    checked: int
    # The manifests a range check built (the touched papers'). A whole check streams
    # every paper's, writing each to ``out`` as it comes, and keeps none: its memory
    # does not grow with the archive.
    manifests: ManifestSet
    built: int  # manifests built
    scope: Scope | None = None  # what a range check read; None for a whole check


# The stages of a check, each reported to ``on_progress`` as it ends: validation,
# the additive-only check, the manifest build.
CHECK_STAGES = 3


def check(
    config: ArchiveConfig,
    *,
    base: str | None = None,
    head: str = "HEAD",
    on_progress: Callable[[], None] | None = None,
    out: Path | None = None,
) -> CheckResult:
    """Everything the hooks check, and more, since hooks can be skipped and CI cannot.

    With ``base``, what the range base..head adds is validated (with the
    records cross-file rules read beside it), additive-only is checked on the
    range, and manifests are built for the papers the range touches; a range
    that adds a policy or a contract changes what every record means, so it
    gets the whole check (with additive still on the range).

    With ``out``, the manifests built are written there (and index.json, for a
    whole check without ``base``).

    ``on_progress`` is called as each of the CHECK_STAGES ends (a caller's
    progress bar; the library draws nothing)."""
    stage_done = on_progress or (lambda: None)
    scope = range_scope(config, base, head) if base else None
    whole = scope is None or scope.whole
    # git's path-limited walks cost about papers x commits: past a few dozen
    # papers one pass over the whole first-parent line costs less.
    limited = scope is not None and not whole and 0 < len(scope.papers) <= LIMITED_READ_PAPERS
    with ThreadPoolExecutor(max_workers=1) as pool:
        # A few papers' history is git's work on another core (its walk for the
        # policies crosses the whole line): it runs while the files are validated.
        reading = (
            pool.submit(read_snapshot, config, head, papers=scope.papers, since=base)
            if limited and scope is not None
            else None
        )
        validation = validate(config, None if whole or scope is None else scope.paths)
        findings = list(validation.findings)
        stage_done()
        findings.extend(check_range(config, base, head) if base else check_all(config))
        stage_done()
        if whole or scope is None:
            manifests = ManifestSet()
            built = _every_manifest(config, head, out, manifests.findings, index=base is None)
        elif reading is not None:
            snapshot = reading.result()
            present = set(snapshot.papers())
            contracts = Contracts.committed(snapshot.contracts)  # the commit's own
            touched = [p for p in scope.papers if p in present]
            manifests = build_manifests(snapshot, contracts, touched)
        elif scope.papers:  # many papers: one pass over the line, their records alone read
            manifests = _touched_manifests(config, head, scope.papers)
        else:
            manifests = ManifestSet()
        if not whole:
            built = len(manifests.manifests)
            if out is not None:
                write_manifests(sorted(manifests.manifests.items()), out, index=False)
    findings.extend(manifests.findings)
    stage_done()
    return CheckResult(findings, validation.checked, manifests, built, scope)


def _touched_manifests(config: ArchiveConfig, head: str, papers: Collection[str]) -> ManifestSet:
    """The manifests of ``papers`` (those at ``head``) and their findings, from the
    streamed build: a range that touches many papers holds theirs, not the archive."""
    touched = ManifestSet()
    with paused_cycle_collection(), open_build(config, head) as build:  # no cycles
        touched.findings.extend(build.findings)
        for paper, manifest in manifests_of(build.papers(frozenset(papers)), touched.findings):
            touched.manifests[paper] = manifest
    return touched


def _every_manifest(
    config: ArchiveConfig, head: str, out: Path | None, findings: list[Finding], *, index: bool
) -> int:
    """Build every paper's manifest at ``head``, one batch of papers at a time (written
    to ``out`` as it comes, if given); their findings into ``findings``. How many."""
    with paused_cycle_collection(), open_build(config, head) as build:  # no cycles
        findings.extend(build.findings)
        manifests = manifests_of(build.papers(), findings)
        if out is not None:
            return write_manifests(manifests, out, index=index)
        return sum(1 for _ in manifests)
