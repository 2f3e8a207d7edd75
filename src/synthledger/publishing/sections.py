"""The sections of a paper's public page, each built from the typed manifest and the
current view, with the sentences the imported public pages print under them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthledger.checking.identifiers import split_url
from synthledger.deriving.gate import GateStatus
from synthledger.deriving.status import Status
from synthledger.deriving.typed_manifest import CorrectionEntry, Manifest, Tier
from synthledger.publishing.model import (
    DIMENSION_LABELS,
    GATE_TONES,
    GOOD,
    LEVEL_TONES,
    MONTHS,
    NEUTRAL,
    STATUS_TONES,
    Badge,
    Claim,
    Event,
    Reference,
    Row,
    Table,
)

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


def verification(manifest: Manifest) -> Table:
    claims = manifest.claims
    rows = [Row("Paper level", f"{manifest.verification_level}, {manifest.verification_label}")]
    if claims.disclosure == "aggregate":
        grounded = claims.source_grounded
        rows.append(Row("Source-grounded claims", str(grounded if grounded is not None else "")))
        rows.append(Row("Claim record source", str(claims.record_source)))
        note = NOTES["verification-aggregate"]
    else:
        rows.append(Row("Extracted claims", str(claims.extracted)))
        rows.append(Row("Verified claims", str(claims.verified)))
        if claims.withdrawn:
            rows.append(Row("Withdrawn claims", ", ".join(claims.withdrawn)))
        rows.append(Row("Claim record source", "Public: listed under Extracted Claims"))
        note = NOTES["verification-listed"]
    return Table("verification-level", "Verification Level", tuple(rows), note)


def gate(manifest: Manifest) -> Table:
    gate = manifest.gate
    if gate is None:
        rows = (Row("Status", "No gate", tone=NEUTRAL),)
        return Table("gate-verdict", "Gate Verdict", rows, "No policy in force names a gate.")
    rows_list = [
        Row("Status", gate.status, tone=GATE_TONES[gate.status]),
        Row("Gate", gate.name),
        Row("Reason", gate.reason),
        Row("Evaluated", gate.evaluated),
    ]
    if gate.attempt:
        rows_list.append(Row("Attempt", f"verification {gate.attempt}"))
    key = "gate-verified" if gate.status is GateStatus.VERIFIED else "gate-unverified"
    note = NOTES[key].format(gate=gate.short_name)
    return Table("gate-verdict", "Gate Verdict", tuple(rows_list), note)


def tier(manifest: Manifest, default_tier: str | None) -> Table:
    tier = manifest.tier
    if tier is None:
        rows = (Row("Tier", "No tier", tone=NEUTRAL),)
        return Table("quality-tier", "Quality Tier", rows, "No policy in force grants tiers.")
    return Table(
        "quality-tier",
        "Quality Tier",
        (
            Row("Tier", tier.name, tone=tier_tone(tier, default_tier)),
            Row("Basis", tier.basis),
            Row(
                "Figures",
                f"review score {tier.review_score:g}; {tier.verified_claims} of "
                f"{tier.extracted_claims} extracted claims verified",
            ),
            Row("Policy", tier.policy),
        ),
        NOTES["tier"],
    )


def tier_tone(tier: Tier, default_tier: str | None) -> str:
    return NEUTRAL if default_tier is None or tier.id == default_tier else GOOD


def dimensions(manifest: Manifest) -> Table:
    rows = tuple(
        Row(label, d.level, detail=d.basis, tone=LEVEL_TONES[d.level])
        for name, label in DIMENSION_LABELS.items()
        if (d := manifest.dimensions.get(name)) is not None
    )
    return Table("quality-dimensions", "Quality Dimensions", rows, NOTES["dimensions"])


def correction_record(manifest: Manifest) -> Table:
    status = manifest.status
    rows = [
        Row("Status", status, tone=STATUS_TONES[status]),
        Row("Correction count", str(manifest.correction_count)),
        Row("Manifest contract", manifest.contracts["manifest"]),
        Row("Correction contract", manifest.contracts["correction"]),
    ]
    if manifest.flags:
        rows.append(Row("Flags", ", ".join(_kind_name(f) for f in manifest.flags)))
    if manifest.amended_fields:
        amended = ", ".join(f"{a.pointer} ({a.correction})" for a in manifest.amended_fields)
        rows.append(Row("Amended fields", amended))
    untouched = status is Status.CURRENT and not manifest.amended_fields and not manifest.flags
    note = NOTES["correction-current" if untouched else "correction-amended"]
    return Table("correction-record", "Correction Record", tuple(rows), note)


def timeline(manifest: Manifest) -> tuple[Event, ...]:
    published = manifest.published
    record = manifest.provenance["record"]
    events = [
        Event(
            published["date"],
            "Published",
            manifest.id,
            record["path"],
            published["commit"],
            None,
            None,
        )
    ]
    cancels = {c.cancelled_by: c.id for c in manifest.corrections if c.cancelled_by}
    for c in manifest.corrections:
        if c.cancelled_by:
            state = f"cancelled by {c.cancelled_by}"
        elif c.id in cancels:
            state = f"cancels {cancels[c.id]}"
        else:
            state = "in force" if c.in_force else "not in force"
        events.append(
            Event(
                c.committed,
                _kind_name(c.kind),
                c.id,
                c.path,
                c.commit,
                _correction_summary(c),
                state,
            )
        )
    return tuple(events)


def _correction_summary(correction: CorrectionEntry) -> str:
    issued = correction.issued_by
    who = issued.get("name", "")
    if issued.get("role"):
        who = f"{who} ({issued['role']})"
    reasons = ", ".join(correction.reasons)
    parts = [
        f"dated {correction.date}" if correction.date else "",
        f"issued by {who}" if who else "",
        f"reasons: {reasons}" if reasons else "",
    ]
    head = "; ".join(p for p in parts if p)
    narrative = correction.narrative
    return f"{head}. {narrative}".strip() if head else narrative


def provenance(manifest: Manifest) -> Table:
    p = manifest.provenance
    published = manifest.published
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
    rows.append(Row("Claim lineage", manifest.claims.lineage))
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
    rows.append(Row("Synthesis contract", manifest.contracts["synthesis"]))
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


def claims(view: Mapping[str, Any], withdrawn: set[str]) -> tuple[Claim, ...] | None:
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


def reference(reference: Mapping[str, Any]) -> Reference:
    url = reference.get("url")
    parts = split_url(url) if isinstance(url, str) else None
    href = url if parts is not None and parts.scheme in ("http", "https") else None
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


def comparison(manifest: Manifest, view: Mapping[str, Any]) -> Table | None:
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


def _source_facts_of(manifest: Manifest) -> dict[str, str]:
    """The archive's values under the same labels as :func:`_source_facts`."""
    tables = (
        verification(manifest),
        gate(manifest),
        tier(manifest, None),
        dimensions(manifest),
        correction_record(manifest),
    )
    return {f"{t.title} · {row.label}": row.value for t in tables for row in t.rows}


def badges(manifest: Manifest, default_tier: str | None) -> tuple[Badge, ...]:
    status = manifest.status
    found = [Badge("status", "Status", status, STATUS_TONES[status])]
    tier = manifest.tier
    found.append(
        Badge("tier", "Tier", tier.name, tier_tone(tier, default_tier))
        if tier
        else Badge("tier", "Tier", "No tier", NEUTRAL)
    )
    gate = manifest.gate
    found.append(
        Badge("gate", "Gate", gate.status, GATE_TONES[gate.status])
        if gate
        else Badge("gate", "Gate", "No gate", NEUTRAL)
    )
    for name, label in DIMENSION_LABELS.items():
        dimension = manifest.dimensions.get(name)
        if dimension is not None:
            found.append(Badge(name, label, dimension.level, LEVEL_TONES[dimension.level]))
    return tuple(found)


def byline(manifest: Manifest) -> str:
    published, publisher = manifest.published, manifest.publisher
    if published["stated"]:
        return f"{publisher} · {_long_date(published['stated'])}"
    if published["stated_before"]:
        return f"{publisher} · published before {_long_date(published['stated_before'])}"
    return f"{publisher} · archived {published['date'][:10]}"


def _long_date(iso: str) -> str:
    """``2026-05-30`` as ``May 30, 2026``: English month names, whatever the locale."""
    year, month, day = iso[:10].split("-")
    return f"{MONTHS[int(month) - 1]} {int(day)}, {year}"


def _kind_name(kind: str) -> str:
    return _capital(str(kind).replace("-", " "))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
