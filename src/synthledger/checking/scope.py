"""What a range check must read: the files a range changes, and what they reach.

A pull request's cost must grow with the pull request. The range's changed
paths come from one tree diff (``git diff-tree``), never from a walk over
every record. A changed file's whole paper folder is validated again, since
the rules of one record read its siblings (a correction reads the earlier
corrections and its target; a verification the synthesis and its
corrections). A new paper brings the folders whose names equal its own
ignoring case (SL202 speaks of both). A new or changed policy or contract
changes what every record means: then the scope is the whole archive.
"""

from __future__ import annotations

from dataclasses import dataclass

from synthledger.config import ArchiveConfig
from synthledger.layout import FileKind, classify, paper_folder, papers_alike
from synthledger.ledger.git import resolve_commit, resolve_head
from synthledger.ledger.history import changed_paths


@dataclass(frozen=True)
class Scope:
    """``paths`` to validate and ``papers`` to build manifests for; ``whole``: everything."""

    changed: tuple[str, ...]
    paths: tuple[str, ...]
    papers: tuple[str, ...]
    whole: bool


def range_scope(config: ArchiveConfig, base: str, head: str = "HEAD") -> Scope:
    head_sha = resolve_head(config.root, head)
    if head_sha is None:
        return Scope((), (), (), whole=False)
    base_sha = resolve_commit(config.root, base)
    changed = tuple(changed_paths(config.root, base_sha, head_sha, config.protected_dirs))
    files = [classify(path, config) for path in changed]
    if any(f.kind in (FileKind.POLICY, FileKind.CONTRACT) for f in files):
        return Scope(changed, (), (), whole=True)
    touched = {f.paper for f in files if f.paper is not None}
    alike = papers_alike(config, touched)
    papers = sorted({same for paper in touched for same in alike[paper] or [paper]})
    folders = [paper_folder(config, paper) for paper in papers]
    others = [f.path for f in files if f.paper is None]
    present = [path for path in [*folders, *others] if (config.root / path).exists()]
    return Scope(changed, tuple(present), tuple(papers), whole=False)
