"""The verification level a paper's manifest states: L1 to L4, and what lifts it.

A gate that verified the paper makes it L3 (independently reproduced) whatever
the record declares; otherwise the declared level stands; otherwise a listed
claim marked verified makes it L2, and anything else is L1.
"""

from __future__ import annotations

import enum
from typing import Any

from synthledger.deriving.gate import GateStatus, Verdict
from synthledger.deriving.view import listed_claims


class VerificationLevel(enum.StrEnum):
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    VerificationLevel.L1: "Self-declared",
    VerificationLevel.L2: "Source-grounded claims",
    VerificationLevel.L3: "Independently reproduced",
    VerificationLevel.L4: "External archival record",
}


def verification_level(view: dict[str, Any], gate: Verdict | None) -> dict[str, Any]:
    """The manifest's ``verification_level`` entry for a paper's current view."""
    declared = view.get("verification_level")
    if gate is not None and gate.status is GateStatus.VERIFIED:
        level = VerificationLevel.L3
    elif declared:
        level = VerificationLevel(declared["level"])
    elif any(claim.get("verified") for claim in listed_claims(view)):
        level = VerificationLevel.L2
    else:
        level = VerificationLevel.L1
    return {"level": level, "label": level.label, "declared": declared}
