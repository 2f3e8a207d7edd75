"""Audit: was history ever rewritten, was any published file changed, and, for
each paper, when and by which commit each of its records entered the archive."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from synthledger.config import ArchiveConfig
from synthledger.deriving.stream import manifests_of, open_build
from synthledger.findings import Finding, Severity
from synthledger.layout import FileKind, classify
from synthledger.ledger.additive import REPLACED_OBJECTS, check_all, check_range
from synthledger.ledger.git import is_ancestor, replacements, resolve_commit, tree_paths
from synthledger.ledger.history import (
    Change,
    PathHistories,
    PathHistory,
    first_parent_line,
    iter_line,
)
from synthledger.ledger.mainline import on_first_parent_line
from synthledger.ledger.snapshot import paused_cycle_collection, utc

SIGNATURES = {
    "G": "good signature",
    "B": "bad signature",
    "U": "good signature, unknown validity",
    "X": "good signature, expired",
    "Y": "good signature, expired key",
    "R": "good signature, revoked key",
    "E": "signature cannot be checked (missing key)",
    "N": "unsigned",
}

# The stages of an audit, each reported to ``on_progress`` as it ends: reading the
# signed history, the additive check of every commit, the timelines, the manifests.
AUDIT_STAGES = 4


@dataclass
class Audit:
    head: str | None
    anchor: str | None
    anchor_ok: bool | None  # the anchor is an ancestor of HEAD
    anchor_on_line: bool | None = None  # ... and on HEAD's first-parent line
    commits_checked: int = 0
    files_checked: int = 0
    replacements: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timelines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    amended: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """What an auditor pastes into a report: what was checked, and what was found."""
        errors = sum(f.severity is Severity.ERROR for f in self.findings)
        return {
            "head": self.head,
            "anchor": self.anchor,
            "anchor_is_ancestor": self.anchor_ok,
            "anchor_on_first_parent_line": self.anchor_on_line,
            "commits_checked": self.commits_checked,
            "files_checked": self.files_checked,
            "replacements_ignored": list(self.replacements),
            "errors": errors,
            "warnings": len(self.findings) - errors,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "anchor": self.anchor,
            "anchor_is_ancestor": self.anchor_ok,
            "summary": self.summary(),
            "findings": [f.as_dict() for f in sorted(self.findings)],
            "papers": {
                paper: {"timeline": events, "amended_fields": self.amended.get(paper, [])}
                for paper, events in sorted(self.timelines.items())
            },
        }


def audit(
    config: ArchiveConfig,
    *,
    paper: str | None = None,
    anchor: str | None = None,
    on_progress: Callable[[], None] | None = None,
) -> Audit:
    """The audit of ``config``'s history; ``on_progress`` is called as each of the
    AUDIT_STAGES ends (a caller's progress bar; the library draws nothing).

    ``config`` should hold the anchor's settings (or HEAD's, without one). The
    manifests are checked against HEAD's own contracts. History is read one commit
    at a time and the manifests one batch of papers at a time: what is held is what
    the report shows (each record's publication and later changes), not the archive."""
    stage_done = on_progress or _quiet
    head, line, records = _signed_records(config, paper)
    stage_done()
    result = Audit(head, None, None, replacements=replacements(config.root))
    result.findings.extend(
        Finding(
            ".",
            1,
            1,
            REPLACED_OBJECTS,
            Severity.WARNING,
            f"{what} is present in this clone: it could make git show objects or parents "
            "that were never committed; synthledger ignores it, but plain git does not: "
            "compare with git --no-replace-objects, or remove it",
        )
        for what in result.replacements
    )
    if head is not None:
        result.files_checked = len(tree_paths(config.root, head, config.protected_dirs))
    if anchor is not None:
        result.anchor = resolve_commit(config.root, anchor)
        result.anchor_ok = is_ancestor(config.root, result.anchor, "HEAD")
        if not result.anchor_ok:
            result.findings.append(
                Finding(
                    ".",
                    1,
                    1,
                    "SL706",
                    Severity.ERROR,
                    f"history was rewritten: the anchor {result.anchor[:12]} is no longer "
                    "an ancestor of HEAD, so commits an auditor saw have been replaced. "
                    "Compare the two histories from the anchor's clone",
                    result.anchor,
                )
            )
            return result
        assert head is not None  # the anchor is an ancestor of it
        result.anchor_on_line = on_first_parent_line(config.root, result.anchor, head)
        result.commits_checked = len(first_parent_line(config.root, head, exclude=[result.anchor]))
        result.findings.extend(check_range(config, result.anchor, "HEAD"))
    else:
        result.commits_checked = line
        result.findings.extend(check_all(config))
    stage_done()
    for path, path_history in records.items():  # publication order
        file = classify(path, config)
        assert file.paper is not None
        commit = path_history.added
        result.timelines.setdefault(file.paper, []).append(
            {
                "record": path,
                "kind": str(file.kind),
                "commit": commit.sha,
                "date": utc(commit.committer_date),
                "author": f"{commit.author_name} <{commit.author_email}>",
                "signature": commit.signature,
                "signature_meaning": SIGNATURES.get(commit.signature or "", "unknown"),
                "changed_later": [
                    {"commit": c.commit.sha, "kind": str(c.kind)} for c in path_history.later
                ],
            }
        )
    stage_done()
    if head is not None:
        with paused_cycle_collection(), open_build(config, head) as build:  # no cycles
            result.findings.extend(build.findings)
            keep = frozenset({paper}) if paper is not None else None
            for paper_id, manifest in manifests_of(build.papers(keep), result.findings):
                result.amended[paper_id] = manifest["amended_fields"]
    stage_done()
    return result


def _signed_records(
    config: ArchiveConfig, paper: str | None
) -> tuple[str | None, int, Mapping[str, PathHistory]]:
    """The tip of the first-parent line, its length, and the history of each record of
    a paper (``paper``'s only, if given) that it added, signatures read: streamed from
    one walk, keeping only those (a rename's other side is read too: dropped at the end)."""

    def shown(path: str) -> bool:
        file = classify(path, config)
        return (
            file.paper is not None
            and file.kind is not FileKind.ARTIFACT
            and (paper is None or file.paper == paper)
        )

    head, line, records = None, 0, PathHistories()
    for commit, diffs in iter_line(config.root, keep=shown, signatures=True):
        head, line = commit.sha, line + 1
        for diff in diffs:
            records.add(Change(commit, *diff))
    return head, line, {p: h for p, h in records.done().items() if shown(p)}


def _quiet() -> None:
    pass
