"""The gate verdict: VERIFIED only from an attempt whose artifacts still match.

Never derived from a review score or a claim count. Each verdict has a reason
code and a sentence that reads like the published pages.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class GateStatus(enum.StrEnum):
    """What a gate says of a paper, in the words of the public pages."""

    VERIFIED = "Verified"
    FAILED = "Failed"
    UNVERIFIED = "Unverified"


# The artifact roles each verification method needs, by method.
REQUIRED_ROLES: dict[str, frozenset[str]] = {
    "formal-proof": frozenset({"proof-source"}),
    "sandbox-reproduction": frozenset({"repro-script", "repro-results"}),
}

FAILURE_SENTENCES = {
    "output-mismatch": "the reproduction's output differs from the recorded results",
    "rerun-failed": "the reproduction script did not run to completion",
    "time-limit": "the check was stopped at its time limit",
    "output-limit": "the check was stopped at its output limit",
    "memory-limit": "the check was stopped at its memory limit",
    "sorry-or-axiom": "the proof rests on sorry or on an axiom outside the standard ones",
    "type-error": "the proof does not type-check",
    "artifact-mismatch": "the artifacts did not match their recorded hashes",
}


@dataclass(frozen=True, slots=True)
class Attempt:
    """A verification record as the verdict needs it, in publication order."""

    id: str
    gate: str
    method: str
    outcome: str
    reason: str | None
    artifacts_match: bool
    committed: str  # UTC ISO time of the commit that added it


@dataclass(frozen=True, slots=True)
class Verdict:
    gate: str
    name: str
    status: GateStatus
    reason_code: str
    reason: str
    evaluated: str
    attempt: str | None

    @property
    def short_name(self) -> str:
        """``Gate 2`` of ``Gate 2 — Verification (...)``."""
        return self.name.split(" — ")[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate,
            "name": self.name,
            "status": self.status,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "evaluated": self.evaluated,
            "attempt": self.attempt,
        }


def has_attachable_artifacts(view: dict[str, Any]) -> bool:
    roles = {a.get("role") for a in view.get("artifacts", []) if isinstance(a, dict)}
    return any(roles >= needed for needed in REQUIRED_ROLES.values())


def verdict(
    gate: dict[str, Any],
    view: dict[str, Any],
    *,
    published_before_gate: bool,
    attempts: Sequence[Attempt],
    evaluated: str,
) -> Verdict:
    """The verdict of ``gate`` (a policy's gate entry) for a paper's current view."""
    short, activated = gate["short_name"], gate["activated"]
    mine = [a for a in attempts if a.gate == gate["id"]]

    def made(status: GateStatus, code: str, reason: str, attempt: Attempt | None = None) -> Verdict:
        when = attempt.committed if attempt is not None else evaluated
        return Verdict(
            gate["id"], gate["name"], status, code, reason, when, attempt.id if attempt else None
        )

    if mine:
        latest = mine[-1]
        passed = [a for a in mine if a.outcome == "verified" and a.artifacts_match]
        if latest.outcome == "verified" and latest.artifacts_match:
            how = "formal proof" if latest.method == "formal-proof" else "sandbox reproduction"
            return made(
                GateStatus.VERIFIED,
                "verified",
                f"{short} passed by {how} (verification {latest.id}); "
                "its artifacts match their recorded hashes.",
                latest,
            )
        if latest.outcome == "verified":
            return made(
                GateStatus.UNVERIFIED,
                "artifact-changed",
                f"Verification {latest.id} passed, but its artifacts no longer match what the "
                "paper pins, or lack what its method needs, so it does not count.",
                latest,
            )
        sentence = FAILURE_SENTENCES.get(latest.reason or "", "the check failed")
        earlier = f" An earlier attempt ({passed[-1].id}) had passed." if passed else ""
        return made(
            GateStatus.FAILED,
            latest.reason or "failed",
            f"The latest {short} attempt ({latest.id}) failed: {sentence}.{earlier}",
            latest,
        )
    if published_before_gate:
        return made(
            GateStatus.UNVERIFIED,
            "predates-gate",
            f"Published before the {short} verification pipeline was activated ({activated}). "
            "No formal proof or sandbox reproduction has been attempted for this record.",
        )
    if not has_attachable_artifacts(view):
        return made(
            GateStatus.UNVERIFIED,
            "no-artifact",
            f"No Lean 4 proof source, or repro script and results, is attached, so {short} "
            "cannot be attempted for this record.",
        )
    return made(
        GateStatus.UNVERIFIED,
        "no-attempt",
        f"Its artifacts are attached, but no formal proof or sandbox reproduction has been "
        f"attempted for this record yet ({short}).",
    )
