"""Which papers a share of a split build computes: ``--shard K/N`` and ``--jobs``.

A paper belongs to shard K of N by a hash of its id, never by its position in
the archive: adding a paper moves no other paper to another shard, so a CI
matrix's shards keep their caches. Every paper is in exactly one shard, and
the shards of a build together give the bytes one build gives.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

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
