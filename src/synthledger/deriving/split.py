"""A manifest build split into shards, by processes on one machine or across CI runners.

Each shard writes the manifests of its papers and its part of the index
(``index.shard-K-of-N.json``); merging the parts of all N shards writes
``index.json`` and removes them, so a split build's folder holds the bytes one
build writes. A missing or doubled part is an error, never a short index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from synthledger.config import ArchiveConfig
from synthledger.deriving.cache import ManifestCache, cached_manifests
from synthledger.deriving.manifest import iter_manifests
from synthledger.deriving.manifest_files import (
    dumps_bytes,
    index_of,
    write_if_changed,
    write_manifests,
)
from synthledger.deriving.shard import Shard
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory
from synthledger.findings import Finding
from synthledger.ledger.snapshot import paused_cycle_collection, read_snapshot
from synthledger.reading.contracts import Contracts

PART = re.compile(r"index\.shard-(\d+)-of-(\d+)\.json")


class Built(NamedTuple):
    rows: list[dict[str, Any]]
    findings: list[Finding]


def part_name(shard: Shard) -> str:
    return f"index.shard-{shard.number}-of-{shard.count}.json"


def build_shard(
    config: ArchiveConfig,
    rev: str,
    shard: Shard,
    out: Path,
    on_written: Callable[[dict[str, Any]], None] | None = None,
    cache: Path | None = None,
) -> Built:
    """Write the manifests of ``shard``'s papers into ``out``, and its part of the index;
    with ``cache``, the manifests cached there are reused (see deriving/cache.py)."""
    rows: list[dict[str, Any]] = []
    findings: list[Finding] = []

    def written(row: dict[str, Any]) -> None:
        rows.append(row)
        if on_written is not None:
            on_written(row)

    with paused_cycle_collection():  # records and manifests form no cycles
        if cache is not None:
            manifests = cached_manifests(config, rev, ManifestCache(cache), findings, shard.holds)
        else:
            snapshot = read_snapshot(config, rev, keep=shard.holds)
            manifests = iter_manifests(snapshot, Contracts.for_archive(config), None, findings)
        write_manifests(manifests, out, index=False, on_written=written)
    write_if_changed(out / part_name(shard), dumps_bytes({"papers": rows}))
    return Built(rows, findings)


def build_in_processes(
    config: ArchiveConfig, rev: str, shard: Shard, jobs: int, out: Path, cache: Path | None = None
) -> Built:
    """``shard`` built by ``jobs`` processes, each a smaller shard; their parts merged
    into this shard's part (or, for the whole archive, into index.json)."""
    make_directory(out)
    parts = shard.split(jobs)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(build_shard, config, rev, part, out, None, cache) for part in parts]
        done = [future.result() for future in futures]
    rows = [row for built in done for row in built.rows]
    for part in parts:
        (out / part_name(part)).unlink()
    if shard.count == 1:
        write_if_changed(out / "index.json", dumps_bytes(index_of(rows)))
    else:
        write_if_changed(out / part_name(shard), dumps_bytes({"papers": rows}))
    return Built(rows, [finding for built in done for finding in built.findings])


def merge(out: Path) -> int:
    """Write ``out/index.json`` from the parts every shard left there; the papers indexed."""
    parts: dict[tuple[int, int], Path] = {}
    for file in sorted(out.glob("index.shard-*-of-*.json")):
        match = PART.fullmatch(file.name)
        if match:
            parts[(int(match[1]), int(match[2]))] = file
    counts = {count for _, count in parts}
    if not parts or len(counts) != 1:
        found = ", ".join(p.name for p in parts.values()) or "none"
        raise SynthledgerError(
            f"{out}: the parts of one split build are needed to merge (found: {found}); "
            "build every shard into it first, with the same N"
        )
    (count,) = counts
    missing = [str(k) for k in range(1, count + 1) if (k, count) not in parts]
    if missing:
        raise SynthledgerError(
            f"{out}: shards {', '.join(missing)} of {count} are missing: build them into it first"
        )
    rows = []
    for file in parts.values():
        rows.extend(orjson.loads(file.read_bytes())["papers"])
    if len({row["id"] for row in rows}) != len(rows):
        raise SynthledgerError(f"{out}: a paper is in two parts: were the shards built at one rev?")
    write_if_changed(out / "index.json", dumps_bytes(index_of(rows)))
    for file in parts.values():
        file.unlink()
    return len(rows)
