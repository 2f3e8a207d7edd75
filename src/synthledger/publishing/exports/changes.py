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

from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.errors import SynthledgerError
from synthledger.layout import FileKind
from synthledger.ledger.history import first_parent_line
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
    if source.since is None:
        raise SynthledgerError("export --to changes needs --since COMMIT")
    tip = source.tip.sha
    line = [sha for sha, _ in first_parent_line(source.config.root, tip)]  # newest first
    if source.since not in line:
        # Ancestry is not enough: only the first-parent line of the tip is what was published.
        raise SynthledgerError(
            f"--since {source.since[:12]} is not on the first-parent line of {tip[:12]}: "
            "name a commit the exported one grew from"
        )
    newer = set(line[: line.index(source.since)])
    added: dict[str, list[dict[str, Any]]] = {group: [] for group in GROUPS.values()}
    touched: set[str] = set()
    for entry in source.archive.entries:  # publication order
        if entry.added.sha not in newer:
            continue
        synthesis = entry.file.kind is FileKind.SYNTHESIS
        added[GROUPS[entry.file.kind]].append(
            {
                "id": entry.file.paper if synthesis else entry.file.stem,
                "paper": entry.file.paper,
                "path": entry.file.path,
                "blob": entry.blob,
                "commit": entry.added.sha,
                "committed": utc(entry.added.committer_date),
            }
        )
        if entry.file.paper is not None:
            touched.add(entry.file.paper)
    papers = source.archive.papers()
    if added["policies"]:
        touched.update(papers)
    known = set(papers)
    return {
        "since": source.since,
        "until": tip,
        "until_committed": source.committed(),
        "added": added,
        "manifests": sorted(touched & known),
    }
