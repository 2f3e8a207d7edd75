"""What every export reads: the papers at one commit, with their manifests and
current views, and the archive's publishing settings as that commit states them.

Nothing comes from the working tree or the clock: the manifests and views are
computed from history (as ``manifest`` and ``site`` compute them), the
settings are read from the commit's own pyproject.toml, and the only time an
export names is a commit's.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import iter_manifests_and_views, replacements_of
from synthledger.deriving.status import Status
from synthledger.deriving.stream import Build
from synthledger.deriving.typed_manifest import CorrectionEntry, correction_entry
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic
from synthledger.findings import Finding
from synthledger.ledger.history import Commit
from synthledger.ledger.settings import config_at
from synthledger.ledger.snapshot import Snapshot, utc
from synthledger.reading.contracts import Contracts

# The tier a policy grants a paper solid enough to be cited by a persistent identifier.
DOI_GRADE = "doi-grade"
# What a paper of this archive is, in the words a citation can carry.
GENRE = "Machine-generated literature synthesis"


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as the exports see it: its manifest and the current view it rests on."""

    id: str
    manifest: Mapping[str, Any]
    view: Mapping[str, Any]
    # The papers its new-version corrections in force name, where a build computed them.
    replacements: tuple[str, ...] | None = None

    @property
    def title(self) -> str:
        return str(self.manifest["title"])

    @property
    def publisher(self) -> str:
        return str(self.manifest["publisher"])

    @property
    def status(self) -> Status:
        return Status(self.manifest["status"])

    @property
    def date(self) -> str:
        """The publication date: the one the record states, else the archiving commit's."""
        published = self.manifest["published"]
        return str(published["stated"] or published["date"][:10])

    @property
    def date_parts(self) -> tuple[int, int, int]:
        year, month, day = self.date.split("-")
        return int(year), int(month), int(day)

    @property
    def status_phrase(self) -> str | None:
        """What a citation must say of a paper that is not CURRENT, e.g. "retracted"."""
        if self.status is Status.CURRENT:
            return None
        return self.status.value.lower().replace("-", " ")

    @property
    def doi_grade(self) -> bool:
        tier = self.manifest["tier"]
        return bool(tier and tier["id"] == DOI_GRADE)

    @property
    def stated_doi(self) -> str | None:
        """A DOI the record states for itself (an external archival record), if any."""
        record = (self.view.get("provenance") or {}).get("external_record") or {}
        if record.get("scheme") == "doi" and record.get("identifier"):
            return str(record["identifier"])
        return None

    @property
    def abstract(self) -> str:
        return str(self.view.get("abstract", ""))

    @property
    def corrections(self) -> tuple[CorrectionEntry, ...]:
        return tuple(correction_entry(c) for c in self.manifest["corrections"])


@dataclass(frozen=True)
class Source:
    """The archive at one commit, read once, from which each format writes."""

    config: ArchiveConfig  # the settings as the commit states them
    # None where a caller (the site) hands each format its papers from a build, one at
    # a time; ``built`` is then the exported commit.
    snapshot: Snapshot | None
    contracts: Contracts | None  # None only without a snapshot
    ids: Sequence[str] | None  # None: every paper
    since: str | None = None  # for ``changes``: the full hash of the older commit
    findings: list[Finding] = field(default_factory=list)
    built: Commit | None = None
    # Where the papers stream from a full build instead (``export`` of every paper).
    build: Build | None = None

    @property
    def tip(self) -> Commit:
        if self.build is not None:
            tip = self.build.tip
        else:
            tip = self.snapshot.tip if self.snapshot is not None else self.built
        if tip is None:
            raise SynthledgerError("the archive has no commits yet: nothing to export")
        return tip

    @property
    def archive(self) -> Snapshot:
        """The snapshot, for the formats that read records themselves (changes, prov)."""
        if self.snapshot is None:
            raise SynthledgerError("this export reads the records: it needs a snapshot")
        return self.snapshot

    def papers(self) -> Iterator[Paper]:
        """Each paper (sorted by id), one at a time: memory does not grow with the archive."""
        if self.build is not None:
            self.findings.extend(self.build.findings)
            for built in self.build.papers():
                self.findings.extend(built.findings)
                if built.manifest is not None and built.view is not None:
                    yield Paper(built.id, built.manifest, built.view, built.replacements)
            return
        assert self.snapshot is not None and self.contracts is not None, "no papers to read"
        for paper, manifest, view in iter_manifests_and_views(
            self.snapshot, self.contracts, self.ids, self.findings
        ):
            yield Paper(paper, manifest, view)

    def replacements(self, paper: Paper) -> list[str]:
        """The papers that replace ``paper``: what its new-version corrections in force name."""
        if paper.replacements is not None:
            return list(paper.replacements)
        assert self.snapshot is not None, "a paper from a build comes with its replacements"
        return list(replacements_of(self.snapshot, paper.id, paper.manifest))

    # Identifiers and addresses.

    def doi(self, paper: Paper) -> str | None:
        """The paper's DOI: the one its record states, else ``doi-prefix``/id for a
        DOI-grade paper (only those are deposited); None otherwise."""
        if paper.stated_doi:
            return paper.stated_doi
        if self.config.doi_prefix and paper.doi_grade:
            return f"{self.config.doi_prefix}/{paper.id}"
        return None

    def notice_doi(self, paper: Paper, correction: str) -> str | None:
        """The DOI of a correction notice: ``doi-prefix``/paper.correction."""
        prefix = self.config.doi_prefix
        return f"{prefix}/{paper.id}.{correction}" if prefix else None

    def page_url(self, paper: str) -> str | None:
        """Where the site shows the paper (``site-url`` + papers/<id>/), if the site is set."""
        base = self.site_base()
        return f"{base}papers/{quote(paper)}/" if base else None

    def notice_url(self, paper: str, correction: str) -> str | None:
        base = self.site_base()
        return f"{base}papers/{quote(paper)}/corrections/{quote(correction)}.html" if base else None

    def site_base(self) -> str | None:
        url = self.config.site_url
        if not url:
            return None
        return url if url.endswith("/") else url + "/"

    def committed(self) -> str:
        """The tip commit's time in UTC: the one time an export may name."""
        return utc(self.tip.committer_date)

    def require(self, *settings: str) -> None:
        """Stop unless each ``[tool.synthledger]`` setting is set at the exported commit."""
        missing = [s for s in settings if not getattr(self.config, s.replace("-", "_"))]
        if missing:
            raise SynthledgerError(
                f"set {', '.join(missing)} in [tool.synthledger] of pyproject.toml "
                f"(read from commit {self.tip.sha[:12]}, not the working tree)"
            )


def settings_at(config: ArchiveConfig, commit: str) -> ArchiveConfig:
    """``config`` with the export settings ``commit``'s own pyproject.toml states (none
    without one), never the working tree's."""
    stated = config_at(config.root, commit, records_dir=config.records_dir)
    return dataclasses.replace(
        config,
        doi_prefix=stated.doi_prefix,
        site_url=stated.site_url,
        depositor_name=stated.depositor_name,
        depositor_email=stated.depositor_email,
    )


def json_array(items: Iterable[bytes]) -> Iterator[bytes]:
    """The JSON array of ``items`` (each as ``dumps_bytes`` writes a value), as they come:
    the bytes ``dumps_bytes`` gives the whole list, without holding it."""
    first = True
    for item in items:
        # An item's lines, one level deeper; JSON text holds no raw newline but these.
        yield (b"[\n  " if first else b",\n  ") + item.rstrip(b"\n").replace(b"\n", b"\n  ")
        first = False
    yield b"[]\n" if first else b"\n]\n"


def site_domain(url: str) -> str:
    return urlsplit(url).hostname or url


def write_output(chunks: Iterable[bytes], out: str) -> int:
    """Write ``chunks`` to ``out`` ('-': stdout) as they come; the number of bytes written.

    A file is written whole or not at all (``files.write_atomic``): a reader
    never sees half an export, and an interrupted one leaves the old file.
    """
    size = 0

    def counted() -> Iterator[bytes]:
        nonlocal size
        for chunk in chunks:
            size += len(chunk)
            yield chunk

    if out == "-":
        for chunk in counted():
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return size
    path = Path(out)
    if path.is_dir():
        raise SynthledgerError(f"{out} is a directory: --out names the file to write")
    make_directory(path.parent)
    # Derived bytes the next export gives again: no fsync.
    write_atomic(path, counted(), durable=False)
    return size
