"""A build that costs what changed: the papers the new commits touched.

``manifest --out DIR --cache C`` (and ``site``, through the same functions)
records, in C, what it last wrote into DIR: the commit and its place on the
first-parent line, the key of everything every paper shares (the tool, the
contracts, the policy in force, the layout; for the site its settings and
templates too), a hash of one file it wrote (index.json, index.html) and the
findings of every paper. The next build into the same DIR, when that commit
is on the new tip's first-parent line, rebuilds only the papers whose files
differ between the two (``Build.changed_since``, one ``git diff``), whatever
else brought the cache's history index up in between. Anything else (another
DIR, another shared key, a written file that is not the one written, a
rewritten history, a state that cannot be read) is a whole build, so the bytes
are always those of a build without the cache; the tests compare them.
"""

from __future__ import annotations

import contextlib
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
from synthledger.deriving.stream import Build, manifests_of
from synthledger.files import locked, make_directory, write_atomic
from synthledger.findings import Finding
from synthledger.layout import classify
from synthledger.ledger.publications import layout_key

FORMAT = 2

Row = dict[str, Any]


@dataclass(frozen=True)
class Output:
    """A kind of build kept track of: its state's file in the cache folder, and the file
    in its --out whose hash says that --out still holds what the build wrote."""

    state: str
    written: str


MANIFESTS = Output("last-manifest-build.json", "index.json")


@dataclass(frozen=True)
class LastBuild:
    """What the last cached build wrote into its --out."""

    out: str
    tip: str
    commits: int  # on the tip's first-parent line
    common: str
    written: str  # sha256 of the output's ``written`` file
    findings: tuple[Finding, ...]

    @classmethod
    def read(cls, cache: Path, output: Output) -> LastBuild | None:
        try:
            state = orjson.loads((cache / output.state).read_bytes())
            if state["format"] != FORMAT:
                return None
            return cls(
                str(state["out"]),
                str(state["tip"]),
                int(state["commits"]),
                str(state["common"]),
                str(state["written"]),
                tuple(Finding.from_row(row) for row in state["findings"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, damaged or not ours: a whole build

    def write(self, cache: Path, output: Output) -> None:
        state = {
            "format": FORMAT,
            "out": self.out,
            "tip": self.tip,
            "commits": self.commits,
            "common": self.common,
            "written": self.written,
            "findings": [finding.as_row() for finding in self.findings],
        }
        try:
            content = orjson.dumps(state)
        except TypeError:
            forget(cache, output)  # a path that is not UTF-8: none kept
            return
        write_atomic(cache / output.state, content, durable=False)


@contextlib.contextmanager
def one_build_at_a_time(cache: Path, output: Output) -> Iterator[None]:
    """Hold ``output``'s lock in the cache for a whole build: two builds sharing one
    cache (two CI jobs, two terminals) would read and write one state at once."""
    make_directory(cache)
    with locked(cache / f"{output.state}.lock"):
        yield


def changed_since_last(
    config: ArchiveConfig, build: Build, common: str, cache: Path, out: Path, output: Output
) -> tuple[frozenset[str], LastBuild] | None:
    """The papers to build again, when ``out`` holds the last cached build of ``output``
    with the same ``common`` key, at a commit of the tip's first-parent line; None:
    build every paper."""
    last = LastBuild.read(cache, output)
    if (
        last is None
        or last.out != str(out.resolve())
        or last.common != _with_layout(config, common)
        or _sha256(out / output.written) != last.written
    ):
        return None
    changed = build.changed_since(last.tip, last.commits)
    return None if changed is None else (changed, last)


def forget(cache: Path, output: Output) -> None:
    """No state: the next build is a whole one (say, while this one rewrites --out)."""
    (cache / output.state).unlink(missing_ok=True)


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
    findings = kept_findings(config, build, last, changed)
    fresh: list[Row] = []
    for paper, manifest in manifests_of(build.papers(changed, kept), findings):
        write_if_changed(out / f"{paper}.json", dumps_bytes(manifest))
        fresh.append(index_entry(paper, manifest))
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
    config: ArchiveConfig,
    cache: Path,
    out: Path,
    output: Output,
    build: Build,
    common: str,
    findings: list[Finding],
) -> None:
    """Note what this build of ``output`` wrote into ``out``, for the next one."""
    assert build.tip is not None
    shared = set(build.findings)
    LastBuild(
        str(out.resolve()),
        build.tip.sha,
        build.commits,
        _with_layout(config, common),
        _sha256(out / output.written) or "",
        tuple(f for f in findings if f not in shared),
    ).write(cache, output)


def kept_findings(
    config: ArchiveConfig, build: Build, last: LastBuild, changed: frozenset[str]
) -> list[Finding]:
    """The findings of a build of ``changed`` papers before theirs are added: the build's
    own, and the other papers' as the last build found them."""
    findings = [*build.findings]
    findings.extend(f for f in last.findings if _owner(config, f) not in changed | {None})
    return findings


def _with_layout(config: ArchiveConfig, common: str) -> str:
    """``common``, and where the archive's files are: the same commit read with another
    layout is other papers."""
    return hashlib.sha256(f"{common}\0{layout_key(config)}".encode()).hexdigest()


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
