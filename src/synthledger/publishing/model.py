"""What a paper's public page says: one typed model that ``show`` and ``site`` both render.

Section names follow the public pages the archive imported (seed 000), so that a
rendered page carries the same facts; tones say how a renderer colours a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synthledger.deriving.gate import GateStatus
from synthledger.deriving.manifest import ManifestSet
from synthledger.deriving.quality import Level
from synthledger.deriving.status import Status
from synthledger.ledger.snapshot import Snapshot

# Badge tones: how a renderer colours a value. Never a judgement the manifest did not make.
GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"

STATUS_TONES = {
    Status.CURRENT: GOOD,
    Status.CORRECTED: WARN,
    Status.SUPERSEDED: WARN,
    Status.UNDER_CONCERN: BAD,
    Status.PARTIALLY_RETRACTED: BAD,
    Status.RETRACTED: BAD,
    Status.WITHDRAWN: BAD,
}
GATE_TONES = {GateStatus.VERIFIED: GOOD, GateStatus.FAILED: BAD, GateStatus.UNVERIFIED: NEUTRAL}
LEVEL_TONES = {Level.HIGH: GOOD, Level.MEDIUM: WARN, Level.LOW: BAD}

DIMENSION_LABELS = {
    "evidence_strength": "Evidence strength",
    "citation_grounding": "Citation grounding",
    "uncertainty_disclosure": "Uncertainty disclosure",
    "reproducibility": "Reproducibility status",
}
REPORT_SECTIONS = {
    "introduction": "Introduction",
    "methodology": "Methodology",
    "results": "Results",
    "limitations": "Limitations",
}
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December"
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a section: a label and its value, with what the value rests on."""

    label: str
    value: str
    detail: str | None = None  # the basis behind a derived value
    tone: str | None = None  # set when the value is shown as a badge


@dataclass(frozen=True, slots=True)
class Table:
    """A section of label/value rows with the sentence printed under it."""

    key: str  # stable: an HTML anchor, and what tests look sections up by
    title: str
    rows: tuple[Row, ...]
    note: str | None = None

    def value(self, label: str) -> str | None:
        return next((row.value for row in self.rows if row.label == label), None)


@dataclass(frozen=True, slots=True)
class Prose:
    key: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    verified: bool
    confidence: float | None
    references: tuple[str, ...]
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    text: str
    href: str | None  # only http(s): a record never puts a script URL on the page


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a paper's correction timeline, with the commit that published it."""

    committed: str  # UTC ISO time of the commit
    what: str
    record: str  # the record's id: the paper id, or the correction id
    path: str
    commit: str
    summary: str | None
    state: str | None


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str
    role: str
    sha256: str
    description: str | None


@dataclass(frozen=True, slots=True)
class Badge:
    key: str  # status, tier, gate, or a dimension name
    label: str
    value: str
    tone: str


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    title: str
    byline: str
    abstract: str
    research_question: str
    report: tuple[Prose, ...]  # the report's own sections, where they were published
    verification: Table
    gate: Table
    tier: Table
    dimensions: Table
    correction_record: Table
    timeline: tuple[Event, ...]
    provenance: Table
    claims: tuple[Claim, ...] | None  # None where the claim records are not public
    references: tuple[Reference, ...]
    artifacts: tuple[Artifact, ...]
    comparison: Table | None  # against the source page kept at import, if any
    badges: tuple[Badge, ...]

    @property
    def tables(self) -> tuple[Table, ...]:
        """The public page's sections, in the order the page prints them."""
        return (
            self.verification,
            self.gate,
            self.tier,
            self.dimensions,
            self.correction_record,
            self.provenance,
        )


@dataclass(frozen=True)
class Pages:
    """Every page of an archive at one commit, with what they were built from."""

    snapshot: Snapshot
    built: ManifestSet
    views: dict[str, dict[str, Any]]
    pages: dict[str, Page]
