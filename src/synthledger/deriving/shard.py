"""Which papers a share of a split build computes: ``--shard K/N`` and ``--jobs``.

A paper belongs to shard K of N by a hash of its id, never by its position in
the archive: adding a paper moves no other paper to another shard, so a CI
matrix's shards keep their caches. Every paper is in exactly one shard, and
the shards of a build together give the bytes one build gives.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from synthledger.errors import SynthledgerError


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``number`` (1-based) of ``count``."""

    number: int
    count: int

    def holds(self, paper: str) -> bool:
        digest = hashlib.sha256(paper.encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.number - 1

    def split(self, jobs: int) -> list[Shard]:
        """This shard as ``jobs`` smaller ones (for --jobs within a shard of a matrix)."""
        count = self.count * jobs
        return [Shard(self.number + self.count * job, count) for job in range(jobs)]

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"


WHOLE = Shard(1, 1)


def parse_shard(text: str) -> Shard:
    """``K/N`` with 1 <= K <= N, as --shard takes it."""
    index, slash, count = text.partition("/")
    if slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return Shard(int(index), int(count))
    raise SynthledgerError(f"--shard {text!r}: write K/N with 1 <= K <= N, e.g. --shard 2/4")


def find_parts(out: Path, name: re.Pattern[str], what: str) -> list[Path]:
    """The parts in ``out`` of one split build, each shard's once, in shard order; an
    error if they are of builds of different N or if any is missing. ``name`` matches a
    part's file name, its groups K and N; ``what`` says which build, in the errors."""
    parts: dict[tuple[int, int], Path] = {}
    for file in sorted(out.iterdir()) if out.is_dir() else []:
        match = name.fullmatch(file.name)
        if match:
            parts[(int(match[1]), int(match[2]))] = file
    counts = {count for _, count in parts}
    if not parts or len(counts) != 1:
        found = ", ".join(p.name for p in parts.values()) or "none"
        raise SynthledgerError(
            f"{out}: the parts of one {what} are needed to merge (found: {found}); "
            "build every shard into it first, with the same N"
        )
    (count,) = counts
    missing = [str(k) for k in range(1, count + 1) if (k, count) not in parts]
    if missing:
        raise SynthledgerError(
            f"{out}: shards {', '.join(missing)} of {count} are missing: build them into it first"
        )
    return [parts[(k, count)] for k in range(1, count + 1)]
