"""``synthledger show``: a paper's public page in the terminal, in a real subprocess."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from support.archive import run_cli
from support.gitrepo import isolate_git
from support.pagerepo import PAPER, SEED_000, SEED_000_PAGE, correct, one_paper, seeds, template

# Wide enough that no value of the seed pages wraps inside its table cell.
WIDE = {"COLUMNS": "250"}
HEADING = re.compile(r"^(\S.*?) ─{3,}\s*$")
# The seed page's heading for the gate section names the publisher's pipeline.
SEED_HEADINGS = {"Truth-Engine Gate Verdict": "Gate Verdict"}
SECTIONS = (
    "Verification Level",
    "Truth-Engine Gate Verdict",
    "Quality Tier",
    "Quality Dimensions",
    "Correction Record",
    "Provenance",
)


class SeedSection(NamedTuple):
    rows: list[tuple[str, str]]
    note: str | None


class SeedPage(NamedTuple):
    title: str
    abstract: str
    research_question: str
    sections: dict[str, SeedSection]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def read_seed_page(path: Path) -> SeedPage:
    """The facts of a public page as published: its title, prose, and every table row."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0]
    abstract = lines[lines.index("Abstract") + 1].removeprefix("Abstract: ")
    question = lines[lines.index("Research Question") + 1]
    sections: dict[str, SeedSection] = {}
    current: str | None = None
    for line in lines:
        if line in SECTIONS:
            current = line
            sections[current] = SeedSection([], None)
        elif current is not None and line.startswith("|"):
            cells = [cell.strip() for cell in line.split("|") if cell.strip()]
            sections[current].rows.append((cells[0], cells[1]))
        elif current is not None and line:
            sections[current] = sections[current]._replace(note=line)
    return SeedPage(title, abstract, question, sections)


def split_sections(output: str) -> dict[str, list[str]]:
    """The lines of show's output under each heading; the head of the page under ''."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in output.splitlines():
        match = HEADING.match(line)
        if match:
            current = match.group(1)
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def has_row(lines: list[str], label: str, value: str) -> bool:
    """Whether a table line reads ``label``, then ``value``, as its cells."""
    return any(re.split(r"\s{2,}", line.strip()) == [label, value] for line in lines)


def prose(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_show_of_seed_000_carries_the_facts_of_its_public_page(tmp_path: Path) -> None:
    seed = read_seed_page(SEED_000_PAGE)
    repo = seeds(tmp_path / "archive")
    result = run_cli(["show", SEED_000], cwd=repo.path, env=WIDE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    shown = split_sections(result.stdout)
    assert seed.title in prose(shown[""])
    assert prose(shown["Abstract"]) == seed.abstract
    assert prose(shown["Research Question"]) == seed.research_question
    assert set(seed.sections) == set(SECTIONS)
    for heading, section in seed.sections.items():
        lines = shown[SEED_HEADINGS.get(heading, heading)]
        for label, value in section.rows:
            if (heading, label) == ("Truth-Engine Gate Verdict", "Evaluated"):
                # The page evaluated the gate on its own clock, the archive when it archived
                # the record: show puts the page's time beside its own, and says so.
                comparison = shown["Compared with the Source Page"]
                assert has_row(comparison, "Gate Verdict · Evaluated", value)
                continue
            assert has_row(lines, label, value), f"{heading}: {label} | {value}\n" + "\n".join(
                lines
            )
        if section.note is not None:  # Provenance prints none
            assert section.note in prose(lines), heading


def test_show_badges_and_status_of_seed_000(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    result = run_cli(["show", SEED_000], cwd=repo.path, env=WIDE)
    head = prose(split_sections(result.stdout)[""])
    assert "Status: CURRENT Tier: DOI grade Gate: Unverified" in head
    assert "Reproducibility status: HIGH" in head


def test_show_as_of_an_earlier_commit_has_no_later_correction(tmp_path: Path) -> None:
    repo, _ = one_paper(tmp_path / "archive")
    before = repo.head()
    after = correct(
        repo, PAPER, "k1", "correction", '[{op: replace, path: /title, value: "Amended title"}]'
    )

    earlier = run_cli(["show", PAPER, "--as-of", before], cwd=repo.path, env=WIDE)
    assert earlier.returncode == 0, earlier.stderr
    sections = split_sections(earlier.stdout)
    assert has_row(sections["Correction Record"], "Correction count", "0")
    assert has_row(sections["Correction Record"], "Status", "CURRENT")
    assert "Quantization effects on code completion models" in sections[""][0]
    assert "k1" not in earlier.stdout

    now = run_cli(["show", PAPER], cwd=repo.path, env=WIDE)
    assert now.returncode == 0, now.stderr
    sections = split_sections(now.stdout)
    assert has_row(sections["Correction Record"], "Correction count", "1")
    assert has_row(sections["Correction Record"], "Status", "CORRECTED")
    assert sections[""][0].strip() == "Amended title"
    timeline = [line.split() for line in sections["Correction Record"]]
    assert any("Correction" in cells and after[:12] in cells for cells in timeline)


def test_record_text_is_printed_not_read_as_markup(tmp_path: Path) -> None:
    repo, _ = one_paper(tmp_path / "archive", template(title="[bold red]Loud[/bold red] [link]"))
    result = run_cli(["show", PAPER], cwd=repo.path, env=WIDE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].strip() == "[bold red]Loud[/bold red] [link]"


def test_an_unknown_paper_is_one_line_and_exit_2(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    result = run_cli(["show", "nope"], cwd=repo.path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "synthledger: error: no paper nope at HEAD\n"


def test_an_unknown_commit_is_one_line_and_exit_2(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    result = run_cli(["show", SEED_000, "--as-of", "nope"], cwd=repo.path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "synthledger: error: unknown revision 'nope': check the name, "
        "or fetch it first (git fetch origin)\n"
    )


def test_a_paper_not_yet_published_at_that_commit_is_unknown_there(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    first = repo.head()
    one = tmp_path / "archive" / "records" / "papers" / "p2"
    one.mkdir()
    (one / "synthesis.yaml").write_text("contract: synthesis-v1\n", encoding="utf-8")
    correct(repo, SEED_000, "k1", "erratum")
    result = run_cli(["show", "p2", "--as-of", first], cwd=repo.path)
    assert result.returncode == 2
    assert result.stderr == f"synthledger: error: no paper p2 at {first}\n"


def test_a_synthesis_that_breaks_its_contract_has_no_page(tmp_path: Path) -> None:
    data = template()
    del data["abstract"]
    repo, _ = one_paper(tmp_path / "archive", data)
    result = run_cli(["show", PAPER], cwd=repo.path)
    assert (result.returncode, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"records/papers/{PAPER}/synthesis.yaml:1:1: error[SL802]: ")
    assert lines[-1] == (
        f"synthledger: paper {PAPER} has no page at HEAD: "
        "its synthesis does not satisfy its contract"
    )


def test_help_shows_an_example(tmp_path: Path) -> None:
    result = run_cli(["show", "--help"], cwd=tmp_path)
    assert result.returncode == 0
    assert "example:\n  synthledger show 5291ede05b044497\n" in result.stdout
    assert "--as-of COMMIT" in result.stdout
