"""Claims: counts agree with the list, ids are unique, every cited reference exists."""

from __future__ import annotations

from collections.abc import Iterator

from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.deriving.view import listed_claims
from synthledger.layout import FileKind


@rule("SL302", [FileKind.SYNTHESIS])
def counts_agree(ctx: RecordContext) -> Iterator[Hit]:
    claims = ctx.data.get("claims")
    if not isinstance(claims, dict):
        return
    extracted, verified = claims.get("extracted"), claims.get("verified")
    if isinstance(extracted, int) and isinstance(verified, int) and verified > extracted:
        yield Hit(
            ("claims", "verified"),
            f"{verified} claims stated verified but only {extracted} extracted: "
            "verified cannot exceed extracted",
        )
    if claims.get("disclosure") != "listed":
        return
    items = listed_claims(ctx.data)
    if isinstance(extracted, int) and extracted != len(items):
        yield Hit(
            ("claims", "extracted"),
            f"{extracted} claims stated extracted but {len(items)} listed: "
            "make the count match the list",
        )
    actually_verified = sum(1 for item in items if item.get("verified") is True)
    if isinstance(verified, int) and verified != actually_verified:
        yield Hit(
            ("claims", "verified"),
            f"{verified} claims stated verified but {actually_verified} listed claims "
            "are marked verified: make the count match the list",
        )


@rule("SL303", [FileKind.SYNTHESIS])
def ids_unique(ctx: RecordContext) -> Iterator[Hit]:
    for section, entries in (
        ("claims", listed_claims(ctx.data)),
        ("references", ctx.data.get("references")),
    ):
        if not isinstance(entries, list):
            continue
        prefix: tuple[str, ...] = ("claims", "items") if section == "claims" else ("references",)
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            entry_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(entry_id, str):
                continue
            if entry_id in seen:
                yield Hit(
                    (*prefix, index, "id"),
                    f"{section[:-1]} id {entry_id!r} is already used by {section} entry "
                    f"{seen[entry_id] + 1}: give each a distinct id",
                )
            else:
                seen[entry_id] = index


@rule("SL301", [FileKind.SYNTHESIS])
def claim_references_resolve(ctx: RecordContext) -> Iterator[Hit]:
    references = ctx.data.get("references")
    known = {
        entry.get("id")
        for entry in (references if isinstance(references, list) else [])
        if isinstance(entry, dict)
    }
    for index, claim in enumerate(listed_claims(ctx.data)):
        cited = claim.get("references")
        if not isinstance(cited, list):
            continue
        for position, reference_id in enumerate(cited):
            if isinstance(reference_id, str) and reference_id not in known:
                yield Hit(
                    ("claims", "items", index, "references", position),
                    f"claim {claim.get('id')!r} cites reference {reference_id!r}, which is "
                    "not in references: add it there or fix the id",
                )
