"""``synthledger export --to crossref``: a deposit Crossref's own 5.5.0 XSD accepts, offline."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema

from support.archive import REPO, run_cli
from support.exporting import export, publishing_archive, shipped
from support.pagerepo import SEED_000, SEED_003, correct, seeds
from synthledger.publishing.exports.crossref import UPDATE_TYPES

CR = "{http://www.crossref.org/schema/5.5.0}"
XSD = ("commonmeta-py", "commonmeta/resources/crossref/crossref5.5.0.xsd")
DOI = f"10.99999/{SEED_000}"


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


@pytest.fixture(scope="module")
def schema() -> Iterator[xmlschema.XMLSchema11]:
    """Crossref's schema (XSD 1.1: it says vc:minVersion="1.1"), every import from disk."""
    xsd = shipped(*XSD)
    remote = {
        "http://www.w3.org/Math/XMLSchema/mathml3/mathml3.xsd": xsd.parent
        / "standard-modules/mathml3/mathml3.xsd",
        "http://www.w3.org/2009/01/xml.xsd": xsd.parent / "xml.xsd",
    }
    # allow="sandbox": nothing is read from outside the schema's folder, nor from the network.
    yield xmlschema.XMLSchema11(
        str(xsd), allow="sandbox", uri_mapper={k: str(v) for k, v in remote.items()}
    )


def deposit(root: Path, schema: xmlschema.XMLSchema11, *ids: str) -> ET.Element:
    out = root.parent / "deposit.xml"
    assert export(root, "--to", "crossref", "--out", str(out), *ids) == ""
    return valid(out, schema)


def valid(file: Path, schema: xmlschema.XMLSchema11) -> ET.Element:
    """The deposit in ``file``, once the schema finds no error in it (a local file: the
    sandbox reads nothing else)."""
    errors = list(schema.iter_errors(str(file)))
    assert not errors, errors[0]
    return ET.parse(file).getroot()


def items(batch: ET.Element) -> dict[str, ET.Element]:
    """DOI -> its report-paper_metadata."""
    return {
        m.findtext(f"{CR}doi_data/{CR}doi") or "": m
        for m in batch.iter(f"{CR}report-paper_metadata")
    }


def updates(batch: ET.Element) -> list[tuple[str | None, str | None, str | None]]:
    return [(u.get("type"), u.get("date"), u.text) for u in batch.iter(f"{CR}update")]


def assertion(item: ET.Element, name: str) -> str | None:
    found = item.find(f".//{CR}assertion[@name='{name}']")
    return None if found is None else found.text


def test_a_doi_grade_paper_is_deposited_with_its_derived_facts(
    tmp_path: Path, schema: xmlschema.XMLSchema11
) -> None:
    repo = publishing_archive(tmp_path / "archive")
    batch = deposit(repo.path, schema)
    assert list(items(batch)) == [DOI]  # 003 is below DOI grade: not deposited
    item = items(batch)[DOI]
    assert item.findtext(f"{CR}doi_data/{CR}resource") == (
        f"https://archive.example.org/papers/{SEED_000}/"
    )
    assert assertion(item, "status") == "CURRENT"
    assert assertion(item, "tier") == "DOI grade"
    assert updates(batch) == []
    assert batch.findtext(f"{CR}head/{CR}doi_batch_id") == f"synthledger-{repo.head()}"


def test_a_retracted_paper_s_deposit_carries_the_retraction_update(
    tmp_path: Path, schema: xmlschema.XMLSchema11
) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_000, "k1", "retraction")
    batch = deposit(repo.path, schema)
    assert updates(batch) == [("retraction", "2026-11-02", DOI)]
    notice = items(batch)[f"{DOI}.k1"]
    assert notice.findtext(f"{CR}titles/{CR}title", "").startswith("Retraction: ")
    assert notice.findtext(f"{CR}doi_data/{CR}resource") == (
        f"https://archive.example.org/papers/{SEED_000}/corrections/k1.html"
    )
    assert assertion(items(batch)[DOI], "status") == "RETRACTED"


def test_an_erratum_is_an_update_that_leaves_the_status_current(
    tmp_path: Path, schema: xmlschema.XMLSchema11
) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_000, "k1", "erratum")
    batch = deposit(repo.path, schema)
    assert updates(batch) == [("erratum", "2026-11-02", DOI)]
    assert assertion(items(batch)[DOI], "status") == "CURRENT"


def test_a_reinstated_retraction_is_no_longer_an_update(
    tmp_path: Path, schema: xmlschema.XMLSchema11
) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_000, "k1", "retraction")
    correct(repo, SEED_000, "k2", "reinstatement", extra="cancels: k1\n")
    batch = deposit(repo.path, schema)
    assert updates(batch) == []
    assert assertion(items(batch)[DOI], "status") == "CURRENT"


def test_every_correction_kind_maps_to_a_crossref_update_type(
    schema: xmlschema.XMLSchema11,
) -> None:
    contract = json.loads((REPO / "schemas" / "correction-record-v1.json").read_text())
    assert set(UPDATE_TYPES) == set(contract["properties"]["kind"]["enum"])
    crossref_types = set(getattr(schema.types["cm_update_type"], "enumeration", None) or ())
    assert "retraction" in crossref_types
    assert {t for t in UPDATE_TYPES.values() if t} <= crossref_types
    assert UPDATE_TYPES["reinstatement"] is None  # Crossref has no such update


def test_the_schema_refuses_a_broken_deposit(tmp_path: Path, schema: xmlschema.XMLSchema11) -> None:
    """The validation above can fail: an update type Crossref lacks is refused."""
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_000, "k1", "retraction")
    text = export(repo.path, "--to", "crossref")
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace('type="retraction"', 'type="reinstatement"'))
    assert list(schema.iter_errors(str(broken)))
    (tmp_path / "fine.xml").write_text(text)
    valid(tmp_path / "fine.xml", schema)


def test_a_paper_below_doi_grade_named_on_purpose_is_an_error(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    result = run_cli(["export", "--to", "crossref", SEED_003], cwd=repo.path)
    assert result.returncode == 2
    assert f"paper {SEED_003} is not DOI grade" in result.stderr


def test_the_settings_come_from_the_exported_commit(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    # Settings only in the working tree do not count: the commit states none.
    (repo.path / "pyproject.toml").write_text('[tool.synthledger]\ndoi-prefix = "10.99999"\n')
    result = run_cli(["export", "--to", "crossref"], cwd=repo.path)
    assert result.returncode == 2
    assert "set doi-prefix, site-url, depositor-name, depositor-email" in result.stderr
