"""One paper's share of the site: the files of its folder, and its pieces of the aggregates.

A paper's folder holds its page, a notice page per correction, its records as
committed, its artifacts, its manifest and its citation (BibTeX, CSL-JSON).
What it adds to the pages and files that list every paper (its index entry,
its timeline events, its piece of each export) is rendered here too, once,
so that nothing of the paper need be kept after it is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest_files import dumps
from synthledger.deriving.stream import BuiltPaper
from synthledger.layout import paper_folder
from synthledger.publishing.exports import csl, jsonld, load_pieced
from synthledger.publishing.exports.core import Paper, Source, json_array
from synthledger.publishing.listing import Listing
from synthledger.publishing.model import STATUS_TONES, Page
from synthledger.publishing.page import build_page
from synthledger.publishing.templating import resting_on

# The index's filters: the badges whose values some paper has.
FILTERED = ("status", "tier", "gate")


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
class Event:
    """A paper's timeline entry, rendered; placed by its commit when the timeline is written."""

    commit: str
    path: str
    entry: str
    month: str  # the part of the timeline that lists it (listing.py)


@dataclass(frozen=True, slots=True)
class PaperFiles:
    """Everything the site holds of one paper."""

    id: str
    files: dict[str, bytes]  # path inside the paper's folder -> bytes
    policies: dict[str, bytes]  # path inside the site (policy/...) -> bytes, shared by papers
    entry: str  # its <li> on the index
    options: tuple[tuple[str, str], ...]  # (filter, value) of its badges
    events: tuple[Event, ...]  # in the order its page lists them
    exports: dict[str, bytes]  # format name -> its piece of that export
    rests_on: str  # the newest commit its pages rest on: that of its newest record or policy


@dataclass(frozen=True)
class Context:
    """What the papers of one build share when their files are rendered."""

    config: ArchiveConfig
    source: Source
    env: jinja2.Environment
    default_tiers: Mapping[str, str]  # policy id -> the id of its default tier
    exports: tuple[str, ...]  # the formats whose pieces a paper gives
    rank: Callable[[str], int]  # a commit's place on the first-parent line: later is larger
    listing: Listing


def page_of(paper: BuiltPaper, context: Context) -> Page:
    assert paper.manifest is not None and paper.view is not None
    tier = paper.manifest["tier"]
    default = context.default_tiers.get(tier["policy"]) if tier else None
    return build_page(paper.manifest, paper.view, default_tier=default)


def blobs_of(paper: BuiltPaper, page: Page, config: ArchiveConfig) -> list[str]:
    """The blobs the paper's folder copies: its records and its artifacts."""
    prefix = _prefix(config, paper.id)
    return [i["blob"] for i in _inputs(paper) if i["path"].startswith(prefix)] + [
        blob for _, blob in _artifacts(paper, page, config)
    ]


def render(
    paper: BuiltPaper, page: Page, context: Context, contents: Mapping[str, bytes]
) -> PaperFiles:
    """The paper's files and pieces; ``contents`` holds its blobs and the policies'."""
    assert paper.manifest is not None and paper.view is not None
    config, source, env = context.config, context.source, context.env
    exported = Paper(paper.id, paper.manifest, paper.view, paper.replacements)
    out: dict[str, bytes] = {}
    exports = {name: load_pieced(name).piece(exported, source) for name in context.exports}
    bib = exports.get("bibtex") or load_pieced("bibtex").piece(exported, source)
    item = exports.get("csl") or csl.piece(exported, source)
    citation = Citation(bib[:-1].decode(), b"".join(json_array([item])).decode())
    out["cite.bib"] = citation.bibtex.encode()
    out["cite.json"] = citation.csl.encode()
    files = _record_files(paper, config, contents)
    for file in files:
        out[file.label] = _content(file, contents)
    links = {}
    for path, blob in _artifacts(paper, page, config):
        out[path] = contents[blob]
        links[path] = quote(path)
    policies = _policy_files(paper, config, contents)
    # The newest commit the pages rest on: that of the paper's newest record, or its policy.
    newest = max((i["commit"] for i in _inputs(paper)), key=context.rank)
    frame = resting_on(newest)
    out["index.html"] = (
        env.get_template("paper.html")
        .render(
            frame,
            root="../../",
            page=page,
            files=[*files, *policies],
            artifact_links=links,
            citation=citation,
            json_ld=_json_ld(jsonld.scholarly_article(exported, source)),
        )
        .encode()
    )
    tone = STATUS_TONES.get(paper.manifest["status"], "neutral")
    for event in page.timeline:
        if event.record == page.id:
            continue  # the publication itself: the paper's own page
        out[f"corrections/{event.record}.html"] = (
            env.get_template("notice.html")
            .render(
                frame,
                root="../../../",
                page=page,
                notice=event,
                record_href=quote(f"{event.record}.yaml"),
                status_tone=tone,
            )
            .encode()
        )
    href = f"papers/{quote(paper.id)}/index.html"
    entry = env.get_template("index_entry.html").render(
        entry={
            "page": page,
            "href": href,
            "manifest": paper.manifest,
            "search": f"{page.title} {paper.id} {page.byline}".lower(),
        }
    )
    timeline = env.get_template("timeline_entry.html")
    events = tuple(
        Event(
            event.commit,
            event.path,
            timeline.render(
                entry={"event": event, "paper": paper.id, "title": page.title, "href": href}
            ),
            context.listing.month(event.committed),
        )
        for event in page.timeline
    )
    return PaperFiles(
        paper.id,
        out,
        {p.label: _content(p, contents) for p in policies},
        entry,
        tuple((b.key, b.value) for b in page.badges if b.key in FILTERED),
        events,
        exports,
        newest,
    )


def _json_ld(document: dict[str, Any]) -> markupsafe.Markup:
    """JSON-LD to embed in a script element: no ``<``, ``>`` or ``&`` that could end it."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escape)
    return markupsafe.Markup(text)  # escaped above for its one context, a script element


def _content(file: RecordFile, contents: Mapping[str, bytes]) -> bytes:
    """A record's bytes as committed; the manifest's as computed."""
    return contents[file.blob] if file.blob is not None else file.text.encode("utf-8")


def _prefix(config: ArchiveConfig, paper: str) -> str:
    return f"{paper_folder(config, paper)}/"


def _inputs(paper: BuiltPaper) -> list[dict[str, str]]:
    assert paper.manifest is not None
    inputs: list[dict[str, str]] = paper.manifest["inputs"]
    return inputs


def _record_files(
    paper: BuiltPaper, config: ArchiveConfig, contents: Mapping[str, bytes]
) -> list[RecordFile]:
    assert paper.manifest is not None
    prefix = _prefix(config, paper.id)
    files = []
    for entry in _inputs(paper):
        if not entry["path"].startswith(prefix):
            continue  # the policy: shared by every paper, written once (see _policy_files)
        label = entry["path"][len(prefix) :]
        text = contents[entry["blob"]].decode("utf-8", errors="replace")
        what = "synthesis" if label == "synthesis.yaml" else label.split("/", 1)[0][:-1]
        files.append(RecordFile(label, quote(label), what, entry["commit"], entry["blob"], text))
    # The same bytes ``synthledger manifest`` writes for this paper.
    manifest = dumps(paper.manifest)
    files.append(RecordFile("manifest.json", "manifest.json", "manifest", None, None, manifest))
    return files


def _artifacts(paper: BuiltPaper, page: Page, config: ArchiveConfig) -> list[tuple[str, str]]:
    """(path in the paper's folder, blob) of each artifact the current view pins."""
    found = []
    for artifact in page.artifacts:
        path = PurePosixPath(artifact.path)
        # Never write outside the paper's folder, whatever a record says.
        if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
            continue
        blob = paper.files.get(_prefix(config, paper.id) + artifact.path)
        if blob is not None:
            found.append((artifact.path, blob))
    return found


def _policy_files(
    paper: BuiltPaper, config: ArchiveConfig, contents: Mapping[str, bytes]
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
        for entry in _inputs(paper)
        if entry["path"].startswith(policy_dir) and (name := entry["path"][len(policy_dir) :])
    ]
