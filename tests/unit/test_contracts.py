"""Contracts: each record is checked against exactly the contract version it names.

Schema violations (SL103) point at the offending value, or at the key of an
unknown field; broken contract files (SL104) are reported, never used.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from support.archive import PAPER, SCHEMAS, Archive, position, synthesis_data, value_at
from synthledger.findings import Finding, Severity
from synthledger.reading.contracts import (
    Contracts,
    _surely_a_schema,
    bundled_contracts_dir,
    schema_error,
)

SYNTHESIS = f"records/papers/{PAPER}/synthesis.yaml"
ERROR = Severity.ERROR


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


# --- SL103: schema violations, located ------------------------------------------------


@pytest.mark.parametrize(
    "evaluated",
    [
        "2026-02-30T10:00:00Z",  # no such day: the pattern alone let it through
        "2026-07-02T24:00:00Z",
        "2026-07-02T23:59:60Z",  # a leap second where none was: jsonschema-rs alone took it
        "2026-07-02T10:00:00+24:00",
    ],
)
def test_a_date_time_is_checked_by_rfc3339_not_by_pattern_only(
    archive: Archive, evaluated: str
) -> None:
    archive.add_synthesis()
    text = archive.verification_text().replace(
        'evaluated: "2026-07-02T10:00:00Z"', f'evaluated: "{evaluated}"'
    )
    path = archive.add_verification(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, f'evaluated: "{evaluated}"'),
            "SL103",
            ERROR,
            f"/evaluated: '{evaluated}' is not a 'date-time' (expected: When the check "
            "ran (RFC 3339, quoted).) [verification-record-v1]",
        )
    ]


def test_a_date_is_checked_as_a_calendar_date(archive: Archive) -> None:
    text = archive.synthesis_text().replace('published: "2026-05-30"', 'published: "2026-02-30"')
    archive.add_synthesis(text=text)

    [finding] = archive.validate()
    assert (finding.rule, finding.message.split(" (expected")[0]) == (
        "SL103",
        "/published: '2026-02-30' is not a 'date'",
    )


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        pytest.param(
            "confidence: 0.9",
            "confidence: 1.5",
            "1.5",
            "/claims/items/0/confidence: 1.5 is greater than the maximum of 1 "
            "(expected: Confidence in the claim, from 0 to 1.) [synthesis-v1]",
            id="confidence above 1",
        ),
        pytest.param(
            "score: 7.5",
            "score: 11",
            "11",
            "/review/score: 11 is greater than the maximum of 10 "
            "(expected: Review score, from 0 to 10.) [synthesis-v1]",
            id="review score above 10",
        ),
        pytest.param(
            "      verified: true",
            '      verified: "yes"',
            '"yes"',
            "/claims/items/0/verified: 'yes' is not of type 'boolean' (expected: Whether the "
            "claim was independently verified against retrieved documents.) [synthesis-v1]",
            id="text for a boolean",
        ),
        pytest.param(
            'published: "2026-05-30"',
            'published: "2026-02-30"',
            '"2026-02-30"',
            "/published: '2026-02-30' is not a 'date' (expected: Publication date stated by "
            "the source (YYYY-MM-DD, quoted), when it states one.) [synthesis-v1]",
            id="impossible date",
        ),
        pytest.param(
            "  review_method: Automated",
            "  level: {code: L5, label: Beyond}\n  review_method: Automated",
            "L5",
            "/provenance/level/code: 'L5' is not one of ['L1', 'L2', 'L3', 'L4'] "
            "(expected: Level code.) [synthesis-v1]",
            id="through $ref to source-provenance-v1",
        ),
        pytest.param(
            "  - path: artifacts/report.md",
            "  - path: /etc/passwd",
            "/etc/passwd",
            "/artifacts/0/path: '/etc/passwd' does not match '^(?!/)(?![A-Za-z]:)[^\\\\\\\\]+$' "
            "(expected: Path relative to the paper folder, e.g. artifacts/repro.py. It must stay "
            "inside the folder and must not be a symlink.) [synthesis-v1]",
            id="absolute artifact path",
        ),
        pytest.param(
            "title: Quantization effects on code completion models\n",
            "",
            "contract",
            "/: 'title' is a required property [synthesis-v1]",
            id="missing required field, at the mapping",
        ),
    ],
)
def test_a_schema_violation_is_reported_at_the_offending_value(
    archive: Archive, old: str, new: str, at: str, message: str
) -> None:
    text = archive.synthesis_text()
    assert old in text
    text = text.replace(old, new, 1)
    archive.add_synthesis(text=text)

    assert archive.validate() == [Finding(SYNTHESIS, *position(text, at), "SL103", ERROR, message)]


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        pytest.param(
            "publisher: Example Research\n",
            "publisher: Example Research\ncolour: blue\n",
            "colour",
            "/colour: unknown field 'colour' in contract synthesis-v1; allowed here: abstract, "
            "artifacts, claims, contract, id, imported, provenance, published, publisher, "
            "references, research_question, review, sections, title, verification_level",
            id="top level",
        ),
        pytest.param(
            "      confidence: 0.4\n",
            "      confidence: 0.4\n      weight: 2\n",
            "weight: 2",
            "/claims/items/1/weight: unknown field 'weight' in contract synthesis-v1; "
            "allowed here: confidence, id, references, text, verified",
            id="in a claim",
        ),
    ],
)
def test_an_unknown_field_is_reported_at_its_key(
    archive: Archive, old: str, new: str, key: str, message: str
) -> None:
    text = archive.synthesis_text().replace(old, new, 1)
    archive.add_synthesis(text=text)

    assert archive.validate() == [Finding(SYNTHESIS, *position(text, key), "SL103", ERROR, message)]


def test_every_violation_of_a_record_is_reported(archive: Archive) -> None:
    text = archive.synthesis_text().replace("confidence: 0.9", "confidence: 1.5")
    text = text.replace("score: 7.5", "score: 11")
    archive.add_synthesis(text=text)

    found = [(f.line, f.column, f.rule) for f in archive.validate()]

    assert found == [(*position(text, "11"), "SL103"), (*position(text, "1.5"), "SL103")]


def test_an_unknown_correction_kind_fails_closed(archive: Archive) -> None:
    archive.add_synthesis()
    text = archive.correction_text().replace("kind: erratum", "kind: rectification")
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "rectification"),
            "SL103",
            ERROR,
            "/kind: 'rectification' is not one of ['erratum', 'clarification', 'addendum', "
            "'correction', 'expression-of-concern', 'partial-retraction', 'retraction', "
            "'withdrawal', 'new-version', 'reinstatement'] (expected: Crossref update type: "
            "erratum, clarification, addendum (leave the status CURRENT, shown as flags), "
            "correction, expression-of-concern, partial-retraction, retraction, withdrawal, "
            "new-version, reinstatement.) [correction-record-v1]",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        ("partial-retraction", "withdraws_claims"),
        ("new-version", "replacement"),
        ("reinstatement", "cancels"),
    ],
)
def test_a_correction_kind_requires_what_it_names(
    archive: Archive, kind: str, required: str
) -> None:
    archive.add_synthesis()
    text = archive.correction_text().replace("kind: erratum", f"kind: {kind}")
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(
            path,
            1,
            1,
            "SL103",
            ERROR,
            f"/: '{required}' is a required property [correction-record-v1]",
        )
    ]


def test_a_failed_verification_must_say_why(archive: Archive) -> None:
    archive.add_synthesis()
    text = archive.verification_text().replace("outcome: verified", "outcome: failed")
    path = archive.add_verification(text=text)

    assert archive.validate() == [
        Finding(
            path,
            1,
            1,
            "SL103",
            ERROR,
            "/: 'reason' is a required property [verification-record-v1]",
        )
    ]


# --- which contract checks a record ------------------------------------------------


def _stricter_copy(archive: Archive, name: str) -> None:
    """schemas/<name>.json: synthesis-v1 under another name, with review scores up to 5."""
    schema = json.loads((SCHEMAS / "synthesis-v1.json").read_text(encoding="utf-8"))
    schema["$id"] = f"https://schemas.synthledger.org/{name}.json"
    schema["properties"]["contract"]["const"] = name
    schema["properties"]["review"]["properties"]["score"]["maximum"] = 5
    archive.write(f"schemas/{name}.json", json.dumps(schema, indent=2))


def test_a_record_is_checked_against_exactly_the_version_it_names(archive: Archive) -> None:
    _stricter_copy(archive, "synthesis-v2")
    archive.add_synthesis("p1")
    v2 = archive.synthesis_text("p2").replace("synthesis-v1", "synthesis-v2")
    archive.add_synthesis("p2", text=v2)

    assert [(f.path, f.rule, f.message) for f in archive.validate()] == [
        (
            "records/papers/p2/synthesis.yaml",
            "SL103",
            "/review/score: 7.5 is greater than the maximum of 5 "
            "(expected: Review score, from 0 to 10.) [synthesis-v2]",
        )
    ]


def test_the_bundled_contracts_serve_an_archive_without_schemas(archive: Archive) -> None:
    shutil.rmtree(archive.root / "schemas")
    archive.add_synthesis("p1")
    archive.add_synthesis(
        "p2", text=archive.synthesis_text("p2").replace("score: 7.5", "score: 11")
    )

    assert [(f.path, f.rule) for f in archive.validate()] == [
        ("records/papers/p2/synthesis.yaml", "SL103")
    ]


def test_the_archive_contract_wins_over_the_bundled_one(archive: Archive) -> None:
    schema = json.loads(archive.read("schemas/synthesis-v1.json"))
    schema["properties"]["review"]["properties"]["score"]["maximum"] = 5
    archive.write("schemas/synthesis-v1.json", json.dumps(schema))
    archive.add_synthesis()

    assert [f.rule for f in archive.validate()] == ["SL103"]


def test_the_bundled_contracts_are_the_repository_schemas() -> None:
    bundled = {file.name for file in bundled_contracts_dir().glob("*.json")}

    assert bundled == {file.name for file in SCHEMAS.glob("*.json")}
    assert {"synthesis-v1.json", "correction-record-v1.json", "policy-v1.json"} <= bundled


def test_every_bundled_contract_is_a_valid_json_schema() -> None:
    """What lets schema_error pass a bundled contract's bytes unchecked at run time."""
    for file in sorted(bundled_contracts_dir().glob("*.json")):
        schema = json.loads(file.read_bytes())
        Draft202012Validator.check_schema(schema)  # raises SchemaError if not
        assert _surely_a_schema(schema), file.name


def test_a_contract_not_bundled_is_checked_against_the_metaschema() -> None:
    bundled = (bundled_contracts_dir() / "policy-v1.json").read_bytes()
    assert schema_error(bundled) is None
    changed = json.loads(bundled)
    changed["properties"] = {"effective": {"type": "no-such-type"}}
    problem = schema_error(json.dumps(changed).encode())
    assert problem is not None and problem.startswith("not a valid JSON Schema 2020-12: ")


def test_first_error_names_the_first_problem_of_data() -> None:
    contracts = Contracts.from_dirs(SCHEMAS)
    data = synthesis_data()

    assert contracts.first_error(data, "synthesis-v1") is None
    data["review"]["score"] = 11
    assert contracts.first_error(data, "synthesis-v1") == (
        "/review/score: 11 is greater than the maximum of 10"
    )
    assert contracts.first_error(data, "synthesis-v7") == "unknown contract 'synthesis-v7'"


# --- SL104: contract files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "column", "message"),
    [
        pytest.param(
            '{\n  "title": "x",\n}\n',
            3,
            1,
            "not valid JSON: Expecting property name enclosed in double quotes",
            id="not JSON, located",
        ),
        pytest.param(b'{"title": "\xff"}', 1, 1, None, id="not UTF-8"),
        pytest.param("[1, 2]", 1, 1, "a contract is a JSON Schema object", id="not an object"),
        pytest.param(
            '{"$id": "https://schemas.synthledger.org/extra-v1.json", "type": 12}',
            1,
            1,
            "not a valid JSON Schema 2020-12: 12 is not valid under any of the given schemas",
            id="not a JSON Schema",
        ),
        pytest.param(
            '{"$id": "https://schemas.synthledger.org/extra-v1.json", "pattern": "(?<n>x)"}',
            1,
            1,
            "not a valid JSON Schema 2020-12: '(?<n>x)' is not a 'regex'",
            # An ECMA-262 regex (jsonschema-rs's own dialect) that Python's re refuses.
            id="a pattern that is no Python regex",
        ),
        pytest.param(
            # Valid draft 7 ("items" as a list), which is not what a contract is.
            '{"$schema": "http://json-schema.org/draft-07/schema#", "items": [{}]}',
            1,
            1,
            "not a valid JSON Schema 2020-12: [{}] is not of type 'object', 'boolean'",
            id="checked as 2020-12 whatever $schema says",
        ),
        pytest.param(
            '{"$id": "https://schemas.synthledger.org/other-v1.json"}',
            1,
            1,
            "$id must end with /extra-v1.json so that the contract's name and identity agree",
            id="$id of another contract",
        ),
    ],
)
def test_a_broken_contract_file_fails(
    archive: Archive, content: str | bytes, line: int, column: int, message: str | None
) -> None:
    archive.write("schemas/extra-v1.json", content)

    [finding] = archive.validate()

    assert (finding.path, finding.line, finding.column) == ("schemas/extra-v1.json", line, column)
    assert (finding.rule, finding.severity) == ("SL104", ERROR)
    if message is None:
        assert finding.message.startswith("cannot read the contract: 'utf-8' codec can't decode")
    else:
        assert finding.message == message


def _broken_copy(archive: Archive, name: str) -> None:
    """schemas/<name>.json: synthesis-v1 under another name, with a pattern that is not a regex."""
    schema = json.loads(archive.read("schemas/synthesis-v1.json"))
    schema["$id"] = f"https://schemas.synthledger.org/{name}.json"
    schema["properties"]["title"]["pattern"] = "(["
    archive.write(f"schemas/{name}.json", json.dumps(schema))


NOT_A_REGEX = "not a valid JSON Schema 2020-12: '([' is not a 'regex'"


def test_a_record_naming_a_broken_contract_is_not_checked_with_it(archive: Archive) -> None:
    _broken_copy(archive, "synthesis-v2")
    text = archive.synthesis_text().replace("contract: synthesis-v1", "contract: synthesis-v2")
    archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            SYNTHESIS,
            1,
            11,
            "SL101",
            ERROR,
            "contract synthesis-v2 cannot check this record: synthesis-v2.json is not a valid "
            f"contract ({NOT_A_REGEX}); fix the contract first",
        ),
        Finding("schemas/synthesis-v2.json", 1, 1, "SL104", ERROR, NOT_A_REGEX),
    ]


def test_a_broken_contract_fails_the_records_whose_contract_refers_to_it(archive: Archive) -> None:
    schema = json.loads(archive.read("schemas/source-provenance-v1.json"))
    schema["properties"]["publisher"]["type"] = 12
    archive.write("schemas/source-provenance-v1.json", json.dumps(schema))
    archive.add_synthesis()

    [on_record, on_contract] = archive.validate()

    assert (on_record.path, on_record.rule) == (SYNTHESIS, "SL101")
    assert on_record.message.startswith(
        "contract synthesis-v1 cannot check this record: source-provenance-v1.json is not a "
        "valid contract (not a valid JSON Schema 2020-12: "
    )
    assert (on_contract.path, on_contract.rule) == ("schemas/source-provenance-v1.json", "SL104")


def test_a_broken_contract_no_record_reaches_troubles_no_record(archive: Archive) -> None:
    _broken_copy(archive, "synthesis-v2")
    archive.add_synthesis()

    assert [(f.path, f.rule) for f in archive.validate()] == [
        ("schemas/synthesis-v2.json", "SL104")
    ]


def test_a_contract_whose_ref_does_not_resolve_cannot_check_records(archive: Archive) -> None:
    schema = json.loads(archive.read("schemas/synthesis-v1.json"))
    schema["$id"] = "https://schemas.synthledger.org/synthesis-v2.json"
    schema["properties"]["provenance"]["$ref"] = "source-provenance-v9.json"
    archive.write("schemas/synthesis-v2.json", json.dumps(schema))
    text = archive.synthesis_text().replace("contract: synthesis-v1", "contract: synthesis-v2")
    archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            SYNTHESIS,
            1,
            11,
            "SL101",
            ERROR,
            "contract synthesis-v2 cannot check this record: its $ref "
            "'source-provenance-v9.json' does not resolve to a known contract; "
            "fix the contract first",
        )
    ]


@pytest.mark.parametrize("header", ['"$id": 5', '"$schema": 5'])
def test_a_contract_with_a_malformed_header_troubles_no_other_contract(
    archive: Archive, header: str
) -> None:
    archive.write("schemas/extra-v1.json", "{" + header + "}")
    archive.add_synthesis()

    assert [(f.path, f.rule) for f in archive.validate()] == [("schemas/extra-v1.json", "SL104")]


@pytest.mark.parametrize("header", ['"$id": 5', '"$schema": 5'])
def test_a_record_naming_a_contract_with_a_malformed_header_fails(
    archive: Archive, header: str
) -> None:
    archive.write("schemas/synthesis-v3.json", "{" + header + "}")
    archive.add_synthesis(
        text=archive.synthesis_text().replace("contract: synthesis-v1", "contract: synthesis-v3")
    )

    assert archive.validate() == [
        Finding(
            SYNTHESIS,
            1,
            11,
            "SL101",
            ERROR,
            "contract synthesis-v3 cannot check this record: synthesis-v3.json is not a valid "
            "contract (not a valid JSON Schema 2020-12: 5 is not of type 'string'); "
            "fix the contract first",
        ),
        Finding(
            "schemas/synthesis-v3.json",
            1,
            1,
            "SL104",
            ERROR,
            "not a valid JSON Schema 2020-12: 5 is not of type 'string'",
        ),
    ]
