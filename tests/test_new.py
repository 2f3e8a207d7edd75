"""synthledger new: a skeleton synthesis that fails validate until filled, and passes once it is.

Driven through the real CLI: on a real pseudo-terminal where it asks, through
pipes where it must not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.archive import Archive, run_cli
from support.filling import fill, placeholder_lines
from support.terminal import Terminal

TITLE = 'Quantization: "effects" on code completion models'
QUESTION = "How does weight quantization change the latency and accuracy of code completion models?"
NEW_RECORD = re.compile(r"wrote (records/papers/([^/]+)/synthesis\.yaml)\n")
RANDOM_ID = re.compile(r"^[0-9a-f]{16}$")

# What a contributor writes in place of each placeholder (YAML text).
FILLED = {
    "publisher": "Example Research",
    "research_question": f'"{QUESTION}"',
    "abstract": (
        '"Weight quantization lowers the latency of code completion models; '
        'their accuracy drops slightly."'
    ),
    "introduction": '"We review weight quantization for code completion models."',
    "methodology": '"Two papers were retrieved and their claims checked."',
    "results": '"Quantization halves latency; accuracy drops by less than a point."',
    "limitations": '"Automated retrieval may miss relevant work."',
    "method": "Automated multi-reviewer assessment",
    "score": "7.5",
    "text": '"Eight-bit weight quantization halves the latency of code completion models."',
    "confidence": "0.9",
    "url": '"https://arxiv.org/abs/2208.13968v1"',
    "review_method": "Automated multi-reviewer assessment",
}

# What validate says about the skeleton below (publisher given, question not), in order.
UNFILLED = [
    "/research_question: '' should be non-empty (expected: The research question the "
    "synthesis answers, as published.) [synthesis-v1]",
    "/abstract: '' should be non-empty (expected: The abstract, as published.) [synthesis-v1]",
    "/sections/introduction: '' should be non-empty (expected: The introduction section.) "
    "[synthesis-v1]",
    "/sections/methodology: '' should be non-empty (expected: The methodology section.) "
    "[synthesis-v1]",
    "/sections/results: '' should be non-empty (expected: The results section.) [synthesis-v1]",
    "/sections/limitations: '' should be non-empty (expected: The limitations section.) "
    "[synthesis-v1]",
    "/review/method: '' should be non-empty (expected: Review method, e.g. 'automated "
    "multi-reviewer assessment'.) [synthesis-v1]",
    "/review/score: 'FILL IN' is not of type 'number' (expected: Review score, from 0 to 10.) "
    "[synthesis-v1]",
    "/claims/items/0/confidence: 'FILL IN' is not of type 'number' (expected: Confidence in "
    "the claim, from 0 to 1.) [synthesis-v1]",
    "/references/0/url: '' should be non-empty (expected: Link as published.) [synthesis-v1]",
    "/provenance/review_method: '' should be non-empty (expected: How the synthesis was "
    "reviewed, as published, e.g. 'Automated multi-reviewer assessment'.) [synthesis-v1]",
]

NO_TITLE = (
    "synthledger: error: no title given: pass --title TEXT "
    "(questions are asked only in a terminal)\n"
)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def _written(stdout: str) -> tuple[str, str]:
    """The record's path and id from what new printed."""
    found = NEW_RECORD.search(stdout)
    assert found is not None, stdout
    return found[1], found[2]


def _new(archive: Archive, *args: str) -> tuple[str, str]:
    result = run_cli(["new", *args], cwd=archive.root)
    assert result.returncode == 0, result.stderr
    return _written(result.stdout)


def test_in_a_terminal_new_asks_and_the_record_validates_once_filled(archive: Archive) -> None:
    terminal = Terminal.synthledger(["new"], archive.root)
    terminal.expect("Title, as published: ")
    terminal.type(TITLE)
    terminal.expect("Publisher, as named on the report (Enter to fill in later): ")
    terminal.type("Example Research")
    terminal.expect("Research question, as published (Enter to fill in later): ")
    terminal.type("")  # left for later
    status, _, _ = terminal.finish()

    assert status == 0, terminal.text
    path, paper = _written(terminal.text)
    assert RANDOM_ID.match(paper)
    assert terminal.text.endswith(
        f"wrote {path}\n"
        "next: fill in the 12 values marked FILL IN, then check the record:\n"
        f"  synthledger validate {path}\n"
    )
    skeleton = archive.read(path)
    assert skeleton.startswith(
        "# yaml-language-server: $schema=../../../schemas/synthesis-v1.json\n"
    )
    assert f'\nid: "{paper}"\n' in skeleton
    assert '\ntitle: "Quantization: \\"effects\\" on code completion models"\n' in skeleton

    unfilled = archive.validate()
    assert [(f.rule, f.message) for f in unfilled] == [("SL103", m) for m in UNFILLED]
    # Each finding points at a line the skeleton marks FILL IN.
    assert {f.line for f in unfilled} <= set(placeholder_lines(skeleton))
    assert run_cli(["validate", path], cwd=archive.root).returncode == 1

    archive.write(path, fill(skeleton, FILLED))

    assert archive.validate() == []
    checked = run_cli(["validate", path], cwd=archive.root)
    assert (checked.returncode, checked.stdout) == (0, "0 errors, 0 warnings in 1 file checked\n")
    record = archive.read(path)
    assert f'\nresearch_question: "{QUESTION}"\n' in record


def test_the_modeline_names_the_archive_contract_relative_to_the_record(archive: Archive) -> None:
    path, _ = _new(archive, "--title", TITLE)

    first = archive.read(path).splitlines()[0]
    reference = first.removeprefix("# yaml-language-server: $schema=")

    schema = (archive.root / path).parent / reference
    assert schema.resolve() == (archive.root / "schemas/synthesis-v1.json").resolve()


def test_a_blank_title_is_asked_again_and_end_of_input_is_an_error(archive: Archive) -> None:
    terminal = Terminal.synthledger(["new"], archive.root)
    terminal.expect("Title, as published: ")
    terminal.type("   ")
    terminal.expect("  a title is needed\n")
    terminal.expect("Title, as published: ")
    terminal.type("\x04")  # Ctrl-D at the start of a line: end of input
    status, _, _ = terminal.finish()

    assert status == 2
    assert terminal.text.endswith(NO_TITLE)
    assert not (archive.root / "records/papers").exists()


def test_without_a_terminal_new_never_asks_and_names_the_option(archive: Archive) -> None:
    result = run_cli(["new"], cwd=archive.root)

    assert (result.returncode, result.stdout, result.stderr) == (2, "", NO_TITLE)
    assert not (archive.root / "records/papers").exists()


def test_no_input_stops_the_questions_even_in_a_terminal(archive: Archive) -> None:
    terminal = Terminal.synthledger(["new", "--no-input"], archive.root)
    status, _, _ = terminal.finish()

    assert (status, terminal.text) == (2, NO_TITLE)


def test_with_every_value_given_a_terminal_is_not_asked_anything(archive: Archive) -> None:
    terminal = Terminal.synthledger(
        ["new", "--title", TITLE, "--publisher", "Example Research", "--question", QUESTION],
        archive.root,
    )
    status, _, _ = terminal.finish()

    assert status == 0, terminal.text
    assert terminal.text.startswith("wrote records/papers/")
    assert "(Enter to fill in later)" not in terminal.text


def test_two_runs_without_an_id_pick_different_ids(archive: Archive) -> None:
    first_path, first = _new(archive, "--title", TITLE)
    second_path, second = _new(archive, "--title", TITLE)

    assert RANDOM_ID.match(first)
    assert RANDOM_ID.match(second)
    assert first != second
    assert (archive.root / first_path).is_file()
    assert (archive.root / second_path).is_file()


def test_new_never_overwrites_a_record(archive: Archive) -> None:
    path = archive.add_synthesis("p1")
    before = archive.read(path)

    result = run_cli(["new", "--id", "p1", "--title", TITLE], cwd=archive.root)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "synthledger: error: records/papers/p1/synthesis.yaml already exists; "
        "synthledger new never overwrites a record: choose another --id, or amend "
        "the paper with 'synthledger correct p1'\n"
    )
    assert archive.read(path) == before


def test_a_folder_that_already_holds_artifacts_gets_its_record(archive: Archive) -> None:
    archive.artifact("quantization-2026", "report.md", b"# The report\n")

    path, paper = _new(archive, "--id", "quantization-2026", "--title", TITLE)

    assert (path, paper) == ("records/papers/quantization-2026/synthesis.yaml", "quantization-2026")
    assert (archive.root / path).is_file()


@pytest.mark.parametrize(
    ("paper", "message"),
    [
        (
            "../escape",
            "'../escape' is not a paper id: use letters, digits, '.', '_' or '-', "
            "starting with a letter or digit, at most 128 characters",
        ),
        (
            "P1",
            "paper id 'P1' differs only by case from 'p1', which is already in the archive: "
            "choose another id",
        ),
    ],
)
def test_an_id_the_rules_would_refuse_is_refused_before_writing(
    archive: Archive, paper: str, message: str
) -> None:
    archive.add_synthesis("p1")

    result = run_cli(["new", "--id", paper, "--title", TITLE], cwd=archive.root)

    assert (result.returncode, result.stderr) == (2, f"synthledger: error: {message}\n")
    assert sorted(p.name for p in (archive.root / "records/papers").iterdir()) == ["p1"]
