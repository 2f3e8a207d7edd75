"""``synthledger export --to prov``: PROV-JSON valid against its schema, read back by ``prov``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from prov.model import ProvDocument

from support.exporting import export, publishing_archive, shipped
from support.pagerepo import SEED_000, SEED_003, correct

PROV_JSON_SCHEMA = ("prov", "prov/tests/schemas/prov-json.schema.json")


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def validate(document: Any) -> None:
    schema = json.loads(shipped(*PROV_JSON_SCHEMA).read_text())
    jsonschema.Draft4Validator(schema).validate(document)


def test_the_lineage_is_valid_prov_json_that_prov_reads_back(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    concern = correct(repo, SEED_003, "k1", "expression-of-concern")
    correct(repo, SEED_003, "k2", "erratum")
    text = export(repo.path, "--to", "prov")
    document = json.loads(text)
    validate(document)
    read = ProvDocument.deserialize(content=text, format="json")
    entities = {str(r.identifier) for r in read.get_records() if r.is_element()}
    assert {f"paper:{SEED_000}", f"paper:{SEED_003}", f"paper:{SEED_003}.k1"} <= entities
    # Each correction in force is a revision, by the commit that added it.
    revisions = [
        (r["prov:generatedEntity"], r["prov:usedEntity"], r["prov:activity"])
        for r in document["wasDerivedFrom"].values()
        if r.get("prov:type", {}).get("$") == "prov:Revision"
    ]
    assert revisions == [
        (f"paper:{SEED_003}.k1", f"paper:{SEED_003}", f"commit:{concern}"),
        (f"paper:{SEED_003}.k2", f"paper:{SEED_003}.k1", f"commit:{repo.head()}"),
    ]
    # The publisher is an organisation the paper is attributed to; commits have authors.
    agents = {a["prov:label"]: a["prov:type"]["$"] for a in document["agent"].values()}
    assert agents["Assignee Research"] == "prov:Organization"
    assert agents["Ada Archivist <ada@example.org>"] == "prov:Person"
    assert f"commit:{concern}" in document["activity"]


def test_prov_n_is_the_same_document(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    text = export(repo.path, "--to", "provn")
    assert text.startswith("document\n") and text.rstrip().endswith("endDocument")
    assert f"entity(paper:{SEED_000}, " in text


def test_the_schema_refuses_a_broken_document(tmp_path: Path) -> None:
    """The validation above can fail."""
    repo = publishing_archive(tmp_path / "archive")
    document = json.loads(export(repo.path, "--to", "prov"))
    document["entity"] = ["not", "a", "map"]
    with pytest.raises(jsonschema.ValidationError):
        validate(document)
