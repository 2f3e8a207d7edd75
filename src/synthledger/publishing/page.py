"""A paper's public page built from its manifest and current view, for ``show`` and ``site``.

The page is a pure function of the paper's manifest and its current view: every
value on it is read from the record as corrected or derived from history,
never from the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import build_manifests
from synthledger.deriving.typed_manifest import Manifest
from synthledger.errors import SynthledgerError
from synthledger.layout import FileKind
from synthledger.ledger.snapshot import Snapshot, read_snapshot
from synthledger.publishing import sections
from synthledger.publishing.model import REPORT_SECTIONS, Artifact, Page, Pages, Prose
from synthledger.reading.contracts import Contracts


def read_pages(config: ArchiveConfig, rev: str = "HEAD", ids: Sequence[str] = ()) -> Pages:
    """The pages of ``ids`` (or of every paper) as the archive stood at ``rev``.

    A paper whose synthesis breaks its contract has no manifest and so no
    page; ``built.findings`` says why.
    """
    # Those papers' folders alone: git walks history for them, not for the archive.
    snapshot = read_snapshot(config, rev, papers=list(ids) if ids else None)
    known = set(snapshot.papers())
    unknown = [paper for paper in ids if paper not in known]
    if unknown:
        raise SynthledgerError(f"no paper {', '.join(unknown)} at {rev}")
    built = build_manifests(snapshot, Contracts.committed(snapshot.contracts), list(ids) or None)
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
    typed = Manifest.read(manifest)
    withdrawn = set(typed.claims.withdrawn)
    return Page(
        id=typed.id,
        title=typed.title,
        byline=sections.byline(typed),
        abstract=str(view.get("abstract", "")),
        research_question=str(view.get("research_question", "")),
        report=tuple(
            Prose(key, title, str(view["sections"][key]))
            for key, title in REPORT_SECTIONS.items()
            if view.get("sections", {}).get(key)
        ),
        verification=sections.verification(typed),
        gate=sections.gate(typed),
        tier=sections.tier(typed, default_tier),
        dimensions=sections.dimensions(typed),
        correction_record=sections.correction_record(typed),
        timeline=sections.timeline(typed),
        provenance=sections.provenance(typed),
        claims=sections.claims(view, withdrawn),
        references=tuple(
            sections.reference(r) for r in view.get("references", []) if isinstance(r, dict)
        ),
        artifacts=tuple(
            Artifact(str(a["path"]), str(a["role"]), str(a["sha256"]), a.get("description"))
            for a in view.get("artifacts", [])
            if isinstance(a, dict)
        ),
        comparison=sections.comparison(typed, view),
        badges=sections.badges(typed, default_tier),
    )
