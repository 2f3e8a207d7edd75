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
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest_files import dumps, dumps_bytes
from synthledger.deriving.quality import Level
from synthledger.deriving.status import Status
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic
from synthledger.layout import paper_folder
from synthledger.ledger.git import stream_blobs
from synthledger.ledger.snapshot import utc
from synthledger.publishing.exports import bibtex, csl, jsonld
from synthledger.publishing.exports import load as load_export
from synthledger.publishing.exports.core import Paper, Source, settings_at
from synthledger.publishing.model import DIMENSION_LABELS, STATUS_TONES, Event, Pages

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC_FILES = ("site.css", "filter.js")
# Marks a directory as a site this command built, so that a rebuild may clear it.
MARKER = ".synthledger-site"
MARKER_TEXT = "Built by synthledger site; the next build replaces this directory's contents.\n"
LEVELS = tuple(Level)
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


@dataclass(frozen=True, slots=True)
class RecordFile:
    """A file copied beside a paper's page: a record as committed, or its manifest."""

    label: str  # its path inside the paper's folder
    href: str  # relative to the paper's page
    what: str
    commit: str | None
    blob: str | None  # None for the manifest, which is computed, not committed
    text: str  # shown inline on the page too


@dataclass(frozen=True, slots=True)
class Citation:
    """How to cite a paper, in the two formats its page offers to copy or download."""

    bibtex: str
    csl: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: Event
    paper: str
    title: str
    href: str


def build_site(
    pages: Pages,
    config: ArchiveConfig,
    out: Path,
    *,
    on_progress: Callable[[], None] | None = None,
) -> int:
    """Write the site for ``pages`` into ``out``; the number of files written.

    ``on_progress`` is called once per paper, when its page is written.
    """
    _prepare(out)
    env = _environment(config)
    tip = pages.snapshot.tip
    common = {
        "tip": {"sha": tip.sha, "date": utc(tip.committer_date)} if tip else None,
        "dimension_labels": DIMENSION_LABELS,
    }
    blobs = sorted(_blobs(pages, config))
    contents = dict(zip(blobs, stream_blobs(config.root, blobs), strict=True))
    written = [_write(out / MARKER, MARKER_TEXT)]
    for name in STATIC_FILES:
        written.append(_write(out / "static" / name, (TEMPLATES / "static" / name).read_bytes()))
    shared: dict[Path, bytes] = {}  # the policies: every page links to them, written once
    source = _export_source(pages, config)
    for paper, page in sorted(pages.pages.items()):
        folder = out / "papers" / paper
        exported = Paper(paper, pages.built.manifests[paper], pages.views[paper])
        citation = Citation(
            bibtex.entry_text(exported, source), dumps_bytes([csl.item(exported, source)]).decode()
        )
        written.append(_write(folder / "cite.bib", citation.bibtex))
        written.append(_write(folder / "cite.json", citation.csl))
        files = _record_files(pages, config, paper, contents)
        for file in files:
            written.append(_write(folder / file.label, _content(file, contents)))
        links = {}
        for path, blob in _artifact_blobs(pages, config, paper):
            written.append(_write(folder / path, contents[blob]))
            links[path] = quote(path)
        policies = _policy_files(pages, config, paper, contents)
        shared.update((out / p.label, _content(p, contents)) for p in policies)
        html = env.get_template("paper.html").render(
            common,
            root="../../",
            page=page,
            files=[*files, *policies],
            artifact_links=links,
            citation=citation,
            json_ld=_json_ld(jsonld.scholarly_article(exported, source)),
        )
        written.append(_write(folder / "index.html", html))
        for event in page.timeline:
            if event.record == page.id:
                continue  # the publication itself: the paper's own page
            notice = env.get_template("notice.html").render(
                common,
                root="../../../",
                page=page,
                notice=event,
                record_href=quote(f"{event.record}.yaml"),
                status_tone=STATUS_TONES.get(pages.built.manifests[paper]["status"], "neutral"),
            )
            written.append(_write(folder / "corrections" / f"{event.record}.html", notice))
        if on_progress is not None:
            on_progress()
    written.extend(_write(path, content) for path, content in sorted(shared.items()))
    downloads = _write_exports(source, out / "exports")
    written.extend(out / "exports" / name for name in downloads)
    index = env.get_template("index.html").render(
        common,
        root="",
        papers=_index_entries(pages),
        options=_options(pages),
        downloads=downloads,
    )
    written.append(_write(out / "index.html", index))
    timeline = env.get_template("timeline.html").render(common, root="", entries=_timeline(pages))
    written.append(_write(out / "timeline.html", timeline))
    return len(written)


def _export_source(pages: Pages, config: ArchiveConfig) -> Source:
    """The exports' view of the pages: the manifests and views already computed, and
    the settings the built commit states."""
    tip = pages.snapshot.tip
    return Source(
        config=settings_at(config, tip.sha) if tip else config,
        snapshot=pages.snapshot,
        contracts=None,
        ids=None,
        computed={p: (pages.built.manifests[p], pages.views[p]) for p in pages.pages},
    )


def _write_exports(source: Source, folder: Path) -> list[str]:
    """Write each export the site ships into ``folder``, as it is made (a paper at a time,
    where the format allows); the names written. One that lacks its settings is left out."""
    if source.snapshot.tip is None:
        return []
    make_directory(folder)
    written = []
    for name, (file, needs) in EXPORTS.items():
        if all(getattr(source.config, setting) for setting in needs):
            write_atomic(folder / file, load_export(name).render(source), durable=False)
            written.append(file)
    return written


def _json_ld(document: dict[str, Any]) -> markupsafe.Markup:
    """JSON-LD to embed in a script element: no ``<``, ``>`` or ``&`` that could end it."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escape)
    return markupsafe.Markup(text)  # escaped above for its one context, a script element


def _content(file: RecordFile, contents: dict[str, bytes]) -> bytes:
    """A record's bytes as committed; the manifest's as computed."""
    return contents[file.blob] if file.blob is not None else file.text.encode("utf-8")


def _environment(config: ArchiveConfig) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value on a page comes from a record someone else wrote
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = lambda text: quote(str(text))
    # A record's archive path as a link from its paper's page, which sits in the paper's folder.
    env.filters["in_paper"] = lambda path, paper: quote(
        str(path).removeprefix(f"{paper_folder(config, paper)}/")
    )
    return env


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SynthledgerError(f"{out} is not a directory: choose another --out")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SynthledgerError(
                f"{out} is not empty and holds no site built by synthledger: "
                "choose an empty or new --out directory"
            )
        # A previous build: clear it, so that nothing of a paper that is gone lingers.
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    make_directory(out)


def _write(path: Path, content: str | bytes) -> Path:
    """Write one file of the site, whole or not at all (a rebuild gives it again: no fsync)."""
    make_directory(path.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    write_atomic(path, data, durable=False)
    return path


def _paper_prefix(config: ArchiveConfig, paper: str) -> str:
    return f"{paper_folder(config, paper)}/"


def _inputs(pages: Pages, paper: str) -> list[dict[str, str]]:
    inputs: list[dict[str, str]] = pages.built.manifests[paper]["inputs"]
    return inputs


def _blobs(pages: Pages, config: ArchiveConfig) -> set[str]:
    """Every blob the site copies: the records each manifest rests on, and their artifacts."""
    blobs = {i["blob"] for paper in pages.pages for i in _inputs(pages, paper)}
    for paper in pages.pages:
        blobs.update(blob for _, blob in _artifact_blobs(pages, config, paper))
    return blobs


def _record_files(
    pages: Pages, config: ArchiveConfig, paper: str, contents: dict[str, bytes]
) -> list[RecordFile]:
    prefix = _paper_prefix(config, paper)
    files = []
    for entry in _inputs(pages, paper):
        if not entry["path"].startswith(prefix):
            continue  # the policy: shared by every paper, written once (see _policy_files)
        label = entry["path"][len(prefix) :]
        text = contents[entry["blob"]].decode("utf-8", errors="replace")
        what = "synthesis" if label == "synthesis.yaml" else label.split("/", 1)[0][:-1]
        files.append(RecordFile(label, quote(label), what, entry["commit"], entry["blob"], text))
    # The same bytes ``synthledger manifest`` writes for this paper.
    manifest = dumps(pages.built.manifests[paper])
    files.append(RecordFile("manifest.json", "manifest.json", "manifest", None, None, manifest))
    return files


def _artifact_blobs(pages: Pages, config: ArchiveConfig, paper: str) -> list[tuple[str, str]]:
    """(path in the paper's folder, blob) of each artifact the current view pins."""
    found = []
    for artifact in pages.pages[paper].artifacts:
        path = PurePosixPath(artifact.path)
        # Never write outside the paper's folder, whatever a record says.
        if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
            continue
        blob = pages.snapshot.history.blob_at_head(_paper_prefix(config, paper) + artifact.path)
        if blob is not None:
            found.append((artifact.path, blob))
    return found


def _policy_files(
    pages: Pages, config: ArchiveConfig, paper: str, contents: dict[str, bytes]
) -> list[RecordFile]:
    """The policy a paper's manifest applied, as a link from its page to ``policy/``."""
    policy_dir = f"{config.records_dir.strip('/')}/policy/"
    return [
        RecordFile(
            f"policy/{name}",
            f"../../policy/{quote(name)}",
            "policy",
            entry["commit"],
            entry["blob"],
            contents[entry["blob"]].decode("utf-8", errors="replace"),
        )
        for entry in _inputs(pages, paper)
        if entry["path"].startswith(policy_dir) and (name := entry["path"][len(policy_dir) :])
    ]


def _index_entries(pages: Pages) -> list[dict[str, Any]]:
    return [
        {
            "page": page,
            "href": f"papers/{quote(paper)}/index.html",
            "manifest": pages.built.manifests[paper],
            "search": f"{page.title} {paper} {page.byline}".lower(),
        }
        for paper, page in sorted(pages.pages.items())
    ]


def _options(pages: Pages) -> dict[str, list[str]]:
    """The values each filter offers: those some paper has, in a stable order."""

    def values(key: str) -> set[str]:
        return {b.value for page in pages.pages.values() for b in page.badges if b.key == key}

    statuses = values("status")
    return {
        "status": [s for s in STATUS_ORDER if s in statuses] + sorted(statuses - set(STATUS_ORDER)),
        "tier": sorted(values("tier")),
        "gate": sorted(values("gate")),
        "level": list(LEVELS),
    }


def _timeline(pages: Pages) -> list[TimelineEntry]:
    """Every paper's events, in the order their commits entered the first-parent line."""
    order = {commit.sha: n for n, commit in enumerate(pages.snapshot.history.commits)}
    entries = [
        TimelineEntry(event, paper, page.title, f"papers/{quote(paper)}/index.html")
        for paper, page in pages.pages.items()
        for event in page.timeline
    ]
    entries.sort(key=lambda e: (order.get(e.event.commit, -1), e.event.path))
    return entries
