"""Skeleton records for a contributor to fill in: a new synthesis, a correction.

Every value still to be written is marked ``# FILL IN`` and holds a placeholder
its contract refuses: ``""`` where text is expected, ``"FILL IN"`` where a
number or a code is. An unfilled skeleton therefore fails ``validate`` at each
placeholder, with its line and what the contract expects there, and a filled
one passes. Editors that read the ``yaml-language-server`` modeline show the
same errors as you type.

Nothing here overwrites a file: records are created whole or not at all, and
never in place of an existing one (``files.write_atomic(exclusive=True)``).
"""

from __future__ import annotations

import os
import re
import secrets
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from synthledger.config import ArchiveConfig
from synthledger.deriving.view import IssueKey, view_in_tree
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic
from synthledger.layout import paper_dirs
from synthledger.ledger.git import git, git_blob_hash
from synthledger.reading.contracts import SCHEMA_SUFFIX, Contracts
from synthledger.reading.load import load_file

# The skeletons are written for these contract versions; a new version gets its own.
SYNTHESIS_CONTRACT = "synthesis-v1"
CORRECTION_CONTRACT = "correction-record-v1"

PLACEHOLDER = "FILL IN"  # for numbers and codes; text placeholders are ""
MARK = "# FILL IN"
# The contracts' pattern for every id: paper, claim, reference, correction.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

# What each kind must name besides the common fields (correction-record-v1's allOf).
KIND_FIELDS = {
    "partial-retraction": "withdraws_claims",
    "new-version": "replacement",
    "reinstatement": "cancels",
}


@dataclass(frozen=True, slots=True)
class Written:
    """A skeleton written to disk: where (relative to the root) and how many values to fill."""

    path: str
    to_fill: int


# --- ids ---------------------------------------------------------------------------


def new_paper_id(config: ArchiveConfig) -> str:
    """A fresh random paper id (16 hex digits, like the archive's first papers).

    64 random bits: two contributors working at the same time on separate clones
    will not pick the same one. Checked against the folders here all the same.
    """
    taken = {name.casefold() for name in paper_dirs(config)}
    while True:
        candidate = secrets.token_hex(8)
        if candidate not in taken:
            return candidate


def check_paper_id(paper_id: str, config: ArchiveConfig) -> None:
    """Refuse an id the contracts or the identity rules (SL201, SL202) would refuse."""
    if not ID_PATTERN.match(paper_id):
        raise SynthledgerError(
            f"{paper_id!r} is not a paper id: use letters, digits, '.', '_' or '-', "
            "starting with a letter or digit, at most 128 characters"
        )
    clashes = [
        name
        for name in paper_dirs(config)
        if name != paper_id and name.casefold() == paper_id.casefold()
    ]
    if clashes:
        raise SynthledgerError(
            f"paper id {paper_id!r} differs only by case from {clashes[0]!r}, which is "
            "already in the archive: choose another id"
        )


def correction_id(kind: str, issued: date, taken: Iterable[str]) -> str:
    """``<date>-<kind>-<6 random hex>``: sorts by date, reads at a glance, and does not clash."""
    used = {name.casefold() for name in taken}
    while True:
        candidate = f"{issued.isoformat()}-{kind}-{secrets.token_hex(3)}"
        if candidate.casefold() not in used:
            return candidate


# --- a new synthesis ---------------------------------------------------------------


def new_synthesis(
    config: ArchiveConfig,
    *,
    title: str,
    paper_id: str | None = None,
    publisher: str | None = None,
    question: str | None = None,
) -> Written:
    """Write ``<records>/papers/<id>/synthesis.yaml``, a skeleton; refuse if it exists."""
    if not title.strip():
        raise SynthledgerError("the title is empty: pass the title as published")
    if paper_id is None:
        paper_id = new_paper_id(config)
    else:
        check_paper_id(paper_id, config)
    folder = config.records_path / "papers" / paper_id
    file = folder / "synthesis.yaml"
    text = synthesis_skeleton(
        paper_id,
        title,
        publisher=publisher,
        question=question,
        schema=_schema_reference(config, SYNTHESIS_CONTRACT, file),
        path=_relative(file, config),
    )
    # An existing folder is fine (artifacts may be there first); an existing record is not.
    make_directory(folder)
    _create(
        file,
        text,
        config,
        "synthledger new never overwrites a record: choose another --id, or amend "
        f"the paper with 'synthledger correct {paper_id}'",
    )
    return Written(_relative(file, config), _count_marks(text))


def synthesis_skeleton(
    paper_id: str,
    title: str,
    *,
    publisher: str | None,
    question: str | None,
    schema: str,
    path: str,
) -> str:
    """The text of a synthesis-v1 skeleton."""
    by = _text_value(publisher, "the publisher as named on the report")
    asked = _text_value(question, "the research question, as published")
    return f"""\
# yaml-language-server: $schema={schema}
# Written by `synthledger new`. Replace each value marked FILL IN with what the
# source publishes (validate fails at each one until then), and delete what does
# not apply, then check the record:
#   synthledger validate {path}
# Once published, this file is never edited: changes are corrections (synthledger correct).
contract: {SYNTHESIS_CONTRACT}
id: {_quoted(paper_id)}
title: {_quoted(title)}
publisher: {by}
# published: "YYYY-MM-DD"  # the publication date the source states, if it states one
research_question: {asked}
abstract: ""  {MARK}: the abstract, as published
# The report's sections as published; delete the block if only a public page was published.
sections:
  introduction: ""  {MARK}
  methodology: ""  {MARK}
  results: ""  {MARK}
  limitations: ""  {MARK}
review:
  method: ""  {MARK}: how it was reviewed, e.g. Automated multi-reviewer assessment
  score: {_quoted(PLACEHOLDER)}  {MARK}: the review score, from 0 to 10
  # papers: 0  # how many peer-reviewed papers were synthesised, as stated
# Claims listed one by one (add an item per claim, c1, c2, ...), with counts that agree.
# Where the claim records are not public, give only the counts instead:
#   disclosure: aggregate, extracted: N, verified: N, record_source: not publicly specified
claims:
  disclosure: listed
  extracted: 1  # the number of items below
  verified: 0  # the number of items below marked verified: true
  items:
    - id: c1
      text: ""  {MARK}: the claim as published, byte for byte, even if cut off
      verified: false  # true only if checked against the retrieved source
      confidence: {_quoted(PLACEHOLDER)}  {MARK}: from 0 to 1
      references: [r1]  # ids of the references that ground the claim
references:
  - id: r1
    url: ""  {MARK}: the link as published; or doi: 10.1000/xyz, or arxiv: 2208.13968v1
# verification_level:  # the level the source declares, if it declares one
#   level: L2
#   label: Source-grounded claims
provenance:
  contract: source-provenance-v1
  publisher: {by}
  review_method: ""  {MARK}: as published, e.g. Automated multi-reviewer assessment
  # report_artifact:  # the report as published, listed under artifacts below
  #   status: available
  #   path: artifacts/report.md
# artifacts:  # files this record rests on, each pinned by sha256 (sha256sum FILE)
#   - path: artifacts/report.md
#     sha256: 0000000000000000000000000000000000000000000000000000000000000000
#     role: report
"""


# --- a correction ------------------------------------------------------------------


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
        blob=git_blob_hash(content, width=_hash_width(config.root)),
        view=view,
        corrections=existing,
        codes=_enum(schema, "reasons", "items"),
        roles=_enum(schema, "issued_by", "properties", "role"),
        schema=_schema_reference(config, CORRECTION_CONTRACT, file),
        path=_relative(file, config),
    )
    make_directory(corrections)
    _create(file, text, config, "synthledger correct never overwrites a record: run it again")
    return Written(_relative(file, config), _count_marks(text))


def correction_target(config: ArchiveConfig, paper_id: str) -> Path:
    """The synthesis a correction of ``paper_id`` amends; an error if there is none."""
    if not ID_PATTERN.match(paper_id):
        raise SynthledgerError(f"{paper_id!r} is not a paper id: check the id")
    target = config.records_path / "papers" / paper_id / "synthesis.yaml"
    if not target.is_file():
        raise SynthledgerError(
            f"no paper {paper_id!r} in this archive: {_relative(target, config)} does not exist"
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
    value: {_quoted(title)}
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
id: {_quoted(cid)}
target:
  paper: {_quoted(paper_id)}
  record: synthesis.yaml
  blob: {_quoted(blob)}  # git hash-object of the synthesis it was written against
kind: {kind}
date: {_quoted(issued.isoformat())}
issued_by:
  name: ""  {MARK}: the person or body that issues the correction
  role: {_quoted(PLACEHOLDER)}  {MARK}: one of {", ".join(roles)}
reasons:  # one or more codes:
{_comment_block(", ".join(codes), "  ")}
  - {_quoted(PLACEHOLDER)}  {MARK}: a reason code
narrative: {_quoted(reason)}
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
    loaded = load_file(target, _relative(target, config)).document
    if loaded is None:
        return None

    def load(file: Path) -> dict[str, Any] | None:
        document = load_file(file, _relative(file, config)).document
        return document.data if document is not None else None

    # An earlier patch that does not apply is left out, as validate (SL402) says.
    return view_in_tree(loaded.data, target.parent, load, before=key).data


# --- writing -----------------------------------------------------------------------


def _create(file: Path, text: str, config: ArchiveConfig, advice: str) -> None:
    """Create ``file`` with ``text``; never replace what is there."""
    try:
        write_atomic(file, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise SynthledgerError(f"{_relative(file, config)} already exists; {advice}") from None


def _relative(file: Path, config: ArchiveConfig) -> str:
    return file.relative_to(config.root).as_posix()


def _schema_reference(config: ArchiveConfig, contract: str, file: Path) -> str:
    """The modeline's schema: relative to the record when the archive carries the contract."""
    schema = config.schemas_path / f"{contract}{SCHEMA_SUFFIX}"
    if schema.is_file():
        return Path(os.path.relpath(schema, file.parent)).as_posix()
    return f"https://schemas.synthledger.org/{contract}{SCHEMA_SUFFIX}"


def _hash_width(root: Path) -> int:
    """40 for a SHA-1 repository, 64 for SHA-256; SHA-1 outside git."""
    try:
        return 64 if git(root, "rev-parse", "--show-object-format").strip() == "sha256" else 40
    except SynthledgerError:
        return 40


def _enum(schema: dict[str, Any], *where: str) -> list[str]:
    """The allowed values at ``properties/<where...>`` of a contract."""
    node: Any = schema.get("properties", {})
    for step in where:
        node = node.get(step, {}) if isinstance(node, dict) else {}
    values = node.get("enum") if isinstance(node, dict) else None
    if not isinstance(values, list) or not values:
        raise SynthledgerError(f"contract {CORRECTION_CONTRACT} lists no {where[0]}: reinstall")
    return [str(value) for value in values]


def _text_value(given: str | None, what: str) -> str:
    return _quoted(given) if given else f'""  {MARK}: {what}'


def _quoted(text: str) -> str:
    """``text`` as one double-quoted YAML scalar: YAML 1.1 and 1.2 read it the same."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31)
    return dumped.rstrip("\n")


def _comment_block(text: str, indent: str) -> str:
    lead = f"{indent}#   "
    lines = textwrap.wrap(
        text, width=88, initial_indent=lead, subsequent_indent=lead, break_on_hyphens=False
    )
    return "\n".join(lines)


def _count_marks(text: str) -> int:
    return sum(1 for line in text.splitlines() if MARK in line and not line.startswith("#"))
