"""A manifest build split into shards, by processes on one machine or across CI runners.

Each shard writes the manifests of its papers and its part of the index
(``index.shard-K-of-N.jsonl``, a row a line in id order); merging the parts
of all N shards writes ``index.json`` and removes them, so a split build's
folder holds the bytes one build writes. A missing or doubled part is an
error, never a short index. Nothing is held whole: manifests, rows and parts
stream, so memory does not grow with the archive.
"""

from __future__ import annotations

import contextlib
import heapq
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from synthledger.config import ArchiveConfig
from synthledger.deriving.cache import ManifestCache
from synthledger.deriving.incremental import (
    MANIFESTS,
    build_changed,
    changed_since_last,
    one_build_at_a_time,
    remember,
)
from synthledger.deriving.manifest_files import index_chunks, written_rows
from synthledger.deriving.shard import WHOLE, Shard, find_parts
from synthledger.deriving.stream import HISTORY_FILE, manifests_of, open_build
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic
from synthledger.findings import Finding
from synthledger.ledger.git import resolve_head
from synthledger.ledger.publications import Publications
from synthledger.ledger.snapshot import paused_cycle_collection

PART = re.compile(r"index\.shard-(\d+)-of-(\d+)\.jsonl")

Row = dict[str, Any]


class Built(NamedTuple):
    written: int  # manifests
    findings: list[Finding]
    hits: int  # papers the cache held (0 without a cache)


def part_name(shard: Shard) -> str:
    return f"index.shard-{shard.number}-of-{shard.count}.jsonl"


def build_shard(
    config: ArchiveConfig,
    rev: str,
    shard: Shard,
    out: Path,
    on_written: Callable[[Row], None] | None = None,
    cache: Path | None = None,
    history: Path | None = None,
) -> Built:
    """Write the manifests of ``shard``'s papers into ``out``, with index.json (for the
    whole archive) or the shard's part of it; with ``cache``, the papers cached there
    are not built again (see deriving/cache.py). ``history`` is the folder of a kept
    index of history to read (default: ``cache``'s; without either, one is built)."""
    findings: list[Finding] = []
    count = 0
    make_directory(out)
    kept_history = history if history is not None else cache
    with (
        paused_cycle_collection(),  # no cycles
        # A whole build with the cache may be the incremental one, below.
        one_build_at_a_time(cache, MANIFESTS)
        if cache is not None and shard == WHOLE
        else nullcontext(),
        open_build(config, rev, cache=kept_history) as build,
    ):
        findings.extend(build.findings)
        kept = ManifestCache(cache, build) if cache is not None else None

        papers = build.papers(None if shard == WHOLE else shard.holds, kept)

        def rows() -> Iterator[Row]:
            nonlocal count
            for row in written_rows(manifests_of(papers, findings), out):
                count += 1
                if on_written is not None:
                    on_written(row)
                yield row

        if shard != WHOLE:
            write_atomic(out / part_name(shard), _part_lines(rows()), durable=False)
        elif kept is None or cache is None:
            write_atomic(out / "index.json", index_chunks(rows()), durable=False)
        else:
            since_last = changed_since_last(config, build, kept.common_key, cache, out, MANIFESTS)
            if since_last is None:
                write_atomic(out / "index.json", index_chunks(rows()), durable=False)
            else:
                count, findings = build_changed(config, build, kept, *since_last, out, on_written)
            remember(config, cache, out, MANIFESTS, build, kept.common_key, findings)
    return Built(count, findings, kept.hits if kept is not None else 0)


def build_in_processes(
    config: ArchiveConfig,
    rev: str,
    shard: Shard,
    jobs: int,
    out: Path,
    cache: Path | None = None,
    on_written: Callable[[Row], None] | None = None,
) -> Built:
    """``shard`` built by ``jobs`` processes, each a smaller shard; their parts merged
    into this shard's part (or, for the whole archive, into index.json). A whole build
    with ``cache`` into the last one's ``out`` builds only the papers changed since,
    in this process (incremental.py)."""
    if shard == WHOLE and cache is not None:
        if _incremental(config, rev, cache, out):
            return build_shard(config, rev, WHOLE, out, on_written, cache)
        with one_build_at_a_time(cache, MANIFESTS):
            built = _in_processes(config, rev, shard, jobs, out, cache, on_written)
            with open_build(config, rev, cache=cache) as build:  # the index is up to date
                common = ManifestCache(cache, build).common_key
                remember(config, cache, out, MANIFESTS, build, common, built.findings)
            return built
    return _in_processes(config, rev, shard, jobs, out, cache, on_written)


def _incremental(config: ArchiveConfig, rev: str, cache: Path, out: Path) -> bool:
    """Whether a build into ``out`` would build only the papers changed since the last."""
    with open_build(config, rev, cache=cache) as build:
        common = ManifestCache(cache, build).common_key
        return changed_since_last(config, build, common, cache, out, MANIFESTS) is not None


def _in_processes(
    config: ArchiveConfig,
    rev: str,
    shard: Shard,
    jobs: int,
    out: Path,
    cache: Path | None,
    on_written: Callable[[Row], None] | None,
) -> Built:
    parts = shard.split(jobs)
    make_directory(out)
    with shared_history(config, rev, cache) as history, ProcessPoolExecutor(jobs) as pool:
        futures = [
            pool.submit(build_shard, config, rev, part, out, None, cache, history) for part in parts
        ]
        done = [future.result() for future in futures]
    files = [out / part_name(part) for part in parts]
    rows = _merged(files, on_written)
    if shard.count == 1:
        write_atomic(out / "index.json", index_chunks(rows), durable=False)
    else:
        write_atomic(out / part_name(shard), _part_lines(rows), durable=False)
    for file in files:
        file.unlink()
    return Built(
        sum(built.written for built in done),
        _once([finding for built in done for finding in built.findings]),
        sum(built.hits for built in done),
    )


@contextmanager
def shared_history(config: ArchiveConfig, rev: str, cache: Path | None) -> Iterator[Path]:
    """The folder of an index of history that the processes of one build all read:
    ``cache``'s, or a temporary one; brought up to ``rev`` here, once, before they
    start. Each would otherwise read the whole history for itself, side by side."""
    with contextlib.ExitStack() as stack:
        folder = cache
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="synthledger-")))
        head = resolve_head(config.root, rev)
        if head is not None:
            Publications.kept(config, head, folder / HISTORY_FILE).close()
        yield folder


def merge(out: Path, on_written: Callable[[Row], None] | None = None) -> int:
    """Write ``out/index.json`` from the parts every shard left there; the papers indexed."""
    parts = find_parts(out, PART, "split build")
    merged = 0

    def counted() -> Iterator[Row]:
        nonlocal merged
        for row in _merged(parts, on_written):
            merged += 1
            yield row

    write_atomic(out / "index.json", index_chunks(counted()), durable=False)
    for file in parts:
        file.unlink()
    return merged


def _part_lines(rows: Iterable[Row]) -> Iterator[bytes]:
    for row in rows:
        yield orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)


def _read_part(file: Path) -> Iterator[Row]:
    try:
        with file.open("rb") as lines:
            for line in lines:
                row: Row = orjson.loads(line)
                yield row
    except (OSError, ValueError) as exc:
        raise SynthledgerError(
            f"{file}: not a part of a split build ({exc}): build it again"
        ) from exc


def _merged(files: list[Path], on_written: Callable[[Row], None] | None) -> Iterator[Row]:
    """The rows of every part, in id order (each part is); a paper in two parts is an error."""
    previous: str | None = None
    for row in heapq.merge(*(_read_part(file) for file in files), key=lambda r: str(r["id"])):
        if row["id"] == previous:
            raise SynthledgerError(
                f"paper {row['id']} is in two parts: were the shards built at one rev?"
            )
        previous = row["id"]
        if on_written is not None:
            on_written(row)
        yield row


def _once(findings: list[Finding]) -> list[Finding]:
    """Each finding once, in the order first reported: every process of a split build
    reports the findings that belong to no paper (a policy's)."""
    return list(dict.fromkeys(findings))
