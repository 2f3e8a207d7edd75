"""A paper manifest (paper-manifest-v1.1) read once into typed values.

Pages and exports read manifests; they ask ``manifest.gate.status is
GateStatus.VERIFIED`` instead of indexing dicts three levels deep and
comparing with a string typed by hand. What mirrors a record as published
(provenance, publication, contracts) stays a read-only mapping: the record's
contract, not this module, says its shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synthledger.deriving.gate import GateStatus, Verdict
from synthledger.deriving.level import VerificationLevel
from synthledger.deriving.quality import Level
from synthledger.deriving.status import Status


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    name: str
    basis: str
    policy: str
    review_score: float
    verified_claims: int
    extracted_claims: int


@dataclass(frozen=True, slots=True)
class Dimension:
    level: Level
    basis: str
    rule: str


@dataclass(frozen=True, slots=True)
class Claims:
    disclosure: str  # listed | aggregate
    extracted: int | None
    verified: int | None
    withdrawn: tuple[str, ...]
    lineage: str
    record_source: str | None
    source_grounded: int | None


@dataclass(frozen=True, slots=True)
class CorrectionEntry:
    id: str
    kind: str
    date: str | None
    issued_by: Mapping[str, Any]
    reasons: tuple[str, ...]
    narrative: str
    path: str
    blob: str
    commit: str
    committed: str
    in_force: bool
    cancelled_by: str | None

    @property
    def issuer(self) -> str:
        """The name of whoever issued the correction."""
        return str(self.issued_by.get("name", ""))


@dataclass(frozen=True, slots=True)
class Amended:
    pointer: str
    correction: str


@dataclass(frozen=True, slots=True)
class Manifest:
    id: str
    title: str
    publisher: str
    status: Status
    flags: tuple[str, ...]
    corrections: tuple[CorrectionEntry, ...]
    amended_fields: tuple[Amended, ...]
    tier: Tier | None
    dimensions: Mapping[str, Dimension]
    gate: Verdict | None
    verification_level: VerificationLevel
    verification_label: str
    claims: Claims
    provenance: Mapping[str, Any]
    published: Mapping[str, Any]
    contracts: Mapping[str, str]
    evaluated: str

    @property
    def correction_count(self) -> int:
        return len(self.corrections)

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> Manifest:
        """The typed manifest of ``data``, which satisfies paper-manifest-v1.1."""
        tier, gate, level = data["tier"], data["gate"], data["verification_level"]
        claims = data["claims"]
        return cls(
            id=data["id"],
            title=str(data["title"]),
            publisher=str(data["publisher"]),
            status=Status(data["status"]),
            flags=tuple(data["flags"]),
            corrections=tuple(correction_entry(c) for c in data["corrections"]),
            amended_fields=tuple(
                Amended(a["pointer"], a["correction"]) for a in data["amended_fields"]
            ),
            tier=_tier(tier) if tier else None,
            dimensions={
                name: Dimension(Level(d["level"]), d["basis"], d["rule"])
                for name, d in data["dimensions"].items()
            },
            gate=Verdict(
                gate["gate"],
                gate["name"],
                GateStatus(gate["status"]),
                gate["reason_code"],
                gate["reason"],
                gate["evaluated"],
                gate["attempt"],
            )
            if gate
            else None,
            verification_level=VerificationLevel(level["level"]),
            verification_label=level["label"],
            claims=Claims(
                claims["disclosure"],
                claims["extracted"],
                claims["verified"],
                tuple(claims["withdrawn"]),
                claims["lineage"],
                claims["record_source"],
                claims["source_grounded"],
            ),
            provenance=data["provenance"],
            published=data["published"],
            contracts=data["contracts"],
            evaluated=data["evaluated"],
        )


def _tier(tier: Mapping[str, Any]) -> Tier:
    figures = tier["figures"]
    return Tier(
        tier["id"],
        tier["name"],
        tier["basis"],
        tier["policy"],
        figures["review_score"],
        figures["verified_claims"],
        figures["extracted_claims"],
    )


def correction_entry(entry: Mapping[str, Any]) -> CorrectionEntry:
    """A correction as a manifest lists it."""
    return CorrectionEntry(
        id=entry["id"],
        kind=str(entry["kind"]),
        date=str(entry["date"]) if entry.get("date") else None,
        issued_by=entry.get("issued_by") or {},
        reasons=tuple(entry.get("reasons") or ()),
        narrative=str(entry.get("narrative") or ""),
        path=entry["path"],
        blob=entry["blob"],
        commit=entry["commit"],
        committed=entry["committed"],
        in_force=bool(entry["in_force"]),
        cancelled_by=entry["cancelled_by"],
    )
