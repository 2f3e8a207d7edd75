"""Corrections: the target exists and is the one written against; the patch applies
and leaves the record valid; what a kind names (claims, a correction, a paper) exists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.deriving.patching import PatchFailure, apply_patch
from synthledger.deriving.view import (
    Issued,
    View,
    corrections_in_issue_order,
    current_view,
    issue_key,
    listed_claims,
)
from synthledger.layout import FileKind
from synthledger.ledger.git import git_blob_hash
from synthledger.reading.document import Document

KIND = [FileKind.CORRECTION]


def _target_path(ctx: RecordContext) -> str | None:
    target = ctx.data.get("target")
    if not isinstance(target, dict):
        return None
    paper, record = target.get("paper"), target.get("record")
    if not isinstance(paper, str) or not isinstance(record, str):
        return None
    return ctx.archive.paper_path(paper, record)


def _target(ctx: RecordContext) -> Document | None:
    path = _target_path(ctx)
    if path is None or not ctx.archive.path(path).is_file():
        return None
    return ctx.archive.load(path).document


def _earlier_corrections(ctx: RecordContext) -> list[Issued]:
    """The paper's other corrections issued before this one, by (date, id)."""

    def load(file: Path) -> dict[str, Any] | None:
        document = ctx.archive.load(f"{ctx.folder}/corrections/{file.name}").document
        return document.data if document is not None else None

    key = issue_key(ctx.data, ctx.file.stem)
    folder = ctx.archive.path(ctx.folder)
    return corrections_in_issue_order(folder, load, before=key)


def _view_before(target: Document, earlier: list[Issued]) -> View:
    """The target as the corrections issued before this one left it."""
    return current_view(target.data, [issued.amendment for issued in earlier])


@rule("SL401", KIND)
def target_exists(ctx: RecordContext) -> Iterator[Hit]:
    path = _target_path(ctx)
    if path is not None and not ctx.archive.path(path).is_file():
        yield Hit(
            ("target", "paper"),
            f"the target {path} does not exist: a correction amends a published "
            "synthesis; check target.paper",
        )


@rule("SL405", KIND)
def target_blob_matches(ctx: RecordContext) -> Iterator[Hit]:
    path, target = _target_path(ctx), ctx.data.get("target")
    if path is None or not isinstance(target, dict) or not isinstance(target.get("blob"), str):
        return
    try:
        content = ctx.archive.path(path).read_bytes()
    except OSError:
        return  # SL401 says so
    stated: str = target["blob"]
    actual = git_blob_hash(content, width=len(stated))
    if actual != stated:
        yield Hit(
            ("target", "blob"),
            f"target.blob {stated} is not the blob of {path} ({actual}): write the "
            f"correction against the published file (git hash-object {path})",
        )


@rule("SL402", KIND)
def patch_applies(ctx: RecordContext) -> Iterator[Hit]:
    target, operations = _target(ctx), ctx.data.get("patch")
    if target is None or not isinstance(operations, list):
        return
    before = _view_before(target, _earlier_corrections(ctx))
    if before.skipped:
        return  # the earlier correction is the one at fault, and says so
    try:
        after = apply_patch(before.data, operations)
    except PatchFailure as exc:
        yield Hit(
            ("patch",),
            f"the patch does not apply to {target.path}: {exc}. Point each operation "
            "at a field that exists in the record's current view",
        )
        return
    contract = after.get("contract")
    if not isinstance(contract, str):
        return
    problem = ctx.archive.contracts.first_error(after, contract)
    if problem is not None:
        yield Hit(
            ("patch",),
            f"after the patch, {target.path} no longer satisfies {contract}: {problem}. "
            "A correction must leave the record valid",
        )


@rule("SL404", KIND)
def named_things_exist(ctx: RecordContext) -> Iterator[Hit]:
    target = _target(ctx)
    withdrawn = ctx.data.get("withdraws_claims")
    earlier = _earlier_corrections(ctx)
    if target is not None and isinstance(withdrawn, list):
        # Claims an earlier correction added (an addendum) can be withdrawn too.
        view = _view_before(target, earlier).data
        known = {claim.get("id") for claim in listed_claims(view)}
        for index, claim_id in enumerate(withdrawn):
            if claim_id not in known:
                yield Hit(
                    ("withdraws_claims", index),
                    f"claim {claim_id!r} is not a listed claim of {target.path}: "
                    "name claims by their id (c1, c2, ...)",
                )
    cancels = ctx.data.get("cancels")
    if isinstance(cancels, str):
        sibling = f"{ctx.folder}/corrections/{cancels}.yaml"
        if cancels == ctx.file.stem:
            yield Hit(
                ("cancels",),
                "a reinstatement cancels one earlier correction of this paper, not itself: "
                "name that correction by its id",
            )
        elif not ctx.archive.path(sibling).is_file():
            yield Hit(
                ("cancels",),
                f"a reinstatement cancels one earlier correction of this paper, "
                f"but {sibling} does not exist: name it by its id",
            )
        elif cancels not in {str(issued.data.get("id")) for issued in earlier}:
            yield Hit(
                ("cancels",),
                f"a reinstatement cancels one earlier correction of this paper, but {cancels} "
                f"is not dated before this one ({ctx.data.get('date')}): a reinstatement "
                "comes after what it cancels",
            )
    replacement = ctx.data.get("replacement")
    if isinstance(replacement, str) and replacement not in ctx.archive.paper_dirs:
        yield Hit(
            ("replacement",),
            f"the replacement paper {replacement!r} is not in the archive: "
            "add the new version first, or fix the id",
        )
