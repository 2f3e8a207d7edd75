"""Identity rules: ids match their places (SL201, SL204, SL205) and stay distinct (SL202)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import POLICY_YAML, Archive, position
from synthledger.findings import Finding, Severity

ERROR = Severity.ERROR


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def test_ids_that_match_their_places_pass(archive: Archive) -> None:
    archive.add_synthesis("p1")
    archive.add_synthesis("p2")
    archive.add_correction("k1", "p1")
    archive.add_verification("v1", "p2")
    archive.add_policy("2026-06-10-gate-2")

    assert archive.validate() == []


# --- SL201 ----------------------------------------------------------------------------


def test_a_synthesis_id_other_than_its_folder_fails(archive: Archive) -> None:
    text = archive.synthesis_text("p1").replace("id: p1", "id: p9")
    path = archive.add_synthesis("p1", text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "p9"),
            "SL201",
            ERROR,
            "id 'p9' differs from its folder 'p1': the folder name is the id; "
            "move the record to papers/p9/ or fix the id",
        )
    ]


@pytest.mark.parametrize("kind", ["correction", "verification", "policy"])
def test_a_record_id_other_than_its_file_name_fails(archive: Archive, kind: str) -> None:
    archive.add_synthesis()
    if kind == "correction":
        text = archive.correction_text("k2")
        path = archive.add_correction("k1", text=text)
        stem, named = "k1", "k2"
    elif kind == "verification":
        text = archive.verification_text("v2")
        path = archive.add_verification("v1", text=text)
        stem, named = "v1", "v2"
    else:
        text = POLICY_YAML.format(id="2026-06-10-gates", effective="2026-06-10")
        path = archive.add_policy("2026-06-10-gate-2", text=text)
        stem, named = "2026-06-10-gate-2", "2026-06-10-gates"

    assert archive.validate() == [
        Finding(
            path,
            *position(text, named),
            "SL201",
            ERROR,
            f"id '{named}' differs from the file name {stem}.yaml: "
            f"name the file {named}.yaml or fix the id",
        )
    ]


# --- SL202 ----------------------------------------------------------------------------


def test_paper_ids_differing_only_by_case_clash(archive: Archive) -> None:
    upper = archive.add_synthesis("AbC")
    lower = archive.add_synthesis("abc")

    assert archive.validate() == [
        Finding(
            upper,
            2,
            5,
            "SL202",
            ERROR,
            "paper id 'AbC' clashes with 'abc', which differs only by case: ids must stay "
            "distinct on case-insensitive file systems; choose another id",
        ),
        Finding(
            lower,
            2,
            5,
            "SL202",
            ERROR,
            "paper id 'abc' clashes with 'AbC', which differs only by case: ids must stay "
            "distinct on case-insensitive file systems; choose another id",
        ),
    ]


def test_a_case_clash_is_found_when_only_one_paper_is_checked(archive: Archive) -> None:
    archive.add_synthesis("AbC")
    lower = archive.add_synthesis("abc")

    assert [(f.path, f.rule) for f in archive.validate(lower)] == [(lower, "SL202")]


# --- SL204 ----------------------------------------------------------------------------


def test_a_policy_file_not_named_by_its_effective_date_fails(archive: Archive) -> None:
    text = POLICY_YAML.format(id="2026-06-11-gate-2", effective="2026-06-10")
    path = archive.add_policy("2026-06-11-gate-2", text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, '"2026-06-10"'),
            "SL204",
            ERROR,
            "policy file 2026-06-11-gate-2.yaml does not start with its effective date "
            "2026-06-10: name it 2026-06-10-<slug>.yaml",
        )
    ]


# --- SL205 ----------------------------------------------------------------------------


def test_a_correction_in_the_folder_of_another_paper_fails(archive: Archive) -> None:
    archive.add_synthesis("p1")
    archive.add_synthesis("p2")
    text = archive.correction_text("k1", paper="p2")  # about p2, pinned to p2's blob
    path = archive.write("records/papers/p1/corrections/k1.yaml", text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "p2"),
            "SL205",
            ERROR,
            "this record is about paper 'p2' but sits in the folder of 'p1': "
            "move it to papers/p2/ or fix the paper id",
        )
    ]


def test_a_verification_in_the_folder_of_another_paper_fails(archive: Archive) -> None:
    archive.add_synthesis("p1")
    archive.add_synthesis("p2")
    text = archive.verification_text("v1", "p1").replace("paper: p1", "paper: p2")
    path = archive.add_verification("v1", "p1", text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "p2"),
            "SL205",
            ERROR,
            "this record is about paper 'p2' but sits in the folder of 'p1': "
            "move it to papers/p2/ or fix the paper id",
        )
    ]
