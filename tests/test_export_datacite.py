"""``synthledger export --to datacite``: kernel 4.5 documents, valid against DataCite's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from support.exporting import export, publishing_archive, shipped
from support.pagerepo import SEED_000, SEED_003, correct

KERNEL = ("datacite", "datacite/schemas/datacite-v4.5.json")


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(json.loads(shipped(*KERNEL).read_text()))


def documents(root: Path, validator: jsonschema.Draft201909Validator) -> dict[str, Any]:
    found = json.loads(export(root, "--to", "datacite"))
    for document in found:
        validator.validate(document)
    return {d["alternateIdentifiers"][0]["alternateIdentifier"]: d for d in found}


def relations(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (r["relationType"], r["relatedIdentifierType"], r["relatedIdentifier"])
        for r in document["relatedIdentifiers"]
    ]


def test_corrections_and_new_versions_are_related_identifiers(
    tmp_path: Path, validator: jsonschema.Draft201909Validator
) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_000, "k1", "erratum")
    correct(repo, SEED_000, "k2", "new-version", extra="replacement: 482203de28464b46\n")
    correct(repo, SEED_003, "k1", "retraction")
    found = documents(repo.path, validator)
    doi_grade = found[SEED_000]
    assert doi_grade["doi"] == f"10.99999/{SEED_000}"
    assert doi_grade["types"]["resourceTypeGeneral"] == "Report"
    assert relations(doi_grade) == [
        ("IsDescribedBy", "DOI", f"10.99999/{SEED_000}.k1"),
        ("IsDescribedBy", "DOI", f"10.99999/{SEED_000}.k2"),
        ("IsPreviousVersionOf", "URL", "https://archive.example.org/papers/482203de28464b46/"),
    ]
    assert [(d["dateType"], d.get("dateInformation")) for d in doi_grade["dates"]] == [
        ("Issued", None),
        ("Updated", "erratum k1"),
        ("Updated", "new-version k2"),
    ]
    retracted = found[SEED_003]
    assert "doi" not in retracted  # below DOI grade: no DOI registered
    assert (
        "IsDescribedBy",
        "URL",
        f"https://archive.example.org/papers/{SEED_003}/corrections/k1.html",
    ) in relations(retracted)
    assert ("Withdrawn", "retraction k1") in [
        (d["dateType"], d.get("dateInformation")) for d in retracted["dates"]
    ]
    # Its references are related identifiers too.
    assert any(r[0] == "References" for r in relations(retracted))


def test_the_schema_refuses_a_broken_document(
    tmp_path: Path, validator: jsonschema.Draft201909Validator
) -> None:
    """The validation above can fail: a relation DataCite lacks is refused."""
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_000, "k1", "erratum")
    document = documents(repo.path, validator)[SEED_000]
    document["relatedIdentifiers"][0]["relationType"] = "IsCorrectedBy"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(document)
