"""Quality triage from public fields: the tier a policy grants, and four dimensions.

Each value comes with the rule that set it and the figures it used, so that a
reader can check it by hand. Pure functions of the record's current view.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from synthledger.deriving.view import listed_claims


class Level(enum.StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


@dataclass(frozen=True, slots=True)
class Dimension:
    level: Level
    rule: str
    basis: str

    def as_dict(self) -> dict[str, str]:
        return {"level": str(self.level), "rule": self.rule, "basis": self.basis}


@dataclass(frozen=True, slots=True)
class ClaimFigures:
    extracted: int
    verified: int
    score: float

    @property
    def ratio(self) -> float:
        return self.verified / self.extracted if self.extracted else 0.0


def claim_figures(view: dict[str, Any]) -> ClaimFigures:
    claims = view.get("claims", {})
    review = view.get("review", {})
    return ClaimFigures(
        int(claims.get("extracted", 0)), int(claims.get("verified", 0)), float(review["score"])
    )


def tier(view: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    """The first tier of ``policy`` whose thresholds the view meets, else its default."""
    figures = claim_figures(view)
    for candidate in policy["tiers"]:
        if (
            figures.score >= candidate["min_review_score"]
            and figures.verified >= candidate["min_verified_claims"]
            and figures.ratio >= candidate["min_verified_ratio"]
        ):
            chosen = candidate
            break
    else:
        chosen = policy["default_tier"]
    return {
        "id": chosen["id"],
        "name": chosen["name"],
        "basis": chosen["basis"],
        "figures": {
            "review_score": figures.score,
            "verified_claims": figures.verified,
            "extracted_claims": figures.extracted,
        },
        "policy": policy["id"],
    }


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def evidence_strength(view: dict[str, Any]) -> Dimension:
    f = claim_figures(view)
    rule = (
        "evidence-strength/1: HIGH when at least 80% of extracted claims are verified and the "
        "review score is at least 8.0; MEDIUM when at least 50% and 6.0; else LOW"
    )
    share = _percent(f.verified, f.extracted)
    basis = f"{f.verified} of {f.extracted} claims verified ({share}), review score {f.score:g}"
    if f.ratio >= 0.8 and f.score >= 8.0:
        return Dimension(Level.HIGH, rule, basis)
    if f.ratio >= 0.5 and f.score >= 6.0:
        return Dimension(Level.MEDIUM, rule, basis)
    return Dimension(Level.LOW, rule, basis)


def citation_grounding(view: dict[str, Any]) -> Dimension:
    claims = view.get("claims", {})
    rule = (
        "citation-grounding/1: listed claims: HIGH when at least 80% cite a listed reference, "
        "MEDIUM when at least 40%, else LOW; aggregate counts only: MEDIUM when every "
        "extracted claim is stated source-grounded (the claim records cannot be checked), "
        "else LOW"
    )
    if claims.get("disclosure") == "aggregate":
        grounded, extracted = int(claims.get("source_grounded", 0)), int(claims["extracted"])
        basis = f"{grounded} of {extracted} claims stated source-grounded; claim records not public"
        level = Level.MEDIUM if extracted and grounded >= extracted else Level.LOW
        return Dimension(level, rule, basis)
    known = {r.get("id") for r in view.get("references", []) if isinstance(r, dict)}
    items = listed_claims(view)
    cited = sum(1 for c in items if any(ref in known for ref in c.get("references", [])))
    basis = (
        f"{cited} of {len(items)} claims cite a listed reference ({_percent(cited, len(items))})"
    )
    share = cited / len(items) if items else 0.0
    level = Level.HIGH if share >= 0.8 else Level.MEDIUM if share >= 0.4 else Level.LOW
    return Dimension(level, rule, basis)


DISCLAIMERS = ("does not constitute original research", "not primary research", "machine-generated")


def uncertainty_disclosure(view: dict[str, Any]) -> Dimension:
    rule = (
        "uncertainty-disclosure/1: HIGH with a limitations section and a confidence for every "
        "claim; MEDIUM with either, or with a stated machine-generated/not-original-research "
        "disclaimer; else LOW"
    )
    limitations = bool(view.get("sections", {}).get("limitations"))
    items = listed_claims(view)
    confidences = bool(items) and all("confidence" in c for c in items)
    abstract = str(view.get("abstract", "")).lower()
    disclaimer = any(marker in abstract for marker in DISCLAIMERS)
    parts = [
        "limitations section" if limitations else "no limitations section",
        "per-claim confidence" if confidences else "no per-claim confidence",
        "disclaimer in abstract" if disclaimer else "no disclaimer in abstract",
    ]
    basis = ", ".join(parts)
    if limitations and confidences:
        return Dimension(Level.HIGH, rule, basis)
    if limitations or confidences or disclaimer:
        return Dimension(Level.MEDIUM, rule, basis)
    return Dimension(Level.LOW, rule, basis)


def reproducibility(view: dict[str, Any], *, gate_verified: bool) -> Dimension:
    rule = (
        "reproducibility/1: HIGH when the gate verified the paper, or when the report artifact "
        "is available and an external archival record is registered (L4); MEDIUM when the "
        "report artifact is available; else LOW"
    )
    provenance = view.get("provenance", {})
    available = provenance.get("report_artifact", {}).get("status") == "available"
    registered = provenance.get("external_record", {}).get("status") == "registered"
    basis = ", ".join(
        (
            "gate verified" if gate_verified else "gate not verified",
            "report artifact available" if available else "no report artifact",
            "external record registered" if registered else "no external record",
        )
    )
    if gate_verified or (available and registered):
        return Dimension(Level.HIGH, rule, basis)
    return Dimension(Level.MEDIUM if available else Level.LOW, rule, basis)


def dimensions(view: dict[str, Any], *, gate_verified: bool) -> dict[str, Dimension]:
    return {
        "evidence_strength": evidence_strength(view),
        "citation_grounding": citation_grounding(view),
        "uncertainty_disclosure": uncertainty_disclosure(view),
        "reproducibility": reproducibility(view, gate_verified=gate_verified),
    }
