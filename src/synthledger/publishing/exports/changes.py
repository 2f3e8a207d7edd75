"""What entered the archive between two commits of its first-parent line, for mirrors.

The records added after ``--since`` up to the exported commit, by kind
(papers, corrections, verifications, policies), each with its path, blob and
the commit that added it, in publication order; and the papers whose
manifests a mirror must fetch again (all of them when a policy was added, as
a policy can change every tier and verdict). Records are only ever added, so
this is everything that changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.errors import SynthledgerError
from synthledger.layout import FileKind, classify, paper_folder
from synthledger.ledger.git import read_tree
from synthledger.ledger.history import Commit, adds_path, iter_line, read_history
from synthledger.ledger.mainline import on_first_parent_line
from synthledger.ledger.snapshot import utc
from synthledger.publishing.exports.core import Source

SUFFIX = ".json"
GROUPS = {
    FileKind.SYNTHESIS: "papers",
    FileKind.CORRECTION: "corrections",
    FileKind.VERIFICATION: "verifications",
    FileKind.POLICY: "policies",
}


def render(source: Source) -> Iterator[bytes]:
    yield dumps_bytes(changes(source))


def changes(source: Source) -> dict[str, Any]:
    """What the first-parent line added after ``source.since``, read from that stretch
    of history and the tip's tree alone: a mirror's daily export costs what was
    added, not the archive."""
    if source.since is None:
        raise SynthledgerError("export --to changes needs --since COMMIT")
    config, tip, since = source.config, source.tip.sha, source.since
    if not on_first_parent_line(config.root, since, tip):
        # Ancestry is not enough: only the first-parent line of the tip is what was published.
        raise SynthledgerError(
            f"--since {since[:12]} is not on the first-parent line of {tip[:12]}: "
            "name a commit the exported one grew from"
        )
    published = _published_after(config, tip, since)
    at_tip = _tree(config, tip, list(published))
    added: dict[str, list[dict[str, Any]]] = {group: [] for group in GROUPS.values()}
    touched: set[str] = set()
    for path, commit in published.items():  # publication order
        if path not in at_tip:
            continue  # gone again by the tip
        file = classify(path, config)
        synthesis = file.kind is FileKind.SYNTHESIS
        added[GROUPS[file.kind]].append(
            {
                "id": file.paper if synthesis else file.stem,
                "paper": file.paper,
                "path": path,
                "blob": at_tip[path],
                "commit": commit.sha,
                "committed": utc(commit.committer_date),
            }
        )
        if file.paper is not None:
            touched.add(file.paper)
    if added["policies"]:  # a policy can change every tier and verdict
        touched.update(_papers(config, tip, None))
    return {
        "since": since,
        "until": tip,
        "until_committed": source.committed(),
        "added": added,
        "manifests": sorted(_papers(config, tip, touched)),
    }


def _published_after(config: ArchiveConfig, tip: str, since: str) -> dict[str, Commit]:
    """Each record path first added after ``since`` (on its way to ``tip``), with the
    commit that added it, in publication order. A path added before too (then deleted,
    before enforcement) was published then, not now."""

    def is_record(path: str) -> bool:
        return classify(path, config).kind in GROUPS

    first: dict[str, Commit] = {}
    for commit, diffs in iter_line(config.root, tip, exclude=[since], keep=is_record):
        for diff in diffs:
            if adds_path(diff) and is_record(diff.path):
                first.setdefault(diff.path, commit)
    if 0 < len(first) <= FEW_PATHS:  # git's walk for those paths alone
        before = read_history(config.root, rev=since, pathspecs=list(first), limit_walk=True)
        for path in before.paths:
            first.pop(path, None)
    elif first:  # one streamed walk of the line below since, for any of them
        for _, diffs in iter_line(config.root, since, keep=first.__contains__):
            for diff in diffs:
                if adds_path(diff):
                    first.pop(diff.path, None)
    return first


def _tree(config: ArchiveConfig, tip: str, paths: list[str]) -> dict[str, str]:
    """Path -> blob at ``tip`` of those of ``paths`` there: a listing of those alone,
    or of the records folder when they are too many to name on a command line."""
    if not paths:
        return {}
    if len(paths) <= FEW_PATHS:
        return read_tree(config.root, tip, *paths)
    wanted = set(paths)
    tree = read_tree(config.root, tip, config.records_dir.strip("/") or ".")
    return {path: blob for path, blob in tree.items() if path in wanted}


def _papers(config: ArchiveConfig, tip: str, among: set[str] | None) -> set[str]:
    """The papers with a synthesis at ``tip`` (of ``among``, if given: a lookup of those
    alone)."""
    if among is None:
        listed = read_tree(config.root, tip, f"{config.records_dir.strip('/')}/papers")
    else:
        listed = _tree(config, tip, [f"{paper_folder(config, p)}/synthesis.yaml" for p in among])
    return {
        file.paper
        for path in listed
        if (file := classify(path, config)).kind is FileKind.SYNTHESIS
        and file.paper is not None
        and (among is None or file.paper in among)
    }


FEW_PATHS = 256  # paths named to git on its command line; past them, a wider read
