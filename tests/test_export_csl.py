"""``synthledger export --to csl``: CSL-JSON, checked against citation-style-language's schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from support.exporting import export, publishing_archive, shipped
from support.pagerepo import SEED_000, SEED_003, correct, seeds

CSL_DATA = ("commonmeta-py", "commonmeta/resources/csl-data.json")


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def validate(document: object) -> None:
    schema = json.loads(shipped(*CSL_DATA).read_text())
    jsonschema.Draft7Validator(schema).validate(document)


def test_every_paper_is_a_valid_csl_item(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "retraction")
    items = json.loads(export(repo.path, "--to", "csl"))
    validate(items)
    by_id = {item["id"]: item for item in items}
    assert sorted(by_id) == [SEED_000, SEED_003]
    doi_grade = by_id[SEED_000]
    assert doi_grade["DOI"] == f"10.99999/{SEED_000}"
    assert doi_grade["URL"] == f"https://archive.example.org/papers/{SEED_000}/"
    assert doi_grade["author"] == [{"literal": "Assignee Research"}]
    assert "status" not in doi_grade
    # Below DOI grade: no DOI is deposited, so none is cited; retracted, and it says so.
    assert "DOI" not in by_id[SEED_003]
    assert by_id[SEED_003]["status"] == "retracted"


def test_a_broken_item_fails_the_schema(tmp_path: Path) -> None:
    """The check above can fail: the schema refuses what the export must never write."""
    repo = seeds(tmp_path / "archive")
    items = json.loads(export(repo.path, "--to", "csl"))
    items[0]["issued"] = "2026"
    with pytest.raises(jsonschema.ValidationError):
        validate(items)


def test_without_settings_there_is_no_doi_and_no_url(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    items = json.loads(export(repo.path, "--to", "csl"))
    validate(items)
    assert all("DOI" not in item and "URL" not in item for item in items)
