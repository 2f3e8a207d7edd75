"""A skeleton correction: pinned to the target's current blob, with a JSON Patch
template written against the paper's current view before this correction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from synthledger.authoring.skeleton import (
    MARK,
    PLACEHOLDER,
    Written,
    comment_block,
    count_marks,
    create,
    hash_width,
    quoted,
    relative,
    schema_reference,
)
from synthledger.config import ArchiveConfig
from synthledger.deriving.view import IssueKey, view_in_tree
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory
from synthledger.layout import is_paper_id, paper_folder
from synthledger.ledger.git import git_blob_hash
from synthledger.reading.contracts import Contracts
from synthledger.reading.load import load_file

CORRECTION_CONTRACT = "correction-record-v1"


# What each kind must name besides the common fields (correction-record-v1's allOf).
KIND_FIELDS = {
    "partial-retraction": "withdraws_claims",
    "new-version": "replacement",
    "reinstatement": "cancels",
}


def correction_id(kind: str, issued: date, taken: Iterable[str]) -> str:
    """``<date>-<kind>-<6 random hex>``: sorts by date, reads at a glance, and does not clash."""
    used = {name.casefold() for name in taken}
    while True:
        candidate = f"{issued.isoformat()}-{kind}-{secrets.token_hex(3)}"
        if candidate.casefold() not in used:
            return candidate


def new_correction(
    config: ArchiveConfig, paper_id: str, *, kind: str, reason: str, issued: date
) -> Written:
    """Write a correction skeleton that targets ``paper_id``'s synthesis; refuse to overwrite."""
    target = correction_target(config, paper_id)
    folder = target.parent
    schema = correction_contract(config)
    check_kind(kind, schema)
    if not reason.strip():
        raise SynthledgerError("the reason is empty: say what is wrong and why, in plain words")
    corrections = folder / "corrections"
    existing = sorted(p.name.removesuffix(".yaml") for p in corrections.glob("*.yaml"))
    cid = correction_id(kind, issued, existing)
    file = corrections / f"{cid}.yaml"
    content = target.read_bytes()
    view = _current_view(config, target, (issued.isoformat(), cid))
    text = correction_skeleton(
        cid,
        paper_id,
        kind=kind,
        reason=reason,
        issued=issued,
        blob=git_blob_hash(content, width=hash_width(config.root)),
        view=view,
        corrections=existing,
        codes=_enum(schema, "reasons", "items"),
        roles=_enum(schema, "issued_by", "properties", "role"),
        schema=schema_reference(config, CORRECTION_CONTRACT, file),
        path=relative(file, config),
    )
    make_directory(corrections)
    create(file, text, config, "synthledger correct never overwrites a record: run it again")
    return Written(relative(file, config), count_marks(text))


def correction_target(config: ArchiveConfig, paper_id: str) -> Path:
    """The synthesis a correction of ``paper_id`` amends; an error if there is none."""
    if not is_paper_id(paper_id):
        raise SynthledgerError(f"{paper_id!r} is not a paper id: check the id")
    target = config.root / paper_folder(config, paper_id) / "synthesis.yaml"
    if not target.is_file():
        raise SynthledgerError(
            f"no paper {paper_id!r} in this archive: {relative(target, config)} does not exist"
        )
    return target


def correction_contract(config: ArchiveConfig) -> dict[str, Any]:
    return Contracts.for_archive(config).schema(CORRECTION_CONTRACT) or {}


def check_kind(kind: str, contract: dict[str, Any]) -> None:
    """Refuse a kind the correction contract does not list: an unknown kind fails closed."""
    kinds = _enum(contract, "kind")
    if kind not in kinds:
        raise SynthledgerError(
            f"unknown kind {kind!r}: {CORRECTION_CONTRACT} allows {', '.join(kinds)}"
        )


def correction_skeleton(
    cid: str,
    paper_id: str,
    *,
    kind: str,
    reason: str,
    issued: date,
    blob: str,
    view: dict[str, Any] | None,
    corrections: Sequence[str],
    codes: Sequence[str],
    roles: Sequence[str],
    schema: str,
    path: str,
) -> str:
    """The text of a correction-record-v1 skeleton against the paper's current ``view``."""
    title = view.get("title") if view is not None else None
    # The commented example points at something this paper has.
    claims = view.get("claims") if view is not None else None
    listed = isinstance(claims, dict) and claims.get("disclosure") == "listed"
    example = ("/claims/items/0/text", "The claim as it should read.")
    if not listed:
        example = ("/abstract", "The abstract as it should read.")
    if isinstance(title, str):
        patch = f"""\
patch:
  - op: test
    path: /title
    value: {quoted(title)}
  # - op: replace
  #   path: {example[0]}
  #   value: "{example[1]}"
"""
    else:
        patch = "patch: []\n"
    return f"""\
# yaml-language-server: $schema={schema}
# Written by `synthledger correct`. Replace each value marked FILL IN (validate
# fails at each one until then), write the patch, then check the record:
#   synthledger validate {path}
contract: {CORRECTION_CONTRACT}
id: {quoted(cid)}
target:
  paper: {quoted(paper_id)}
  record: synthesis.yaml
  blob: {quoted(blob)}  # git hash-object of the synthesis it was written against
kind: {kind}
date: {quoted(issued.isoformat())}
issued_by:
  name: ""  {MARK}: the person or body that issues the correction
  role: {quoted(PLACEHOLDER)}  {MARK}: one of {", ".join(roles)}
reasons:  # one or more codes:
{comment_block(", ".join(codes), "  ")}
  - {quoted(PLACEHOLDER)}  {MARK}: a reason code
narrative: {quoted(reason)}
{_kind_field(kind, view, corrections)}\
# The amendment: RFC 6902 JSON Patch operations on the paper's current view, in order.
# The test operation changes nothing: it makes the patch fail if the title is no longer
# what this correction was written against. Add the operations that make the change
# (like the commented replace); a notice that changes no field keeps only the test.
{patch}"""


def _kind_field(kind: str, view: dict[str, Any] | None, corrections: Sequence[str]) -> str:
    name = KIND_FIELDS.get(kind)
    if name == "withdraws_claims":
        claims = view.get("claims") if view is not None else None
        items = claims.get("items") if isinstance(claims, dict) else None
        ids = [c["id"] for c in items or [] if isinstance(c, dict) and isinstance(c.get("id"), str)]
        listed = f"this paper lists {', '.join(ids)}" if ids else "this paper lists no claims"
        return f"withdraws_claims: []  {MARK}: the ids of the claims withdrawn; {listed}\n"
    if name == "replacement":
        return f'replacement: ""  {MARK}: the id of the paper that replaces this one\n'
    if name == "cancels":
        known = ", ".join(corrections) if corrections else "none yet"
        return f'cancels: ""  {MARK}: the id of the correction it cancels; this paper has {known}\n'
    return ""


def _current_view(config: ArchiveConfig, target: Path, key: IssueKey) -> dict[str, Any] | None:
    """The synthesis with the corrections issued before ``key`` (date, id) applied.

    The same order rule SL402 checks the patch in; a record that does not load
    gives None (the skeleton then has an empty patch, and validate says why).
    """
    loaded = load_file(target, relative(target, config)).document
    if loaded is None:
        return None

    def load(file: Path) -> dict[str, Any] | None:
        document = load_file(file, relative(file, config)).document
        return document.data if document is not None else None

    # An earlier patch that does not apply is left out, as validate (SL402) says.
    return view_in_tree(loaded.data, target.parent, load, before=key).data


def _enum(schema: dict[str, Any], *where: str) -> list[str]:
    """The allowed values at ``properties/<where...>`` of a contract."""
    node: Any = schema.get("properties", {})
    for step in where:
        node = node.get(step, {}) if isinstance(node, dict) else {}
    values = node.get("enum") if isinstance(node, dict) else None
    if not isinstance(values, list) or not values:
        raise SynthledgerError(f"contract {CORRECTION_CONTRACT} lists no {where[0]}: reinstall")
    return [str(value) for value in values]
