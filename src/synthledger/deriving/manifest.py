"""Paper manifests: everything a reader sees about a paper, computed from history.

A pure function of the snapshot: no clock, no environment, sorted keys, UTC
times. The same history gives the same bytes on any clone, any day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthledger.deriving.gate import (
    REQUIRED_ROLES,
    Attempt,
    GateStatus,
    Verdict,
    has_attachable_artifacts,
    verdict,
)
from synthledger.deriving.level import verification_level
from synthledger.deriving.quality import dimensions, tier
from synthledger.deriving.status import correction_status
from synthledger.deriving.view import Amendment, current_view, policy_in_force
from synthledger.findings import Finding, Severity
from synthledger.layout import CONTRACT_FAMILY, FileKind, is_paper_id
from synthledger.ledger.snapshot import Entry, Snapshot, paused_cycle_collection, utc
from synthledger.reading.contracts import Contracts
from synthledger.showing import is_plain_path

CONTRACT = "paper-manifest-v1.1"


@dataclass
class ManifestSet:
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The current view each manifest was computed from: the synthesis with the
    # patches of its corrections in force applied.
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def build_manifests(
    snapshot: Snapshot, contracts: Contracts, ids: Sequence[str] | None = None
) -> ManifestSet:
    """Every manifest of ``ids`` (default: all papers), and its view, held in memory."""
    result = ManifestSet()
    with paused_cycle_collection():  # records and manifests form no cycles
        for paper, manifest, view in _built(snapshot, contracts, ids, result.findings):
            result.manifests[paper], result.views[paper] = manifest, view
    return result


def iter_manifests(
    snapshot: Snapshot,
    contracts: Contracts,
    ids: Sequence[str] | None,
    findings: list[Finding],
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(paper, manifest) of ``ids`` (default: all papers, sorted), one at a time;
    what is wrong with the inputs goes to ``findings``."""
    return ((paper, manifest) for paper, manifest, _ in _built(snapshot, contracts, ids, findings))


def iter_manifests_and_views(
    snapshot: Snapshot,
    contracts: Contracts,
    ids: Sequence[str] | None,
    findings: list[Finding],
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Like :func:`iter_manifests`, with the current view each manifest was computed from."""
    return _built(snapshot, contracts, ids, findings)


def _built(
    snapshot: Snapshot,
    contracts: Contracts,
    ids: Sequence[str] | None,
    findings: list[Finding],
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(paper, manifest, current view), one paper at a time."""
    snapshot = usable(snapshot, contracts, findings)
    policy = policy_entry_in_force(snapshot)
    for paper in ids if ids is not None else snapshot.papers():
        synthesis = next(snapshot.of_kind(FileKind.SYNTHESIS, paper), None)
        if synthesis is None or synthesis.document is None:
            continue
        manifest, view = paper_manifest(snapshot, synthesis, policy, contracts, findings)
        yield paper, manifest, view


def paper_manifest(
    snapshot: Snapshot,
    synthesis: Entry,
    policy: Entry | None,
    contracts: Contracts,
    findings: list[Finding],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest of ``synthesis``'s paper (from the usable records of ``snapshot``), and
    the current view it was computed from; a manifest that breaks its contract is SL801."""
    manifest, view = _manifest(snapshot, synthesis, policy, findings)
    problem = contracts.first_error(manifest, CONTRACT)
    if problem is not None:
        findings.append(
            Finding(
                synthesis.file.path,
                1,
                1,
                "SL801",
                Severity.ERROR,
                f"the computed manifest does not satisfy {CONTRACT}: {problem}; "
                "this is a bug in synthledger, please report it",
            )
        )
    return manifest, view


def replacements_of(
    snapshot: Snapshot, paper: str, manifest: Mapping[str, Any] | None
) -> tuple[str, ...]:
    """The papers that replace ``paper``: what its new-version corrections in force name."""
    if manifest is None:
        return ()
    in_force = {
        c["id"] for c in manifest["corrections"] if c["in_force"] and c["kind"] == "new-version"
    }
    return tuple(
        sorted(
            str(entry.document.data["replacement"])
            for entry in snapshot.of_kind(FileKind.CORRECTION, paper)
            if entry.file.stem in in_force
            and entry.document is not None
            and entry.document.data.get("replacement")
        )
    )


def usable(snapshot: Snapshot, contracts: Contracts, findings: list[Finding]) -> Snapshot:
    """Only records that satisfy the contract they name count; each other one is a finding."""
    return dataclasses.replace(
        snapshot, entries=tuple(usable_entries(snapshot.entries, contracts, findings))
    )


def usable_entries(
    entries: Sequence[Entry], contracts: Contracts, findings: list[Finding]
) -> list[Entry]:
    """The ``entries`` that satisfy the contract they name; each other one is a finding."""
    kept: list[Entry] = []
    for entry in entries:
        problem = _problem(entry, contracts)
        if problem is None:
            kept.append(entry)
            continue
        findings.append(
            Finding(
                entry.file.path,
                1,
                1,
                "SL802",
                Severity.ERROR,
                f"left out of the manifests: {problem}; run synthledger validate on it",
            )
        )
    return kept


def _problem(entry: Entry, contracts: Contracts) -> str | None:
    if not is_plain_path(entry.file.path):
        # A manifest is UTF-8 JSON naming its inputs' paths: such a path cannot be one.
        return "its path is not plain UTF-8 (SL207)"
    if entry.file.paper is not None and not is_paper_id(entry.file.paper):
        # Else its manifest would break the manifest contract (SL801, "a bug").
        return f"its folder name {entry.file.paper!r} is not a paper id (SL201)"
    if entry.document is None:
        return entry.findings[0].message if entry.findings else "it cannot be read"
    contract = entry.document.data.get("contract")
    if not isinstance(contract, str) or not contract.startswith(CONTRACT_FAMILY[entry.file.kind]):
        return f"it does not name a {CONTRACT_FAMILY[entry.file.kind]}N contract"
    return contracts.first_error(entry.document.data, contract)


def policy_entry_in_force(snapshot: Snapshot) -> Entry | None:
    """The policy in force on the tip commit's date, of those published by then."""
    if snapshot.tip is None:
        return None
    policies = [
        (str(e.document.data.get("effective")), e)
        for e in snapshot.of_kind(FileKind.POLICY)
        if e.document is not None
    ]
    return policy_in_force(policies, utc(snapshot.tip.committer_date)[:10])


def _manifest(
    snapshot: Snapshot, synthesis: Entry, policy: Entry | None, findings: list[Finding]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The paper's manifest, and the current view it was computed from."""
    assert synthesis.document is not None
    paper = synthesis.file.paper or ""
    record = synthesis.document.data
    corrections = [e for e in snapshot.of_kind(FileKind.CORRECTION, paper) if e.document]
    verifications = [e for e in snapshot.of_kind(FileKind.VERIFICATION, paper) if e.document]
    amendments = [_amendment(e) for e in corrections]
    status = correction_status([amendment.notice for amendment in amendments])
    view, origins = _current_view(record, corrections, amendments, findings)
    published = _published(record, synthesis)
    policy_data = policy.document.data if policy and policy.document else None
    inputs = [synthesis, *corrections, *verifications, *([policy] if policy else [])]
    evaluated = max(utc(e.added.committer_date) for e in inputs)
    gate = _gate(policy_data, view, published, verifications, evaluated)
    manifest = {
        "contract": CONTRACT,
        "id": paper,
        "title": view.get("title"),
        "publisher": view.get("publisher"),
        "published": published,
        "status": str(status.status),
        "flags": list(status.flags),
        "correction_count": len(corrections),
        "corrections": [
            _correction_entry(e, status.in_force, status.cancelled) for e in corrections
        ],
        "amended_fields": origins,
        "tier": tier(view, policy_data) if policy_data else None,
        "dimensions": {
            name: dimension.as_dict()
            for name, dimension in dimensions(
                view, gate_verified=gate is not None and gate.status is GateStatus.VERIFIED
            ).items()
        },
        "gate": gate.as_dict() if gate else None,
        "verification_level": verification_level(view, gate),
        "provenance": _provenance(view, synthesis),
        "claims": _claims(view, corrections, status.in_force),
        "contracts": {
            "synthesis": record.get("contract"),
            "provenance": view.get("provenance", {}).get("contract"),
            "correction": "correction-record-v1",
            "manifest": CONTRACT,
        },
        "inputs": [{"path": e.file.path, "blob": e.blob, "commit": e.added.sha} for e in inputs],
        "evaluated": evaluated,
    }
    return manifest, view


def _amendment(entry: Entry) -> Amendment:
    assert entry.document is not None
    return Amendment.of(entry.file.stem, entry.document.data)


def _current_view(
    record: dict[str, Any],
    corrections: list[Entry],
    amendments: list[Amendment],
    findings: list[Finding],
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The current view, and which correction amended which field; a patch that
    does not apply in publication order is a finding (SL402)."""
    by_id = {entry.file.stem: entry for entry in corrections}
    view = current_view(record, amendments)
    for correction, failure in view.skipped:
        entry = by_id[correction]
        findings.append(
            Finding(
                entry.file.path,
                1,
                1,
                "SL402",
                Severity.ERROR,
                f"in publication order, this patch does not apply: {failure}; "
                "it is left out of the current view",
                entry.added.sha,
            )
        )
    origins = [{"pointer": p, "correction": c} for p, c in sorted(view.origins.items())]
    return view.data, origins


def _published(record: dict[str, Any], synthesis: Entry) -> dict[str, Any]:
    archived = synthesis.published
    imported = record.get("imported") or {}
    stated = record.get("published")
    bound = imported.get("published_before")
    return {
        "commit": synthesis.added.sha,
        "date": archived,
        "author": f"{synthesis.added.author_name} <{synthesis.added.author_email}>",
        "stated": stated,
        "stated_before": bound,
        "stated_after_archiving": bool(stated and stated > archived[:10]),
        "imported": bool(imported),
    }


def _gate(
    policy: dict[str, Any] | None,
    view: dict[str, Any],
    published: dict[str, Any],
    verifications: list[Entry],
    evaluated: str,
) -> Verdict | None:
    if not policy or not policy.get("gates"):
        return None
    gate = policy["gates"][-1]
    attempts = [_attempt(e, view) for e in verifications]
    return verdict(
        gate,
        view,
        published_before_gate=_predates(published, gate["activated"]),
        attempts=attempts,
        evaluated=evaluated,
    )


def _predates(published: dict[str, Any], activated: str) -> bool:
    """Whether the paper was published before ``activated``: the stated date first,
    then a stated upper bound, then the archiving commit."""
    if published["stated"]:
        return bool(published["stated"] < activated)
    if published["stated_before"]:
        return bool(published["stated_before"] <= activated)
    return bool(published["date"][:10] < activated)


def _attempt(entry: Entry, view: dict[str, Any]) -> Attempt:
    assert entry.document is not None
    data = entry.document.data
    pinned = {a.get("path"): a.get("sha256") for a in view.get("artifacts", [])}
    used = data.get("artifacts", [])
    # An attempt counts only while what it checked is still what the paper
    # pins, and only if it checked what its method needs (SL505 says so at
    # validate time; a record that skipped the hooks must not count either).
    needed = REQUIRED_ROLES.get(str(data.get("method")), frozenset())
    match = (
        bool(used)
        and needed <= {a.get("role") for a in used}
        and all(pinned.get(a.get("path")) == a.get("sha256") for a in used)
    )
    return Attempt(
        entry.file.stem,
        str(data.get("gate")),
        str(data.get("method")),
        str(data.get("outcome")),
        data.get("reason"),
        match,
        entry.published,
    )


def _provenance(view: dict[str, Any], synthesis: Entry) -> dict[str, Any]:
    provenance = dict(view.get("provenance", {}))
    provenance["attachable_artifacts"] = has_attachable_artifacts(view)
    provenance["record"] = {
        "path": synthesis.file.path,
        "blob": synthesis.blob,
        "commit": synthesis.added.sha,
    }
    return provenance


def _claims(
    view: dict[str, Any], corrections: list[Entry], in_force: Sequence[str]
) -> dict[str, Any]:
    claims = view.get("claims", {})
    withdrawn = sorted(
        {
            claim
            for e in corrections
            if e.document and e.file.stem in in_force
            for claim in e.document.data.get("withdraws_claims", [])
        }
    )
    extracted, verified = claims.get("extracted", 0), claims.get("verified", 0)
    if claims.get("disclosure") == "aggregate":
        grounded = claims.get("source_grounded", verified)
        lineage = f"{grounded} aggregate source-grounded claims"
    else:
        lineage = f"{extracted} listed claims, {verified} verified"
        if withdrawn:
            lineage += f", {len(withdrawn)} withdrawn"
    return {
        "disclosure": claims.get("disclosure"),
        "extracted": extracted,
        "verified": verified,
        "source_grounded": claims.get("source_grounded"),
        "record_source": claims.get("record_source"),
        "withdrawn": withdrawn,
        "lineage": lineage,
    }


def _correction_entry(
    entry: Entry, in_force: Sequence[str], cancelled: dict[str, str]
) -> dict[str, Any]:
    assert entry.document is not None
    data = entry.document.data
    return {
        "id": entry.file.stem,
        "kind": data.get("kind"),
        "date": data.get("date"),
        "issued_by": data.get("issued_by"),
        "reasons": data.get("reasons"),
        "narrative": data.get("narrative"),
        "path": entry.file.path,
        "blob": entry.blob,
        "commit": entry.added.sha,
        "committed": entry.published,
        "in_force": entry.file.stem in in_force,
        "cancelled_by": cancelled.get(entry.file.stem),
    }
