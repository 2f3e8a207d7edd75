"""Where things live in an archive, and which contract claims each file.

<records>/policy/<effective date>-<slug>.yaml      policy-v*
<records>/papers/<id>/synthesis.yaml               synthesis-v*
<records>/papers/<id>/corrections/<cid>.yaml       correction-record-v*
<records>/papers/<id>/verifications/<vid>.yaml     verification-record-v*
<records>/papers/<id>/artifacts/...                artifacts (hashed in the records)
<schemas>/<contract>.json                          contracts

With ``paper-folders = "sharded"`` in [tool.synthledger], a paper's folder is
<records>/papers/<first two characters of its id>/<id>/ instead: git writes a
tree object as large as a folder on every commit that changes it, and a flat
folder of 100,000 papers makes every commit pay for all of them.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from synthledger.config import ArchiveConfig

RECORD_SUFFIX = ".yaml"
# The contracts' pattern for every id: paper, claim, reference, correction.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def is_paper_id(text: str) -> bool:
    """Whether ``text`` is a valid id: a paper folder's name, a correction's file stem."""
    return ID_PATTERN.fullmatch(text) is not None


class FileKind(enum.StrEnum):
    SYNTHESIS = "synthesis"
    CORRECTION = "correction"
    VERIFICATION = "verification"
    POLICY = "policy"
    ARTIFACT = "artifact"
    CONTRACT = "contract"
    UNCLAIMED = "unclaimed"


# The contract family a record at each place must declare.
CONTRACT_FAMILY: dict[FileKind, str] = {
    FileKind.SYNTHESIS: "synthesis-v",
    FileKind.CORRECTION: "correction-record-v",
    FileKind.VERIFICATION: "verification-record-v",
    FileKind.POLICY: "policy-v",
}

RECORD_KINDS = frozenset(CONTRACT_FAMILY)


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """A file of the archive: ``path`` is POSIX and relative to the root."""

    path: str
    kind: FileKind
    paper: str | None = None  # the paper folder it belongs to, if any

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name.removesuffix(RECORD_SUFFIX)


def classify(path: str, config: ArchiveConfig) -> ArchiveFile:
    """What the file at ``path`` (relative to the root) is, judged by its place alone."""
    parts = path.split("/")
    schemas = config.schemas_dir.strip("/").split("/")
    if parts[: len(schemas)] == schemas and len(parts) == len(schemas) + 1:
        kind = FileKind.CONTRACT if path.endswith(".json") else FileKind.UNCLAIMED
        return ArchiveFile(path, kind)
    records = config.records_dir.strip("/").split("/")
    if parts[: len(records)] != records:
        return ArchiveFile(path, FileKind.UNCLAIMED)
    rest = parts[len(records) :]
    if len(rest) == 2 and rest[0] == "policy" and rest[1].endswith(RECORD_SUFFIX):
        return ArchiveFile(path, FileKind.POLICY)
    sharded = config.paper_folders == "sharded"
    if sharded and len(rest) >= 4 and rest[0] == "papers" and rest[1] == rest[2][:SHARD_WIDTH]:
        rest = [rest[0], *rest[2:]]  # papers/<id>/...: the bucket is the id's own prefix
    elif sharded and len(rest) >= 2 and rest[0] == "papers":
        return ArchiveFile(path, FileKind.UNCLAIMED)
    if len(rest) >= 3 and rest[0] == "papers":
        paper = rest[1]
        inside = rest[2:]
        if inside == ["synthesis.yaml"]:
            return ArchiveFile(path, FileKind.SYNTHESIS, paper)
        if len(inside) == 2 and inside[1].endswith(RECORD_SUFFIX):
            if inside[0] == "corrections":
                return ArchiveFile(path, FileKind.CORRECTION, paper)
            if inside[0] == "verifications":
                return ArchiveFile(path, FileKind.VERIFICATION, paper)
        if len(inside) >= 2 and inside[0] == "artifacts":
            return ArchiveFile(path, FileKind.ARTIFACT, paper)
        return ArchiveFile(path, FileKind.UNCLAIMED, paper)
    return ArchiveFile(path, FileKind.UNCLAIMED)


def walk(config: ArchiveConfig, unreadable: list[str] | None = None) -> Iterator[str]:
    """Every file under records/ and schemas/, as sorted relative POSIX paths.

    See :func:`files_below`; folders that cannot be read go to ``unreadable``.
    """
    for top in (config.records_dir, config.schemas_dir):
        yield from files_below(config, top, unreadable)


def files_below(
    config: ArchiveConfig, directory: str, unreadable: list[str] | None = None
) -> list[str]:
    """Every file at or below ``directory`` (relative to the root), sorted.

    Symlinks are listed, never followed: they are findings, not content. So is
    a folder where a record belongs (a folder named synthesis.yaml), so that
    it is reported rather than passed over. A folder that cannot be read is
    added to ``unreadable`` (a missing one is simply empty).
    """
    found: list[str] = []

    def failed(error: OSError) -> None:
        if unreadable is not None and not isinstance(error, FileNotFoundError):
            unreadable.append(_relative(str(error.filename), config))

    for folder, dirnames, filenames in os.walk(config.root / directory, onerror=failed):
        relative_dir = _relative(folder, config)
        for name in dirnames:
            path = f"{relative_dir}/{name}"
            if os.path.islink(os.path.join(folder, name)) or classify(path, config).kind in (
                RECORD_KINDS
            ):
                found.append(path)
        found.extend(f"{relative_dir}/{name}" for name in filenames)
    return sorted(found)


def _relative(path: str, config: ArchiveConfig) -> str:
    return os.path.relpath(path, config.root).replace(os.sep, "/")


SHARD_WIDTH = 2  # characters of the id that name its bucket, when paper folders are sharded


def paper_folder(config: ArchiveConfig, paper: str) -> str:
    """A paper's folder, relative to the root: the one home of that rule."""
    papers = f"{config.records_dir.strip('/')}/papers"
    if config.paper_folders == "sharded":
        return f"{papers}/{paper[:SHARD_WIDTH]}/{paper}"
    return f"{papers}/{paper}"


def paper_dirs(config: ArchiveConfig) -> list[str]:
    """Names (ids) of the paper folders, sorted; sharded, those in their own bucket."""
    papers = config.records_path / "papers"
    if config.paper_folders != "sharded":
        return sorted(_folders(papers))
    return sorted(
        paper
        for bucket in _folders(papers)
        for paper in _folders(papers / bucket)
        if paper[:SHARD_WIDTH] == bucket
    )


# Up to this many papers, the folders equal to theirs ignoring case are looked for
# where they could be (papers_like); more list every paper folder once (paper_dirs).
FEW_PAPERS = 8


def papers_alike(config: ArchiveConfig, papers: Collection[str]) -> dict[str, list[str]]:
    """Each of ``papers`` -> the paper folders whose names equal it ignoring case, sorted.
    A flat folder is listed once whatever the number: each paper's look would list it."""
    if len(papers) <= FEW_PAPERS and config.paper_folders == "sharded":
        return {paper: papers_like(config, paper) for paper in papers}
    by_casefold: dict[str, list[str]] = {}
    for name in paper_dirs(config):
        by_casefold.setdefault(name.casefold(), []).append(name)
    return {paper: by_casefold.get(paper.casefold(), []) for paper in papers}


def papers_like(config: ArchiveConfig, paper: str) -> list[str]:
    """The paper folders whose names equal ``paper`` ignoring case, sorted. Sharded, only
    the buckets that could hold one are listed (ids are ASCII: a bucket folds as its ids)."""
    folded = paper.casefold()
    if config.paper_folders != "sharded":
        return sorted(
            name for name in _folders(config.records_path / "papers") if name.casefold() == folded
        )
    papers = config.records_path / "papers"
    bucket = folded[:SHARD_WIDTH]
    return sorted(
        name
        for found in _folders(papers)
        if found.casefold() == bucket
        for name in _folders(papers / found)
        if name[:SHARD_WIDTH] == found and name.casefold() == folded
    )


def _folders(directory: os.PathLike[str]) -> list[str]:
    try:
        entries = os.scandir(directory)
    except OSError:
        return []
    with entries:
        return [entry.name for entry in entries if entry.is_dir(follow_symlinks=False)]
