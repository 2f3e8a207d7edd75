"""A manifest build that costs what changed: the papers the new commits touched.

``manifest --out DIR --cache C`` records, in C, what it last wrote into DIR:
the commit, the key of everything every manifest shares (the tool, the
contracts, the policy in force: :class:`~synthledger.deriving.cache.ManifestCache`),
a hash of the index.json it wrote and the findings of every paper. The next
build into the same DIR, when C's history index was brought up from that very
commit (``Build.since``), rebuilds only the papers whose files changed
(``Build.touched``), removes the manifests of papers that are gone, and
rewrites index.json from the old one's rows and the new ones. Anything else
(another DIR, another shared key, an index.json that is not the one written,
a state that cannot be read) is a whole build, so the bytes are always those
of a build without the cache; the tests compare them.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from synthledger.config import ArchiveConfig
from synthledger.deriving.cache import ManifestCache
from synthledger.deriving.manifest_files import (
    dumps_bytes,
    index_chunks,
    index_entry,
    write_if_changed,
)
from synthledger.deriving.stream import Build
from synthledger.files import write_atomic
from synthledger.findings import Finding
from synthledger.layout import classify

FORMAT = 1
STATE = "last-manifest-build.json"  # in the cache folder

Row = dict[str, Any]


@dataclass(frozen=True)
class LastBuild:
    """What the last cached build wrote into its --out."""

    out: str
    tip: str
    common: str
    index: str  # sha256 of the index.json it wrote
    findings: tuple[Finding, ...]

    @classmethod
    def read(cls, cache: Path) -> LastBuild | None:
        try:
            state = orjson.loads((cache / STATE).read_bytes())
            if state["format"] != FORMAT:
                return None
            return cls(
                str(state["out"]),
                str(state["tip"]),
                str(state["common"]),
                str(state["index"]),
                tuple(Finding.from_row(row) for row in state["findings"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, damaged or not ours: a whole build

    def write(self, cache: Path) -> None:
        state = {
            "format": FORMAT,
            "out": self.out,
            "tip": self.tip,
            "common": self.common,
            "index": self.index,
            "findings": [finding.as_row() for finding in self.findings],
        }
        try:
            content = orjson.dumps(state)
        except TypeError:
            (cache / STATE).unlink(missing_ok=True)  # a path that is not UTF-8: none kept
            return
        write_atomic(cache / STATE, content, durable=False)


def changed_since_last(
    build: Build, kept: ManifestCache, cache: Path, out: Path
) -> tuple[frozenset[str], LastBuild] | None:
    """The papers to build again, when ``out`` holds the last cached build and the
    cache's history index was brought up from it; None: build every paper."""
    last = LastBuild.read(cache)
    if (
        last is None
        or build.touched is None
        or last.tip != build.since
        or last.out != str(out.resolve())
        or last.common != kept.common_key
        or _sha256(out / "index.json") != last.index
    ):
        return None
    return build.touched, last


def build_changed(
    config: ArchiveConfig,
    build: Build,
    kept: ManifestCache,
    changed: frozenset[str],
    last: LastBuild,
    out: Path,
    on_written: Callable[[Row], None] | None,
) -> tuple[int, list[Finding]]:
    """Build ``changed`` papers into ``out`` and write index.json; the papers indexed
    and every finding (the others' as the last build found them)."""
    findings = [*build.findings]
    findings.extend(f for f in last.findings if _owner(config, f) not in changed | {None})
    fresh: list[Row] = []
    for paper in build.papers(changed, kept):
        findings.extend(paper.findings)
        if paper.manifest is not None:
            write_if_changed(out / f"{paper.id}.json", dumps_bytes(paper.manifest))
            fresh.append(index_entry(paper.id, paper.manifest))
    built = {row["id"] for row in fresh}
    for gone in sorted(changed - built):
        (out / f"{gone}.json").unlink(missing_ok=True)
    kept_rows = (row for row in _index_rows(out / "index.json") if row["id"] not in changed)
    count = 0

    def rows() -> Iterator[Row]:
        nonlocal count
        for row in heapq.merge(kept_rows, fresh, key=lambda r: str(r["id"])):
            count += 1
            if on_written is not None:
                on_written(row)
            yield row

    write_atomic(out / "index.json", index_chunks(rows()), durable=False)
    kept.hits += count - len(fresh)  # the papers left as they were: not computed either
    return count, findings


def remember(
    cache: Path, out: Path, build: Build, kept: ManifestCache, findings: list[Finding]
) -> None:
    """Note what this build wrote into ``out``, for the next one."""
    assert build.tip is not None
    shared = set(build.findings)
    LastBuild(
        str(out.resolve()),
        build.tip.sha,
        kept.common_key,
        _sha256(out / "index.json") or "",
        tuple(f for f in findings if f not in shared),
    ).write(cache)


def _index_rows(index: Path) -> Iterator[Row]:
    """The rows of an index.json that ``index_chunks`` wrote (its hash says so), one at
    a time: each row is the block from a line ``    {`` to a line ``    }``."""
    block: list[bytes] = []
    with index.open("rb") as lines:
        for line in lines:
            if line == b"    {\n":
                block = [line]
            elif block:
                block.append(line)
                if line in (b"    }\n", b"    },\n"):
                    row: Row = orjson.loads(b"".join(block).rstrip(b",\n"))
                    yield row
                    block = []


def _owner(config: ArchiveConfig, finding: Finding) -> str | None:
    return classify(finding.path, config).paper


def _sha256(file: Path) -> str | None:
    try:
        with file.open("rb") as content:
            return hashlib.file_digest(content, "sha256").hexdigest()
    except OSError:
        return None
