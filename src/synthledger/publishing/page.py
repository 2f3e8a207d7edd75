"""What a paper's public page says: one typed model that ``show`` and ``site`` both render.

The page is a pure function of the paper's manifest and its current view (the
synthesis with its corrections in force applied): every value on it is either
read from the record as corrected or derived from history, never from the
clock. Section names and sentences follow the public pages the archive
imported (seed 000), so that a rendered page carries the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import ManifestSet, build_manifests
from synthledger.errors import SynthledgerError
from synthledger.layout import FileKind
from synthledger.ledger.snapshot import Snapshot, read_snapshot
from synthledger.reading.contracts import Contracts

# Badge tones: how a renderer colours a value. Never a judgement the manifest did not make.
GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"

STATUS_TONES = {
    "CURRENT": GOOD,
    "CORRECTED": WARN,
    "SUPERSEDED": WARN,
    "UNDER-CONCERN": BAD,
    "PARTIALLY-RETRACTED": BAD,
    "RETRACTED": BAD,
    "WITHDRAWN": BAD,
}
GATE_TONES = {"Verified": GOOD, "Failed": BAD, "Unverified": NEUTRAL}
LEVEL_TONES = {"HIGH": GOOD, "MEDIUM": WARN, "LOW": BAD}

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

# The sentences printed under each section, as the imported public pages print them.
NOTES = {
    "verification-aggregate": (
        "Descriptive public verification status only; aggregate claim counts are public, "
        "but individual claim records are not exposed here."
    ),
    "verification-listed": (
        "Descriptive public verification status only; the individual claim records are "
        "listed under Extracted Claims."
    ),
    "gate-unverified": (
        "This record has not completed {gate} of the verification pipeline (a type-checked "
        "Lean4 proof for mathematical claims, or a sealed-sandbox reproduction for empirical "
        "claims). It is a literature synthesis only. VERIFIED requires an attached "
        "reproducible artifact (Lean4 proof source, or repro script and results) before this "
        "status can be set; it is not derived from review score or claim count."
    ),
    "gate-verified": (
        "This record passed {gate} of the verification pipeline: its proof or reproduction "
        "artifacts are attached and match their recorded hashes. VERIFIED is never derived "
        "from review score or claim count."
    ),
    "tier": (
        "Descriptive public triage only; this tier does not alter current publication or "
        "DOI behavior."
    ),
    "dimensions": (
        "Automated triage signals derived from public fields; not human peer review or "
        "independent validation."
    ),
    "correction-current": (
        "Public corrections are additive records. Current status does not claim the "
        "synthesis is error-free."
    ),
    "correction-amended": (
        "Public corrections are additive records: the record stays as first published, and "
        "the corrections in force, listed in the timeline below, set its status and amend "
        "what this page shows."
    ),
}


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


def read_pages(config: ArchiveConfig, rev: str = "HEAD", ids: Sequence[str] = ()) -> Pages:
    """The pages of ``ids`` (or of every paper) as the archive stood at ``rev``.

    A paper whose synthesis breaks its contract has no manifest and so no
    page; ``built.findings`` says why.
    """
    snapshot = read_snapshot(config, rev)
    known = set(snapshot.papers())
    unknown = [paper for paper in ids if paper not in known]
    if unknown:
        raise SynthledgerError(f"no paper {', '.join(unknown)} at {rev}")
    built = build_manifests(snapshot, Contracts.for_archive(config), list(ids) or None)
    defaults = _default_tiers(snapshot)
    pages: dict[str, Page] = {}
    for paper, manifest in sorted(built.manifests.items()):
        tier = manifest["tier"]
        default = defaults.get(tier["policy"]) if tier else None
        pages[paper] = build_page(manifest, built.views[paper], default_tier=default)
    return Pages(snapshot, built, built.views, pages)


def _default_tiers(snapshot: Snapshot) -> dict[str, str]:
    """Policy id -> the id of its default tier: the tier a paper gets when it meets none."""
    defaults: dict[str, str] = {}
    for entry in snapshot.of_kind(FileKind.POLICY):
        data = entry.document.data if entry.document else {}
        default = data.get("default_tier")
        if isinstance(default, dict) and isinstance(data.get("id"), str):
            defaults[data["id"]] = str(default.get("id"))
    return defaults


def build_page(
    manifest: Mapping[str, Any], view: Mapping[str, Any], *, default_tier: str | None = None
) -> Page:
    """The page of one paper. ``default_tier`` is the id of the policy's fallback tier."""
    withdrawn = set(manifest["claims"]["withdrawn"])
    return Page(
        id=manifest["id"],
        title=str(manifest["title"]),
        byline=_byline(manifest),
        abstract=str(view.get("abstract", "")),
        research_question=str(view.get("research_question", "")),
        report=tuple(
            Prose(key, title, str(view["sections"][key]))
            for key, title in REPORT_SECTIONS.items()
            if view.get("sections", {}).get(key)
        ),
        verification=_verification(manifest),
        gate=_gate(manifest),
        tier=_tier(manifest, default_tier),
        dimensions=_dimensions(manifest),
        correction_record=_correction_record(manifest),
        timeline=_timeline(manifest),
        provenance=_provenance(manifest),
        claims=_claims(view, withdrawn),
        references=tuple(_reference(r) for r in view.get("references", []) if isinstance(r, dict)),
        artifacts=tuple(
            Artifact(str(a["path"]), str(a["role"]), str(a["sha256"]), a.get("description"))
            for a in view.get("artifacts", [])
            if isinstance(a, dict)
        ),
        comparison=_comparison(manifest, view),
        badges=_badges(manifest, default_tier),
    )


# Sections of the public page.


def _verification(manifest: Mapping[str, Any]) -> Table:
    level = manifest["verification_level"]
    claims = manifest["claims"]
    rows = [Row("Paper level", f"{level['level']}, {level['label']}")]
    if claims["disclosure"] == "aggregate":
        grounded = claims["source_grounded"]
        rows.append(Row("Source-grounded claims", str(grounded if grounded is not None else "")))
        rows.append(Row("Claim record source", str(claims["record_source"])))
        note = NOTES["verification-aggregate"]
    else:
        rows.append(Row("Extracted claims", str(claims["extracted"])))
        rows.append(Row("Verified claims", str(claims["verified"])))
        if claims["withdrawn"]:
            rows.append(Row("Withdrawn claims", ", ".join(claims["withdrawn"])))
        rows.append(Row("Claim record source", "Public: listed under Extracted Claims"))
        note = NOTES["verification-listed"]
    return Table("verification-level", "Verification Level", tuple(rows), note)


def _gate(manifest: Mapping[str, Any]) -> Table:
    gate = manifest["gate"]
    if gate is None:
        rows = (Row("Status", "No gate", tone=NEUTRAL),)
        return Table("gate-verdict", "Gate Verdict", rows, "No policy in force names a gate.")
    rows_list = [
        Row("Status", gate["status"], tone=GATE_TONES.get(gate["status"], NEUTRAL)),
        Row("Gate", gate["name"]),
        Row("Reason", gate["reason"]),
        Row("Evaluated", gate["evaluated"]),
    ]
    if gate["attempt"]:
        rows_list.append(Row("Attempt", f"verification {gate['attempt']}"))
    short = str(gate["name"]).split(" — ")[0]
    key = "gate-verified" if gate["status"] == "Verified" else "gate-unverified"
    return Table("gate-verdict", "Gate Verdict", tuple(rows_list), NOTES[key].format(gate=short))


def _tier(manifest: Mapping[str, Any], default_tier: str | None) -> Table:
    tier = manifest["tier"]
    if tier is None:
        rows = (Row("Tier", "No tier", tone=NEUTRAL),)
        return Table("quality-tier", "Quality Tier", rows, "No policy in force grants tiers.")
    figures = tier["figures"]
    return Table(
        "quality-tier",
        "Quality Tier",
        (
            Row("Tier", tier["name"], tone=_tier_tone(tier, default_tier)),
            Row("Basis", tier["basis"]),
            Row(
                "Figures",
                f"review score {figures['review_score']:g}; {figures['verified_claims']} of "
                f"{figures['extracted_claims']} extracted claims verified",
            ),
            Row("Policy", tier["policy"]),
        ),
        NOTES["tier"],
    )


def _tier_tone(tier: Mapping[str, Any], default_tier: str | None) -> str:
    return NEUTRAL if default_tier is None or tier["id"] == default_tier else GOOD


def _dimensions(manifest: Mapping[str, Any]) -> Table:
    rows = tuple(
        Row(label, d["level"], detail=d["basis"], tone=LEVEL_TONES.get(d["level"], NEUTRAL))
        for name, label in DIMENSION_LABELS.items()
        if (d := manifest["dimensions"].get(name)) is not None
    )
    return Table("quality-dimensions", "Quality Dimensions", rows, NOTES["dimensions"])


def _correction_record(manifest: Mapping[str, Any]) -> Table:
    status = manifest["status"]
    rows = [
        Row("Status", status, tone=STATUS_TONES.get(status, NEUTRAL)),
        Row("Correction count", str(manifest["correction_count"])),
        Row("Manifest contract", manifest["contracts"]["manifest"]),
        Row("Correction contract", manifest["contracts"]["correction"]),
    ]
    if manifest["flags"]:
        rows.append(Row("Flags", ", ".join(_kind_name(f) for f in manifest["flags"])))
    if manifest["amended_fields"]:
        amended = ", ".join(
            f"{a['pointer']} ({a['correction']})" for a in manifest["amended_fields"]
        )
        rows.append(Row("Amended fields", amended))
    untouched = status == "CURRENT" and not manifest["amended_fields"] and not manifest["flags"]
    note = NOTES["correction-current" if untouched else "correction-amended"]
    return Table("correction-record", "Correction Record", tuple(rows), note)


def _timeline(manifest: Mapping[str, Any]) -> tuple[Event, ...]:
    published = manifest["published"]
    record = manifest["provenance"]["record"]
    events = [
        Event(
            published["date"],
            "Published",
            manifest["id"],
            record["path"],
            published["commit"],
            None,
            None,
        )
    ]
    cancels = {c["cancelled_by"]: c["id"] for c in manifest["corrections"] if c["cancelled_by"]}
    for c in manifest["corrections"]:
        if c["cancelled_by"]:
            state = f"cancelled by {c['cancelled_by']}"
        elif c["id"] in cancels:
            state = f"cancels {cancels[c['id']]}"
        else:
            state = "in force" if c["in_force"] else "not in force"
        events.append(
            Event(
                c["committed"],
                _kind_name(c["kind"]),
                c["id"],
                c["path"],
                c["commit"],
                _correction_summary(c),
                state,
            )
        )
    return tuple(events)


def _correction_summary(correction: Mapping[str, Any]) -> str:
    issued = correction.get("issued_by") or {}
    who = issued.get("name", "")
    if issued.get("role"):
        who = f"{who} ({issued['role']})"
    reasons = ", ".join(correction.get("reasons") or [])
    parts = [
        f"dated {correction['date']}" if correction.get("date") else "",
        f"issued by {who}" if who else "",
        f"reasons: {reasons}" if reasons else "",
    ]
    head = "; ".join(p for p in parts if p)
    narrative = correction.get("narrative") or ""
    return f"{head}. {narrative}".strip() if head else str(narrative)


def _provenance(manifest: Mapping[str, Any]) -> Table:
    p = manifest["provenance"]
    published = manifest["published"]
    rows = [Row("Publisher", p["publisher"])]
    if p.get("level"):
        rows.append(Row("Public provenance", f"{p['level']['code']}, {p['level']['label']}"))
    if p.get("report_artifact"):
        rows.append(Row("Report artifact", _capital(p["report_artifact"]["status"])))
    if p.get("external_record"):
        record = p["external_record"]
        value = _capital(record["status"])
        if record.get("identifier"):
            value += f" ({record['scheme']} {record['identifier']})"
        rows.append(Row("External record", value))
    rows.append(Row("Claim lineage", manifest["claims"]["lineage"]))
    rows.append(Row("Review method", p["review_method"]))
    if p.get("generator"):
        generator = p["generator"]
        rows.append(
            Row("Generator", " ".join(filter(None, (generator["name"], generator.get("version")))))
        )
    if p.get("quality_guide"):
        rows.append(Row("Quality guide", p["quality_guide"]))
    rows.append(Row("Provenance contract", p["contract"]))
    if p.get("note"):
        rows.append(Row("Note", p["note"]))
    rows.append(Row("Publication stated", _stated(published)))
    rows.append(
        Row(
            "Archived",
            f"{published['date']}, commit {published['commit']}",
            detail=f"by {published['author']}",
        )
    )
    rows.append(
        Row("Record", p["record"]["path"], detail=f"blob {p['record']['blob']}"),
    )
    rows.append(Row("Synthesis contract", manifest["contracts"]["synthesis"]))
    return Table("provenance", "Provenance", tuple(rows))


def _stated(published: Mapping[str, Any]) -> str:
    if published["stated"]:
        text = _long_date(published["stated"])
        if published["stated_after_archiving"]:
            text += " (later than the archiving commit: check the source)"
        return text
    if published["stated_before"]:
        return f"before {_long_date(published['stated_before'])}"
    return "not stated by the source"


def _claims(view: Mapping[str, Any], withdrawn: set[str]) -> tuple[Claim, ...] | None:
    claims = view.get("claims", {})
    if claims.get("disclosure") != "listed":
        return None
    return tuple(
        Claim(
            str(item["id"]),
            str(item["text"]),
            item.get("verified") is True,
            float(item["confidence"]) if item.get("confidence") is not None else None,
            tuple(item.get("references", [])),
            item["id"] in withdrawn,
        )
        for item in claims.get("items", [])
        if isinstance(item, dict)
    )


def _reference(reference: Mapping[str, Any]) -> Reference:
    url = reference.get("url")
    href = url if isinstance(url, str) and urlsplit(url).scheme in ("http", "https") else None
    if href is None and reference.get("doi"):
        href = f"https://doi.org/{reference['doi']}"
    if href is None and reference.get("arxiv"):
        href = f"https://arxiv.org/abs/{reference['arxiv']}"
    shown = reference.get("url") or (
        f"doi:{reference['doi']}" if reference.get("doi") else f"arXiv:{reference.get('arxiv')}"
    )
    if reference.get("title"):
        shown = f"{reference['title']} — {shown}"
    return Reference(str(reference.get("id")), str(shown), href)


def _comparison(manifest: Mapping[str, Any], view: Mapping[str, Any]) -> Table | None:
    """Where the archive's derivation differs from what the imported source page showed."""
    source = (view.get("imported") or {}).get("page")
    if not source:
        return None
    ours = _source_facts_of(manifest)
    rows = tuple(
        Row(label, str(theirs), detail=f"the archive derives: {ours.get(label, '(nothing)')}")
        for label, theirs in _source_facts(source).items()
        if ours.get(label) != str(theirs)
    )
    note = (
        "The source page, kept verbatim when the record was imported, agrees with every "
        "value the archive derives."
        if not rows
        else "Values the source page showed when the record was imported that differ from "
        "what the archive derives from its own history; the archive's values are the ones "
        "above."
    )
    return Table("source-comparison", "Compared with the Source Page", rows, note)


def _source_facts(page: Mapping[str, Any]) -> dict[str, Any]:
    verification = page.get("verification") or {}
    gate = page.get("gate") or {}
    tier = page.get("tier") or {}
    correction = page.get("correction") or {}
    facts: dict[str, Any] = {}
    if "level" in verification:
        facts["Verification Level · Paper level"] = (
            f"{verification['level']}, {verification.get('label', '')}"
        )
    pairs = (
        ("Verification Level · Source-grounded claims", verification, "source_grounded_claims"),
        ("Verification Level · Claim record source", verification, "claim_record_source"),
        ("Gate Verdict · Status", gate, "status"),
        ("Gate Verdict · Gate", gate, "gate"),
        ("Gate Verdict · Reason", gate, "reason"),
        ("Gate Verdict · Evaluated", gate, "evaluated"),
        ("Quality Tier · Tier", tier, "tier"),
        ("Quality Tier · Basis", tier, "basis"),
        ("Correction Record · Status", correction, "status"),
        ("Correction Record · Correction count", correction, "count"),
        ("Correction Record · Manifest contract", correction, "manifest_contract"),
        ("Correction Record · Correction contract", correction, "correction_contract"),
    )
    for label, section, key in pairs:
        if key in section:
            facts[label] = section[key]
    for name, level in (page.get("dimensions") or {}).items():
        facts[f"Quality Dimensions · {DIMENSION_LABELS.get(name, name)}"] = level
    return facts


def _source_facts_of(manifest: Mapping[str, Any]) -> dict[str, str]:
    """The archive's values under the same labels as :func:`_source_facts`."""
    tables = (
        _verification(manifest),
        _gate(manifest),
        _tier(manifest, None),
        _dimensions(manifest),
        _correction_record(manifest),
    )
    return {f"{t.title} · {row.label}": row.value for t in tables for row in t.rows}


def _badges(manifest: Mapping[str, Any], default_tier: str | None) -> tuple[Badge, ...]:
    status = manifest["status"]
    badges = [Badge("status", "Status", status, STATUS_TONES.get(status, NEUTRAL))]
    tier = manifest["tier"]
    badges.append(
        Badge("tier", "Tier", tier["name"], _tier_tone(tier, default_tier))
        if tier
        else Badge("tier", "Tier", "No tier", NEUTRAL)
    )
    gate = manifest["gate"]
    badges.append(
        Badge("gate", "Gate", gate["status"], GATE_TONES.get(gate["status"], NEUTRAL))
        if gate
        else Badge("gate", "Gate", "No gate", NEUTRAL)
    )
    for name, label in DIMENSION_LABELS.items():
        dimension = manifest["dimensions"].get(name)
        if dimension is not None:
            level = dimension["level"]
            badges.append(Badge(name, label, level, LEVEL_TONES.get(level, NEUTRAL)))
    return tuple(badges)


def _byline(manifest: Mapping[str, Any]) -> str:
    published = manifest["published"]
    if published["stated"]:
        return f"{manifest['publisher']} · {_long_date(published['stated'])}"
    if published["stated_before"]:
        return (
            f"{manifest['publisher']} · published before {_long_date(published['stated_before'])}"
        )
    return f"{manifest['publisher']} · archived {published['date'][:10]}"


def _long_date(iso: str) -> str:
    """``2026-05-30`` as ``May 30, 2026``: English month names, whatever the locale."""
    year, month, day = iso[:10].split("-")
    return f"{MONTHS[int(month) - 1]} {int(day)}, {year}"


def _kind_name(kind: str) -> str:
    return _capital(str(kind).replace("-", " "))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
