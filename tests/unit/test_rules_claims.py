"""Claim rules: stated counts agree (SL302), ids are unique (SL303), citations resolve (SL301)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import Archive, position, value_at
from synthledger.findings import Finding, Severity

ERROR = Severity.ERROR

AGGREGATE = """\
claims:
  disclosure: aggregate
  extracted: {extracted}
  verified: {verified}
  record_source: not publicly specified
"""


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def _with_aggregate_claims(text: str, extracted: int, verified: int) -> str:
    """``text`` with its listed claims replaced by aggregate counts."""
    start, end = text.index("\nclaims:\n") + 1, text.index("\nreferences:\n") + 1
    return text[:start] + AGGREGATE.format(extracted=extracted, verified=verified) + text[end:]


def test_listed_claims_that_agree_with_their_counts_pass(archive: Archive) -> None:
    archive.add_synthesis()

    assert archive.validate() == []


def test_aggregate_counts_alone_pass(archive: Archive) -> None:
    archive.add_synthesis(text=_with_aggregate_claims(archive.synthesis_text(), 7, 7))

    assert archive.validate() == []


# --- SL302 ----------------------------------------------------------------------------


def test_more_verified_than_extracted_fails(archive: Archive) -> None:
    text = _with_aggregate_claims(archive.synthesis_text(), 7, 8)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "verified: 8"),
            "SL302",
            ERROR,
            "8 claims stated verified but only 7 extracted: verified cannot exceed extracted",
        )
    ]


def test_an_extracted_count_other_than_the_list_fails(archive: Archive) -> None:
    text = archive.synthesis_text().replace("extracted: 2", "extracted: 3")
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "extracted: 3"),
            "SL302",
            ERROR,
            "3 claims stated extracted but 2 listed: make the count match the list",
        )
    ]


def test_a_verified_count_other_than_the_claims_marked_verified_fails(archive: Archive) -> None:
    text = archive.synthesis_text().replace("  verified: 1\n", "  verified: 2\n")
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "verified: 2"),
            "SL302",
            ERROR,
            "2 claims stated verified but 1 listed claims are marked verified: "
            "make the count match the list",
        )
    ]


# --- SL303 ----------------------------------------------------------------------------


def test_a_claim_id_used_twice_fails_at_the_second(archive: Archive) -> None:
    text = archive.synthesis_text().replace("- id: c2", "- id: c1")
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "- id: c1", occurrence=2),
            "SL303",
            ERROR,
            "claim id 'c1' is already used by claims entry 1: give each a distinct id",
        )
    ]


def test_a_reference_id_used_twice_fails_at_the_second(archive: Archive) -> None:
    text = archive.synthesis_text().replace("  - id: r2", "  - id: r1")
    text = text.replace("references: [r2]", "references: [r1]")
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "- id: r1", occurrence=2),
            "SL303",
            ERROR,
            "reference id 'r1' is already used by references entry 1: give each a distinct id",
        )
    ]


# --- SL301 ----------------------------------------------------------------------------


def test_a_claim_citing_an_unlisted_reference_fails_at_the_citation(archive: Archive) -> None:
    text = archive.synthesis_text().replace("references: [r2]", "references: [r2, r7]")
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "r7"),
            "SL301",
            ERROR,
            "claim 'c2' cites reference 'r7', which is not in references: "
            "add it there or fix the id",
        )
    ]


def test_claims_without_citations_pass(archive: Archive) -> None:
    text = archive.synthesis_text().replace("      references: [r1]\n", "")
    archive.add_synthesis(text=text)

    assert archive.validate() == []
