"""``synthledger export --to bibtex``: entries pybtex parses back in strict mode."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pybtex.errors
import pytest
from pybtex.database import BibliographyData, parse_string
from pybtex.exceptions import PybtexError

from support.exporting import export, publishing_archive
from support.pagerepo import PAPER, SEED_000, SEED_003, commit, correct, one_paper, template


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


@pytest.fixture
def strict() -> Iterator[None]:
    pybtex.errors.set_strict_mode(True)
    try:
        yield
    finally:
        pybtex.errors.set_strict_mode(False)


def parsed(text: str) -> BibliographyData:
    data: BibliographyData = parse_string(text, "bibtex")
    return data


def test_every_paper_parses_back_with_its_fields(tmp_path: Path, strict: None) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "expression-of-concern")
    data = parsed(export(repo.path, "--to", "bibtex"))
    assert sorted(data.entries) == [SEED_000, SEED_003]
    entry = data.entries[SEED_000]
    assert entry.type == "techreport"
    assert entry.fields["doi"] == f"10.99999/{SEED_000}"
    assert entry.fields["title"].startswith("{Inference Efficiency")
    assert [str(p) for p in entry.persons["author"]] == ["{Assignee Research}"]
    assert data.entries[SEED_003].fields["note"] == "Status: under concern"
    assert "doi" not in data.entries[SEED_003].fields


def test_text_that_latex_reads_as_markup_is_escaped(tmp_path: Path, strict: None) -> None:
    title = "Braces } { and 50% of R&D_costs for $5 #1 — naïve"
    repo, _ = one_paper(tmp_path / "archive", template(title=title))
    text = export(repo.path, "--to", "bibtex")
    entry = parsed(text).entries[PAPER]
    assert entry.fields["title"] == (
        r"{Braces \textbraceright{} \textbraceleft{} and 50\% of R\&D\_costs for \$5 \#1 — naïve}"
    )
    # The same text decodes back to the title.
    body = entry.fields["title"][1:-1]
    body = body.replace(r"\textbraceright{}", "}").replace(r"\textbraceleft{}", "{")
    body = body.replace(r"\$", "$")  # latexcodec does not decode it
    assert codecs.decode(body, "ulatex") == title


def test_a_record_s_backslash_never_becomes_a_latex_command(tmp_path: Path, strict: None) -> None:
    repo, _ = one_paper(tmp_path / "archive", template(title=r"\input{/etc/passwd} x^2"))
    entry = parsed(export(repo.path, "--to", "bibtex")).entries[PAPER]
    assert entry.fields["title"] == (
        r"{\textbackslash{}input\textbraceleft{}/etc/passwd\textbraceright{} x\textasciicircum{}2}"
    )


def test_strict_mode_would_refuse_a_broken_entry(strict: None) -> None:
    """The check can fail: pybtex in strict mode refuses what the export must never write."""
    with pytest.raises(PybtexError):
        parsed("@techreport{p1,\n    title = {A {broken title},\n}\n")


def test_the_same_history_gives_the_same_bytes(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    first = export(repo.path, "--to", "bibtex")
    commit(repo, "an unrelated file", {"notes.txt": "later\n"})
    assert export(repo.path, "--to", "bibtex", "--rev", "HEAD~1") == first
