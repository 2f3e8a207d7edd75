"""A skeleton synthesis record: a new paper folder with an id nobody else will pick."""

from __future__ import annotations

import secrets

from synthledger.authoring.skeleton import (
    MARK,
    PLACEHOLDER,
    Written,
    count_marks,
    create,
    quoted,
    relative,
    schema_reference,
    text_value,
)
from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory
from synthledger.layout import is_paper_id, paper_dirs, paper_folder

# The skeletons are written for these contract versions; a new version gets its own.
SYNTHESIS_CONTRACT = "synthesis-v1"


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
    if not is_paper_id(paper_id):
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
    folder = config.root / paper_folder(config, paper_id)
    file = folder / "synthesis.yaml"
    text = synthesis_skeleton(
        paper_id,
        title,
        publisher=publisher,
        question=question,
        schema=schema_reference(config, SYNTHESIS_CONTRACT, file),
        path=relative(file, config),
    )
    # An existing folder is fine (artifacts may be there first); an existing record is not.
    make_directory(folder)
    create(
        file,
        text,
        config,
        "synthledger new never overwrites a record: choose another --id, or amend "
        f"the paper with 'synthledger correct {paper_id}'",
    )
    return Written(relative(file, config), count_marks(text))


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
    by = text_value(publisher, "the publisher as named on the report")
    asked = text_value(question, "the research question, as published")
    return f"""\
# yaml-language-server: $schema={schema}
# Written by `synthledger new`. Replace each value marked FILL IN with what the
# source publishes (validate fails at each one until then), and delete what does
# not apply, then check the record:
#   synthledger validate {path}
# Once published, this file is never edited: changes are corrections (synthledger correct).
contract: {SYNTHESIS_CONTRACT}
id: {quoted(paper_id)}
title: {quoted(title)}
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
  score: {quoted(PLACEHOLDER)}  {MARK}: the review score, from 0 to 10
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
      confidence: {quoted(PLACEHOLDER)}  {MARK}: from 0 to 1
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
