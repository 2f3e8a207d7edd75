"""synthledger correct: a correction skeleton that targets a published paper, fails validate
until filled and passes once it is, for every kind the contract knows.

Driven through the real CLI, in a real git repository.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from support.archive import PAPER, Archive, run_cli
from support.filling import fill, placeholder_lines
from support.gitrepo import GitRepo, bundled_archive
from support.terminal import Terminal

SYNTHESIS = f"records/papers/{PAPER}/synthesis.yaml"
SEED = "5291ede05b044497"  # a bundled paper whose claims are public only as counts
TITLE = "Quantization effects on code completion models"
REASON = "Claim c2 misstates the accuracy drop."
KINDS = [
    "erratum",
    "clarification",
    "addendum",
    "correction",
    "expression-of-concern",
    "partial-retraction",
    "retraction",
    "withdrawal",
    "new-version",
    "reinstatement",
]
WRITTEN = re.compile(r"^wrote (records/papers/[^/]+/corrections/(?P<id>[^/]+)\.yaml)\n", re.M)

FILLED = {"name": "Archive maintainers", "role": "archive-maintainer", "-": "error-in-text"}
# What each kind names besides, filled in; the archive has paper p2 and correction k0.
FILLED_FOR_KIND = {
    "partial-retraction": {"withdraws_claims": "[c2]"},
    "new-version": {"replacement": "p2"},
    "reinstatement": {"cancels": "k0"},
}

COMMON_UNFILLED = [
    "/issued_by/name: '' should be non-empty (expected: Person or body issuing it.) "
    "[correction-record-v1]",
    "/issued_by/role: 'FILL IN' is not one of ['author', 'publisher', 'editor', "
    "'archive-maintainer', 'generator-operator'] (expected: Their role.) [correction-record-v1]",
    "/reasons/0: 'FILL IN' is not one of ['error-in-text', 'error-in-data', "
    "'error-in-analysis', 'error-in-references', 'truncated-text', 'off-topic-content', "
    "'unverifiable-claims', 'misconduct', 'duplicate-publication', 'author-request', 'legal', "
    "'superseded', 'concern-resolved', 'other'] [correction-record-v1]",
]
UNFILLED_FOR_KIND = {
    "partial-retraction": [
        "/withdraws_claims: [] should be non-empty (expected: For a partial-retraction: the ids "
        "of the claims it withdraws.) [correction-record-v1]"
    ],
    "new-version": [
        "/replacement: '' does not match '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' (expected: For a "
        "new-version: the id of the paper that replaces this one.) [correction-record-v1]"
    ],
    "reinstatement": [
        "/cancels: '' does not match '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' (expected: For a "
        "reinstatement: the id of the one earlier correction it cancels.) [correction-record-v1]"
    ],
}


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """A git repository holding one published paper, p1."""
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis()
    GitRepo.init(archive.root).commit("publish p1")
    return archive


def _correct(archive: Archive, kind: str, reason: str = REASON) -> tuple[str, str]:
    result = run_cli(["correct", PAPER, "--kind", kind, "--reason", reason], cwd=archive.root)
    assert result.returncode == 0, result.stderr
    found = WRITTEN.search(result.stdout)
    assert found is not None, result.stdout
    return found[1], found["id"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_fails_until_filled_and_passes_once_filled(archive: Archive, kind: str) -> None:
    archive.add_synthesis("p2")
    archive.add_correction("k0")
    assert archive.validate() == []

    path, _ = _correct(archive, kind)
    skeleton = archive.read(path)

    unfilled = archive.validate()
    expected = COMMON_UNFILLED + UNFILLED_FOR_KIND.get(kind, [])
    assert [(f.path, f.rule, f.message) for f in unfilled] == [
        (path, "SL103", message) for message in expected
    ]
    assert {f.line for f in unfilled} == set(placeholder_lines(skeleton))

    archive.write(path, fill(skeleton, {**FILLED, **FILLED_FOR_KIND.get(kind, {})}))

    assert archive.validate() == []
    assert run_cli(["validate"], cwd=archive.root).returncode == 0


def test_the_skeleton_targets_the_published_blob_with_a_harmless_patch(archive: Archive) -> None:
    blob = GitRepo(archive.root).git("hash-object", SYNTHESIS)

    path, cid = _correct(archive, "erratum")
    today = date.today().isoformat()

    assert re.fullmatch(rf"{today}-erratum-[0-9a-f]{{6}}", cid)
    assert path == f"records/papers/{PAPER}/corrections/{cid}.yaml"
    skeleton = archive.read(path)
    assert skeleton.startswith(
        "# yaml-language-server: $schema=../../../../schemas/correction-record-v1.json\n"
    )
    for line in (
        f'id: "{cid}"',
        f'  paper: "{PAPER}"',
        f'  blob: "{blob}"  # git hash-object of the synthesis it was written against',
        "kind: erratum",
        f'date: "{today}"',
        f'narrative: "{REASON}"',
        f'patch:\n  - op: test\n    path: /title\n    value: "{TITLE}"\n  # - op: replace\n',
    ):
        assert f"\n{line}" in skeleton


def test_the_test_operation_holds_the_title_an_earlier_correction_gave(archive: Archive) -> None:
    retitle = (
        archive.correction_text("k0").replace('"2026-07-01"', '"2000-01-01"')
        + '  - op: replace\n    path: /title\n    value: "A clearer title"\n'
    )
    archive.add_correction("k0", text=retitle)

    path, _ = _correct(archive, "clarification")
    filled = fill(archive.read(path), FILLED)
    archive.write(path, filled)

    assert '    value: "A clearer title"\n' in filled
    assert archive.validate() == []
    # Against the title as first published, the same patch fails: the test guards the target.
    archive.write(path, filled.replace('"A clearer title"', f'"{TITLE}"'))
    assert [f.rule for f in archive.validate()] == ["SL402"]


def test_the_next_step_is_printed(archive: Archive) -> None:
    result = run_cli(["correct", PAPER, "--kind", "erratum", "--reason", REASON], cwd=archive.root)
    path, _ = WRITTEN.findall(result.stdout)[0]

    assert result.stdout == (
        f"wrote {path}\n"
        "next: fill in the 3 values marked FILL IN and write the patch, then check the record:\n"
        f"  synthledger validate {path}\n"
    )


def test_an_unknown_paper_is_refused(archive: Archive) -> None:
    result = run_cli(["correct", "p9", "--kind", "erratum", "--reason", REASON], cwd=archive.root)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "synthledger: error: no paper 'p9' in this archive: "
        "records/papers/p9/synthesis.yaml does not exist\n"
    )
    assert not (archive.root / "records/papers/p9").exists()


def test_a_kind_the_contract_does_not_list_is_refused(archive: Archive) -> None:
    result = run_cli(["correct", PAPER, "--kind", "typo", "--reason", REASON], cwd=archive.root)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "synthledger: error: unknown kind 'typo': correction-record-v1 allows erratum, "
        "clarification, addendum, correction, expression-of-concern, partial-retraction, "
        "retraction, withdrawal, new-version, reinstatement\n"
    )
    assert not (archive.root / f"records/papers/{PAPER}/corrections").exists()


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["--reason", REASON], "no kind given: pass --kind KIND"),
        (["--kind", "erratum"], "no reason given: pass --reason TEXT"),
    ],
)
def test_without_a_terminal_a_missing_value_names_its_option(
    archive: Archive, args: list[str], missing: str
) -> None:
    result = run_cli(["correct", PAPER, *args], cwd=archive.root)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"synthledger: error: {missing} (questions are asked only in a terminal)\n"
    )


def test_in_a_terminal_correct_asks_for_the_kind_and_reason(archive: Archive) -> None:
    terminal = Terminal.synthledger(["correct", PAPER], archive.root)
    terminal.expect("Kind (erratum, correction, retraction, ...): ")
    terminal.type("expression-of-concern")
    terminal.expect("Reason: what is wrong and why: ")
    terminal.type("The abstract drifts away from the research question.")
    status, _, _ = terminal.finish()

    assert status == 0, terminal.text
    found = WRITTEN.search(terminal.text)
    assert found is not None
    skeleton = archive.read(found[1])
    assert "\nkind: expression-of-concern\n" in skeleton
    assert '\nnarrative: "The abstract drifts away from the research question."\n' in skeleton


def test_a_paper_that_does_not_exist_is_refused_before_any_question(archive: Archive) -> None:
    terminal = Terminal.synthledger(["correct", "p9"], archive.root)
    status, _, _ = terminal.finish()

    assert status == 2
    assert terminal.text == (
        "synthledger: error: no paper 'p9' in this archive: "
        "records/papers/p9/synthesis.yaml does not exist\n"
    )


def test_a_seed_paper_with_aggregate_claims_gets_an_example_it_has(tmp_path: Path) -> None:
    seeds = bundled_archive(tmp_path / "seeds")
    result = run_cli(["correct", SEED, "--kind", "erratum", "--reason", REASON], cwd=seeds.path)
    assert result.returncode == 0, result.stderr
    path = WRITTEN.findall(result.stdout)[0][0]
    skeleton = (seeds.path / path).read_text(encoding="utf-8")

    assert "  #   path: /abstract\n" in skeleton
    assert "/claims/items" not in skeleton
    (seeds.path / path).write_text(fill(skeleton, FILLED), encoding="utf-8")
    checked = run_cli(["validate", path], cwd=seeds.path)
    assert (checked.returncode, checked.stdout) == (0, "0 errors, 0 warnings in 1 file checked\n")
