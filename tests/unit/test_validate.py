"""validate: every file of an archive against its contract and the rules.

The rules decided in validate.py itself are tested here: SL101, SL102, SL203,
SL206, and SL502 for a record that is a symlink. SL103 and SL104 are in
test_contracts.py; the rules of each rules/ module have a test module of their own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.archive import PAPER, REPO, REPORT, SCHEMAS, Archive, position, run_cli
from synthledger.checking.rules import RULES
from synthledger.checking.validate import validate
from synthledger.config import load_config
from synthledger.findings import Finding, Severity

SYNTHESIS = f"records/papers/{PAPER}/synthesis.yaml"
ERROR, WARNING = Severity.ERROR, Severity.WARNING
CONTRACTS = len(list(SCHEMAS.glob("*.json")))


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def test_an_archive_of_valid_records_gives_no_finding(archive: Archive) -> None:
    archive.add_synthesis()
    archive.add_correction()
    archive.add_verification()
    archive.add_policy()

    result = validate(load_config(archive.root))

    assert result.findings == []
    # The contracts and 4 records; the 3 artifacts are checked through their records.
    assert result.checked == CONTRACTS + 4


def test_an_empty_archive_gives_no_finding(archive: Archive) -> None:
    assert archive.validate() == []


# --- the bundled seeds --------------------------------------------------------

SEED_000 = "records/papers/5291ede05b044497/synthesis.yaml"
SEED_003 = "records/papers/ff1b47c123e856ad/synthesis.yaml"
CUT_OFF = (
    "without closing punctuation: it looks cut off mid-word. The archive keeps it as "
    "published; if the full text is known, add a correction of kind clarification"
)
OFF_TOPIC = (
    "of the research question's subject terms once the restated question and boilerplate "
    "are set aside: it seems to be about something else. Check the synthesis against its "
    "question; if it is off topic, issue an expression-of-concern or correction"
)
SEED_WARNINGS = [
    Finding(SEED_000, 44, 11, "SL601", WARNING, f"the abstract shares 0% {OFF_TOPIC}"),
    Finding(SEED_003, 13, 11, "SL601", WARNING, f"the abstract shares 15% {OFF_TOPIC}"),
    Finding(
        SEED_003,
        28,
        5,
        "SL602",
        WARNING,
        "the claims share 23% of the research question's subject terms: they seem to "
        "answer a different question. Check them against the question",
    ),
    Finding(
        SEED_003,
        29,
        13,
        "SL603",
        WARNING,
        f"claim 'c1' ends '…comprising o' (120 characters) {CUT_OFF}",
    ),
    Finding(
        SEED_003, 33, 13, "SL603", WARNING, f"claim 'c2' ends '…of ep' (120 characters) {CUT_OFF}"
    ),
    Finding(
        SEED_003,
        37,
        13,
        "SL603",
        WARNING,
        f"claim 'c3' ends '…case), ense' (120 characters) {CUT_OFF}",
    ),
    Finding(
        SEED_003, 41, 13, "SL603", WARNING, f"claim 'c4' ends '…a sing' (120 characters) {CUT_OFF}"
    ),
    Finding(
        SEED_003,
        49,
        13,
        "SL603",
        WARNING,
        f"claim 'c6' ends '…making train' (119 characters) {CUT_OFF}",
    ),
]


def test_the_bundled_seeds_give_exactly_their_known_defects() -> None:
    result = validate(load_config(REPO))

    assert sorted(result.findings) == sorted(SEED_WARNINGS)


@pytest.mark.parametrize(("options", "status"), [([], 0), (["--strict"], 1)])
def test_the_bundled_seeds_pass_unless_warnings_are_strict(options: list[str], status: int) -> None:
    result = run_cli(["validate", "--root", str(REPO), *options], cwd=REPO)

    assert result.returncode == status, result.stderr
    # The contracts, 3 syntheses, 1 verification and 1 policy.
    assert result.stdout.endswith(f"0 errors, 8 warnings in {CONTRACTS + 5} files checked\n")


# --- the contract a record names (SL101, SL102) -------------------------------


def test_a_record_without_contract_fails_at_the_top_of_the_file(archive: Archive) -> None:
    text = archive.synthesis_text().replace("contract: synthesis-v1\n", "")
    archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            SYNTHESIS,
            1,
            1,
            "SL101",
            ERROR,
            "no 'contract' field: name the contract this record follows, "
            "e.g. 'contract: synthesis-v1'",
        )
    ]


def test_a_record_naming_an_unknown_contract_fails_at_the_name(archive: Archive) -> None:
    text = archive.synthesis_text().replace("contract: synthesis-v1", "contract: synthesis-v9")
    archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            SYNTHESIS,
            1,
            11,
            "SL101",
            ERROR,
            "unknown contract 'synthesis-v9': no schemas/synthesis-v9.json; "
            "known for this place: synthesis-v1",
        )
    ]


def test_a_record_naming_the_contract_of_another_place_fails(archive: Archive) -> None:
    text = archive.synthesis_text().replace("contract: synthesis-v1", "contract: policy-v1")
    archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            SYNTHESIS,
            1,
            11,
            "SL102",
            ERROR,
            "a synthesis record here must follow a synthesis-vN contract, "
            "not 'policy-v1': move the file or fix the contract",
        )
    ]


# --- what no contract claims (SL203) and folders without a synthesis (SL206) --

UNCLAIMED = (
    "no contract claims this file: records live at policy/<date>-<slug>.yaml, "
    "papers/<id>/synthesis.yaml, papers/<id>/corrections/<id>.yaml, "
    "papers/<id>/verifications/<id>.yaml or papers/<id>/artifacts/...; move it or remove it"
)


@pytest.mark.parametrize(
    "stray",
    [
        "records/notes.txt",
        "records/papers/p1/draft.yaml",
        "records/papers/p1/corrections/k1.yml",
        "records/policy/2026/2026-06-10-x.yaml",
        "schemas/README.md",
    ],
)
def test_a_file_no_contract_claims_fails(archive: Archive, stray: str) -> None:
    archive.add_synthesis()
    archive.write(stray, "contract: synthesis-v1\n")

    assert archive.validate() == [Finding(stray, 1, 1, "SL203", ERROR, UNCLAIMED)]


def test_placeholders_that_keep_empty_folders_are_allowed(archive: Archive) -> None:
    archive.write("records/policy/.gitkeep", "")
    archive.write("records/papers/.keep", "")

    assert archive.validate() == []


def test_a_paper_folder_without_synthesis_fails(archive: Archive) -> None:
    archive.artifact("p2", "report.md", REPORT)

    assert archive.validate() == [
        Finding(
            "records/papers/p2",
            1,
            1,
            "SL206",
            ERROR,
            "paper folder has no synthesis.yaml: every paper starts with its synthesis record",
        )
    ]


# --- symlinks in the tree (SL502) ----------------------------------------------


@pytest.mark.parametrize("link", [SYNTHESIS, "schemas/extra-v1.json"])
def test_a_record_or_contract_that_is_a_symlink_fails(
    archive: Archive, tmp_path: Path, link: str
) -> None:
    outside = tmp_path / "outside"
    outside.write_text(archive.synthesis_text(), encoding="utf-8")
    os.symlink(outside, archive.root / link)

    assert archive.validate(link) == [
        Finding(
            link,
            1,
            1,
            "SL502",
            ERROR,
            "is a symlink: records/ and schemas/ hold regular files only; commit the file itself",
        )
    ]


# --- YAML-level problems reach the report located --------------------------------


def test_a_yaml_error_is_reported_at_its_place(archive: Archive) -> None:
    text = archive.synthesis_text().replace("publisher:", "title: Again\npublisher:", 1)
    archive.add_synthesis(text=text)
    line, column = position(text, "title: Again")

    [finding] = archive.validate()

    assert (finding.path, finding.line, finding.column) == (SYNTHESIS, line, column)
    assert (finding.rule, finding.severity) == ("SL007", ERROR)
    assert finding.message.startswith("duplicate key 'title' (first defined on line 3)")


# --- checking some files only ------------------------------------------------------


def test_only_the_given_files_are_checked(archive: Archive) -> None:
    archive.add_synthesis()
    archive.write("records/stray.txt", "x")

    result = validate(load_config(archive.root), [SYNTHESIS])

    assert (result.findings, result.checked) == ([], 1)


def test_a_changed_artifact_brings_the_records_that_pin_it(archive: Archive) -> None:
    archive.add_synthesis()
    artifact = archive.write(f"records/papers/{PAPER}/artifacts/report.md", "changed\n")

    [finding] = validate(load_config(archive.root), [artifact]).findings

    assert (finding.path, finding.rule) == (SYNTHESIS, "SL504")


# --- every rule is tested ----------------------------------------------------------


def test_every_rule_of_the_validator_is_named_by_a_test() -> None:
    """A guard for new rules: each id the validator can report appears in some test module."""
    tests = "".join(
        file.read_text(encoding="utf-8") for file in Path(__file__).parents[1].rglob("test_*.py")
    )
    decided_here = {"SL101", "SL102", "SL103", "SL104", "SL203", "SL206", "SL502"}
    rule_ids = decided_here | {registered.id for registered in RULES}

    assert sorted(rule for rule in rule_ids if f'"{rule}"' not in tests) == []


def test_a_directory_argument_checks_the_files_below_it() -> None:
    result = validate(load_config(REPO), ["records/papers/ff1b47c123e856ad"])

    assert result.checked == 1  # the synthesis; its artifact is checked through it
    assert {f.path for f in result.findings} == {"records/papers/ff1b47c123e856ad/synthesis.yaml"}
    assert len(result.findings) == 7
