"""The archive as a static HTML site: an index, one page per paper, a timeline.

Rendered with Jinja2 (autoescaped) from the same page model as ``show``. Each
paper's folder holds its page, its records as committed (read from git
objects, not the working tree), its artifacts and its manifest JSON, its
citation (BibTeX and CSL-JSON) and a notice page per correction that links
back to it; each page carries schema.org JSON-LD, and exports/ holds the bulk
file and the exports, the bytes ``synthledger export`` writes. Nothing
on a page loads from the network: one stylesheet and one small script ship
beside the pages, and a Content-Security-Policy says so to the browser. The
same history gives the same bytes: no clock, sorted everything.

A build is one pass over the papers (:func:`~synthledger.deriving.stream.open_build`):
each paper's folder is written as it comes and let go, and only its pieces of
the aggregates (index, timeline, exports) are kept, on disk (site_parts.py),
until they are written. So memory does not grow with the archive, and a build
splits: each shard (``--shard K/N``, or a process of ``--jobs``) writes its
papers' folders and its part of the pieces, and the merge writes the
aggregates from all the parts, the bytes one build writes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from synthledger.config import ArchiveConfig
from synthledger.deriving.cache import ManifestCache
from synthledger.deriving.incremental import (
    LastBuild,
    Output,
    changed_since_last,
    forget,
    kept_findings,
    one_build_at_a_time,
    remember,
)
from synthledger.deriving.manifest_files import write_if_changed
from synthledger.deriving.quality import Level
from synthledger.deriving.shard import WHOLE, Shard
from synthledger.deriving.split import shared_history
from synthledger.deriving.status import Status
from synthledger.deriving.stream import Build, BuiltPaper, open_build
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic
from synthledger.findings import Finding
from synthledger.ledger.git import BlobReader, stream_blobs
from synthledger.ledger.history import Commit
from synthledger.ledger.snapshot import paused_cycle_collection
from synthledger.publishing.exports import load_pieced
from synthledger.publishing.exports.core import Source, settings_at
from synthledger.publishing.listing import (
    ONE_PART,
    Listing,
    exports_folder,
    index_page,
    timeline_page,
)
from synthledger.publishing.paper_files import Context, PaperFiles, blobs_of, page_of, render
from synthledger.publishing.site_cache import SiteCache
from synthledger.publishing.site_parts import Parts, find_parts, part_name
from synthledger.publishing.templating import TEMPLATES, common, environment, resting_on

STATIC_FILES = ("site.css", "filter.js")
PARTS_SCRIPT = "parts.js"  # what a site listed in parts adds: go to a paper by its id
# Marks a directory as a site this command built, so that a rebuild may replace it.
MARKER = ".synthledger-site"
MARKER_TEXT = "Built by synthledger site; the next build replaces this directory's contents.\n"
# What a site's folder holds at its top (with the pages of its lists' parts: listing.py);
# anything else there is left from an earlier build.
TOP = frozenset({MARKER, "index.html", "timeline.html", "static", "policy", "papers", "exports"})
# What exports/ holds: the file of each export, and the settings it cannot do without.
# PROV is left to ``synthledger export --to prov``: the prov library holds the whole
# document in memory (about 440 MB and 50 s at 10,000 papers), too much for every build.
EXPORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "jsonl": ("archive.jsonl", ()),
    "csl": ("archive.csl.json", ()),
    "bibtex": ("archive.bib", ()),
    "ris": ("archive.ris", ()),
    "jsonld": ("archive.jsonld", ()),
    "datacite": ("archive.datacite.json", ()),
    "crossref": (
        "crossref-deposit.xml",
        ("doi_prefix", "site_url", "depositor_name", "depositor_email"),
    ),
}
# The index's status filter, mildest first.
STATUS_ORDER = (
    Status.CURRENT,
    Status.CORRECTED,
    Status.SUPERSEDED,
    Status.UNDER_CONCERN,
    Status.PARTIALLY_RETRACTED,
    Status.RETRACTED,
    Status.WITHDRAWN,
)
BATCH = 256  # papers whose blobs are read through one git cat-file
# With --cache: the last whole build's pieces, and what it wrote where (incremental.py).
PIECES = "last-site-pieces.sqlite"
SITE = Output("last-site-build.json", "index.html")


@dataclass
class Written:
    """What a build (or a shard of one) wrote."""

    pages: int = 0  # papers with a page
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    cached: int = 0  # papers whose share of the site the cache held

    def add(self, other: Written) -> None:
        self.pages += other.pages
        self.files += other.files
        self.findings.extend(other.findings)
        self.cached += other.cached


def build_site(
    config: ArchiveConfig,
    rev: str,
    out: Path,
    *,
    shard: Shard = WHOLE,
    jobs: int = 1,
    cache: Path | None = None,
    on_progress: Callable[[], None] | None = None,
) -> Written:
    """Write the site at ``rev`` into ``out`` (only ``shard``'s papers and its part of the
    aggregates' pieces, unless it is the whole); ``jobs`` processes share the work, and
    with ``cache`` each paper's share of the site is reused from there (site_cache.py),
    and a whole build into the folder of the last one rebuilds only the papers changed
    since.

    ``on_progress`` is called once per paper, when its folder is written (not with jobs).
    """
    prepare(out)
    if shard != WHOLE:
        if jobs > 1:
            return _in_processes(config, rev, out, shard, jobs, cache, out / part_name(shard))
        return _build_part(config, rev, out, shard, out / part_name(shard), cache, on_progress)
    if cache is not None:
        return _build_cached(config, rev, out, jobs, cache, on_progress)
    with tempfile.TemporaryDirectory(prefix="synthledger-site-") as scratch:
        pieces = Path(scratch) / "pieces.sqlite"
        return _build_whole(config, rev, out, pieces, jobs, cache, on_progress)


def merge_site(config: ArchiveConfig, out: Path) -> Written:
    """Write the aggregates into ``out`` from the parts every shard left there."""
    prepare(out)
    found = find_parts(out)
    with tempfile.TemporaryDirectory(prefix="synthledger-site-") as scratch:
        merged = _merged(found, Path(scratch) / "pieces.sqlite")
        try:
            written = Written(pages=merged.count(), files=_finish(config, merged, out))
        finally:
            merged.close()
    for path in found:
        path.unlink(missing_ok=True)  # _finish removes what it does not know
    return written


def _build_whole(
    config: ArchiveConfig,
    rev: str,
    out: Path,
    pieces: Path,
    jobs: int,
    cache: Path | None,
    on_progress: Callable[[], None] | None,
) -> Written:
    """Every paper's folder and the aggregates, the pieces kept in ``pieces``."""
    if jobs > 1:
        written = _in_processes(config, rev, out, WHOLE, jobs, cache, pieces)
    else:
        written = _build_part(config, rev, out, WHOLE, pieces, cache, on_progress)
    parts = Parts(pieces)
    try:
        written.files += _finish(config, parts, out)
    finally:
        parts.close()
    return written


def _build_cached(
    config: ArchiveConfig,
    rev: str,
    out: Path,
    jobs: int,
    cache: Path,
    on_progress: Callable[[], None] | None,
) -> Written:
    """A whole build with the cache: only the papers changed since the last one, when
    ``out`` holds it (incremental.py says when), and every paper otherwise. The pieces
    stay in the cache for the next build."""
    with one_build_at_a_time(cache, SITE):
        written, build, common = _build_changes_only(config, rev, out, cache)
        if written is None:
            at = build.tip.sha if build.tip is not None else rev  # the commit just resolved
            written = _build_whole(config, at, out, cache / PIECES, jobs, cache, on_progress)
        if build.tip is not None:
            remember(config, cache, out, SITE, build, common, written.findings)
        return written


def _build_changes_only(
    config: ArchiveConfig, rev: str, out: Path, cache: Path
) -> tuple[Written | None, Build, str]:
    """The build of the papers changed since the last one, if ``out`` holds it (None
    otherwise); the build's shared parts, and the key of what its papers share."""
    pieces = cache / PIECES
    with paused_cycle_collection(), open_build(config, rev, cache=cache) as build:  # no cycles
        manifests = ManifestCache(cache, build)
        context = _context(config, build)
        kept = SiteCache(cache, context)
        common = f"{manifests.common_key}:{kept.common_key}"
        since_last = None
        if pieces.is_file():
            since_last = changed_since_last(config, build, common, cache, out, SITE)
        forget(cache, SITE)  # until this build is whole: a crash leaves no state to trust
        if since_last is None:
            return None, build, common
        try:
            caches = (manifests, context, kept)
            return _build_changed(config, build, out, pieces, caches, *since_last), build, common
        except (sqlite3.DatabaseError, SynthledgerError):
            return None, build, common  # the pieces kept are damaged: a whole build replaces them


def _build_changed(
    config: ArchiveConfig,
    build: Build,
    out: Path,
    pieces: Path,
    caches: tuple[ManifestCache, Context, SiteCache],
    changed: frozenset[str],
    last: LastBuild,
) -> Written:
    """Rebuild the folders and pieces of the ``changed`` papers only, then the aggregates."""
    manifests, context, kept = caches
    written = Written(findings=kept_findings(config, build, last, changed))
    parts = Parts(pieces)
    try:
        kept_tip = parts.tip()
        if kept_tip is None or kept_tip.sha != last.tip:
            raise SynthledgerError(f"{pieces} is not the last build's")
        parts.move_to(build.tip)
        # The pages of the parts the changed papers were and are listed in.
        touched = Touched(
            {context.listing.part(paper) for paper in changed}, parts.months_of(changed)
        )
        parts.remove(changed)
        policies = _policy_contents(config, build)
        built = set()
        with BlobReader(config.root) as blobs:
            for batch in _batches(build.papers(changed, manifests), written.findings):
                for paper in _rendered(batch, context, policies, kept, blobs):
                    written.files += _put(paper, context, out, parts)
                    built.add(paper.id)
        touched.months.update(parts.months_of(built))
        for gone in sorted(changed - built):
            folder = out / "papers" / gone
            if folder.exists() or folder.is_symlink():
                _remove(folder)
        written.pages = parts.count()
        written.files += _write_aggregates(config, parts, out, touched)
    finally:
        parts.close()
    # The papers left as they were count as the cache's, as do those it held.
    written.cached = written.pages - len(built) + kept.hits
    return written


def _merged(found: list[Path], into: Path) -> Parts:
    """One file of the pieces in the parts ``found``."""
    merged = Parts.create(into, _tip_of(found[0]))
    try:
        for path in found:
            part = Parts(path)
            try:
                merged.absorb(part)
            finally:
                part.close()
    except BaseException:
        merged.close()
        raise
    return merged


def _tip_of(part: Path) -> Commit | None:
    parts = Parts(part)
    try:
        return parts.tip()
    finally:
        parts.close()


def _in_processes(
    config: ArchiveConfig,
    rev: str,
    out: Path,
    shard: Shard,
    jobs: int,
    cache: Path | None,
    pieces: Path,
) -> Written:
    """``shard`` built by ``jobs`` processes, each a smaller shard; their parts merged
    into ``pieces``."""
    parts = shard.split(jobs)
    written = Written(files=_write_frame(out, Listing.of(config)))
    # One index of history, made before the processes start, rather than one each.
    with shared_history(config, rev, cache) as history, ProcessPoolExecutor(jobs) as pool:
        futures = [
            pool.submit(
                _build_part,
                config,
                rev,
                out,
                part,
                out / part_name(part),
                cache,
                frame=False,
                history=history,
            )
            for part in parts
        ]
        for future in futures:
            written.add(future.result())
    found = [out / part_name(part) for part in parts]
    _merged(found, pieces).close()
    for path in found:
        path.unlink()
    return written


def _build_part(
    config: ArchiveConfig,
    rev: str,
    out: Path,
    shard: Shard,
    pieces: Path,
    cache: Path | None = None,
    on_progress: Callable[[], None] | None = None,
    *,
    frame: bool = True,
    history: Path | None = None,
) -> Written:
    """Write the folders of ``shard``'s papers into ``out`` and their pieces into ``pieces``;
    and the marker and static files, unless ``frame`` is False (a process of --jobs: the
    parent writes them once, as two writers of one folder would remove each other's
    files in flight). ``history`` is the folder of a kept index of history to read
    (default: ``cache``'s; without either, one is built)."""
    written = Written()
    # With a cache, the history index and the built papers (manifests, views) are kept
    # there too (deriving/cache.py): an unchanged paper's records are not even read.
    kept_history = history if history is not None else cache
    with (
        paused_cycle_collection(),  # no cycles
        open_build(config, rev, cache=kept_history) as build,
        BlobReader(config.root) as blobs,
    ):
        built = ManifestCache(cache, build) if cache is not None else None
        written.findings.extend(build.findings)
        parts = Parts.create(pieces, build.tip)
        try:
            if frame:
                written.files += _write_frame(out, Listing.of(config))
            context = _context(config, build)
            kept = SiteCache(cache, context) if cache is not None else None
            policies = _policy_contents(config, build)
            keep = None if shard == WHOLE else shard.holds
            for batch in _batches(build.papers(keep, built), written.findings):
                for paper in _rendered(batch, context, policies, kept, blobs):
                    written.files += _put(paper, context, out, parts)
                    written.pages += 1
                    if on_progress is not None:
                        on_progress()
        finally:
            parts.close()
    written.cached = kept.hits if kept is not None else 0
    return written


def _put(paper: PaperFiles, context: Context, out: Path, parts: Parts) -> int:
    """Write ``paper``'s folder and keep its pieces; the number of files written."""
    files = _write_files(out / "papers" / paper.id, paper.files)
    parts.add(paper, context.listing.part(paper.id), context.rank)
    return files


def _batches(papers: Iterable[BuiltPaper], findings: list[Finding]) -> Iterator[list[BuiltPaper]]:
    """The papers with a manifest, a few at a time; every paper's findings into ``findings``."""
    batch: list[BuiltPaper] = []
    for paper in papers:
        findings.extend(paper.findings)
        if paper.manifest is None:
            continue  # its synthesis cannot be used: its findings say why
        batch.append(paper)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _rendered(
    batch: list[BuiltPaper],
    context: Context,
    policies: dict[str, bytes],
    cache: SiteCache | None,
    blobs: BlobReader,
) -> Iterator[PaperFiles]:
    """Each paper's share of the site: from the cache where it holds it, else rendered
    (and then kept there). ``blobs`` reads the records and artifacts the papers' folders
    copy: one git for the whole build, as starting one for each batch costs 40 ms at
    100,000 papers."""
    keys = {paper.id: cache.key(paper) for paper in batch} if cache is not None else {}
    hits = {paper: cache.get(key) for paper, key in keys.items()} if cache is not None else {}
    todo = [paper for paper in batch if hits.get(paper.id) is None]
    pages = {paper.id: page_of(paper, context) for paper in todo}
    needed = sorted({b for p in todo for b in blobs_of(p, pages[p.id], context.config)})
    contents = dict(zip(needed, blobs.read(needed), strict=True))
    contents.update(policies)
    for paper in batch:
        hit = hits.get(paper.id)
        if hit is not None:
            yield hit
            continue
        files = render(paper, pages[paper.id], context, contents)
        if cache is not None:
            cache.put(keys[paper.id], files)
        yield files


def _context(config: ArchiveConfig, build: Build) -> Context:
    source = _source(config, build.tip)
    defaults: dict[str, str] = {}
    for entry in build.policies:
        data = entry.document.data if entry.document else {}
        default = data.get("default_tier")
        if isinstance(default, dict) and isinstance(data.get("id"), str):
            defaults[data["id"]] = str(default.get("id"))
    listing = Listing.of(config)
    exported = _exported(source, listing)
    return Context(config, source, environment(config), defaults, exported, build.rank, listing)


def _exported(source: Source, listing: Listing) -> tuple[str, ...]:
    """The exports the site ships: those whose settings the built commit states. A
    site listed in parts leaves the Crossref deposit to ``synthledger export``: a
    deposit names the build commit, so each of its parts would change on every build."""
    if source.built is None:
        return ()
    return tuple(
        name
        for name, (_, needs) in EXPORTS.items()
        if all(getattr(source.config, setting) for setting in needs)
        and not (listing.split and name == "crossref")
    )


def _policy_contents(config: ArchiveConfig, build: Build) -> dict[str, bytes]:
    blobs = sorted({entry.blob for entry in build.policies})
    return dict(zip(blobs, stream_blobs(config.root, blobs), strict=True))


# The aggregates.


def _finish(config: ArchiveConfig, parts: Parts, out: Path) -> int:
    """The aggregates of a whole build, and what is left of papers no longer in the
    archive removed. The number of files written."""
    written = _write_aggregates(config, parts, out)
    pages = {index_page(part) for part, _ in parts.parts()}
    pages |= {timeline_page(month) for month, _ in parts.months()}
    _remove_stale(out, set(parts.papers()), pages)
    return written


@dataclass(frozen=True)
class Touched:
    """The parts of the lists whose papers or events a rebuild changed."""

    parts: set[str]
    months: set[str]


def _write_aggregates(
    config: ArchiveConfig, parts: Parts, out: Path, touched: Touched | None = None
) -> int:
    """index.html, timeline.html, policy/ and exports/ from the pieces; of a site listed
    in parts (listing.py), the pages and exports of the ``touched`` parts (default: all).
    The number of files written."""
    env = environment(config)
    tip = parts.tip()
    listing = Listing.of(config)
    written = _write_files(
        out / "policy", {k.removeprefix("policy/"): v for k, v in dict(parts.shared()).items()}
    )
    source = _source(config, tip)
    exported = _exported(source, listing)
    if not listing.split:
        downloads = _write_exports(parts, source, exported, ONE_PART, out)
        _write_index(env, parts, (ONE_PART, parts.count()), common(tip), downloads, out)
        _write_timeline(env, parts, ONE_PART, common(tip), out)
        return written + len(downloads) + 2
    return written + _write_parts(env, parts, out, source, exported, touched)


def _write_parts(
    env: jinja2.Environment,
    parts: Parts,
    out: Path,
    source: Source,
    exported: tuple[str, ...],
    touched: Touched | None,
) -> int:
    """A site listed in parts: the pages and exports of the ``touched`` parts (default:
    all), and index.html and timeline.html, which list the parts. The files written."""
    written = 0
    lists, months = parts.parts(), parts.months()
    listed, dated = {part for part, _ in lists}, {month for month, _ in months}
    counts = dict(lists)
    for part in listed if touched is None else touched.parts:
        if part not in listed:  # its last paper is gone
            (out / index_page(part)).unlink(missing_ok=True)
            if (out / exports_folder(part)).exists():
                _remove(out / exports_folder(part))
            continue
        downloads = _write_exports(parts, source, exported, part, out)
        frame = resting_on(parts.rests_on(part) or "")
        _write_index(env, parts, (part, counts[part]), frame, downloads, out)
        written += len(downloads) + 1
    for month in dated if touched is None else touched.months:
        if month not in dated:
            (out / timeline_page(month)).unlink(missing_ok=True)
            continue
        _write_timeline(env, parts, month, resting_on(parts.last_event(month) or ""), out)
        written += 1
    if touched is None:  # what an earlier build left in exports/
        folders = {exports_folder(part).removeprefix("exports/") for part in listed}
        _remove_others(out / "exports", {f"{f}/{EXPORTS[n][0]}" for f in folders for n in exported})
    frame = common(source.built)
    directory = env.get_template("index_parts.html").generate(
        frame,
        root="",
        count=parts.count(),
        parts=[(part, index_page(part), count) for part, count in lists],
        exported=[EXPORTS[name][0] for name in exported],
    )
    write_atomic(out / "index.html", _encoded(directory), durable=False)
    timeline = env.get_template("timeline_parts.html").generate(
        frame, root="", months=[(month, timeline_page(month), n) for month, n in months]
    )
    write_atomic(out / "timeline.html", _encoded(timeline), durable=False)
    return written + 2


def _write_index(
    env: jinja2.Environment,
    parts: Parts,
    listed: tuple[str, int],
    frame: dict[str, Any],
    downloads: list[str],
    out: Path,
) -> None:
    """The page that lists a part's papers (the whole archive's: index.html); ``listed``
    is the part and the number of papers it lists."""
    part, count = listed
    options = {
        "status": _statuses(parts.options("status", part)),
        "tier": sorted(parts.options("tier", part)),
        "gate": sorted(parts.options("gate", part)),
        "level": list(Level),
    }
    page = env.get_template("index.html").generate(
        frame,
        root="",
        part=part,
        count=count,
        entries=_markup(parts.entries(part)),
        options=options,
        downloads=downloads,
        exports=exports_folder(part),
    )
    write_atomic(out / index_page(part), _encoded(page), durable=False)


def _write_timeline(
    env: jinja2.Environment, parts: Parts, month: str, frame: dict[str, Any], out: Path
) -> None:
    """The page that lists ``month``'s events (every event: timeline.html)."""
    page = env.get_template("timeline.html").generate(
        frame, root="", month=month, entries=_markup(parts.events(month))
    )
    write_atomic(out / timeline_page(month), _encoded(page), durable=False)


def _statuses(found: set[str]) -> list[str]:
    return [s for s in STATUS_ORDER if s in found] + sorted(found - set(STATUS_ORDER))


def _markup(entries: Iterator[str]) -> Iterator[markupsafe.Markup]:
    for entry in entries:
        yield markupsafe.Markup(entry)  # rendered, escaped, by the same environment


def _encoded(chunks: Iterable[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


def _source(config: ArchiveConfig, tip: Commit | None) -> Source:
    """What the pages and exports are written from: the built commit, with the settings
    it states (none without one)."""
    settings = settings_at(config, tip.sha) if tip else config
    return Source(config=settings, snapshot=None, contracts=None, ids=None, built=tip)


def _write_exports(
    parts: Parts, source: Source, exported: tuple[str, ...], part: str, out: Path
) -> list[str]:
    """Write ``part``'s piece of each export the site ships (the whole archive's, of
    ONE_PART) from its pieces into its folder; the names written."""
    folder = out / exports_folder(part)
    if source.built is None:
        _write_files(folder, {})
        return []
    make_directory(folder)
    written = []
    for name in exported:
        file = EXPORTS[name][0]
        chunks = load_pieced(name).assemble(source, parts.pieces(name, part))
        write_atomic(folder / file, chunks, durable=False)
        written.append(file)
    _remove_others(folder, set(written))
    return written


# Files and folders.


def prepare(out: Path) -> None:
    """Check that ``out`` is new, empty or a site this command built (which it may replace)."""
    if out.exists() and not out.is_dir():
        raise SynthledgerError(f"{out} is not a directory: choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SynthledgerError(
            f"{out} is not empty and holds no site built by synthledger: "
            "choose an empty or new --out directory"
        )
    make_directory(out)


def _write_frame(out: Path, listing: Listing) -> int:
    """The marker and the static files every page loads."""
    write_if_changed(out / MARKER, MARKER_TEXT.encode())
    names = (*STATIC_FILES, PARTS_SCRIPT) if listing.split else STATIC_FILES
    static = {name: (TEMPLATES / "static" / name).read_bytes() for name in names}
    return 1 + _write_files(out / "static", static)


def _write_files(folder: Path, files: dict[str, bytes]) -> int:
    """Give ``folder`` exactly ``files`` (path inside it -> bytes): what an earlier build
    left there and is not among them is removed, and an unchanged file is left alone."""
    existed = folder.is_dir()
    if existed:
        _remove_others(folder, set(files))
    elif folder.exists() or folder.is_symlink():
        folder.unlink()
    made: set[Path] = set()
    for name, content in files.items():
        path = folder / name
        if path.parent not in made:
            make_directory(path.parent)
            made.add(path.parent)
        if existed:
            write_if_changed(path, content)
        else:
            write_atomic(path, content, durable=False)
    return len(files)


def _remove_others(folder: Path, keep: set[str]) -> None:
    """Remove every file below ``folder`` whose path inside it is not in ``keep``."""
    for top, dirs, names in os.walk(folder, topdown=False):
        here = Path(top)
        for name in names:
            path = here / name
            if path.relative_to(folder).as_posix() not in keep:
                path.unlink()
        for name in dirs:
            path = here / name
            if path.is_symlink():
                path.unlink()
            elif not any(path.iterdir()):
                path.rmdir()


def _remove_stale(out: Path, papers: set[str], pages: set[str]) -> None:
    """Remove what an earlier build left that this one does not hold: papers no longer
    in the archive, and anything else at the top of the folder but this build's
    ``pages``."""
    for child in out.iterdir():
        if child.name not in TOP and child.name not in pages:
            _remove(child)
    folder = out / "papers"
    if folder.is_dir():
        for child in folder.iterdir():
            if child.name not in papers or not child.is_dir() or child.is_symlink():
                _remove(child)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
