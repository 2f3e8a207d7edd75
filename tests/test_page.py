"""The page model: what a paper's page says, read from real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gitrepo import isolate_git
from support.pagerepo import (
    PAPER,
    SEED_000,
    SEED_003,
    correct,
    one_paper,
    pages_of,
    seeds,
    template,
)
from synthledger.config import load_config
from synthledger.errors import SynthledgerError
from synthledger.publishing.model import BAD, GOOD, NEUTRAL, WARN, Page, Table
from synthledger.publishing.page import read_pages


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def rows(table: Table) -> dict[str, str]:
    return {row.label: row.value for row in table.rows}


@pytest.fixture
def seed_pages(tmp_path: Path) -> dict[str, Page]:
    return pages_of(seeds(tmp_path / "archive")).pages


def test_seed_000_has_the_sections_of_its_public_page(seed_pages: dict[str, Page]) -> None:
    page = seed_pages[SEED_000]
    assert page.title == (
        "Inference Efficiency and Alignment Trade-offs in Fine-Tuned Llama3-70B and Codestral-7B"
    )
    assert [t.title for t in page.tables] == [
        "Verification Level",
        "Gate Verdict",
        "Quality Tier",
        "Quality Dimensions",
        "Correction Record",
        "Provenance",
    ]
    assert rows(page.verification) == {
        "Paper level": "L2, Source-grounded claims",
        "Source-grounded claims": "7",
        "Claim record source": "not publicly specified",
    }
    assert rows(page.dimensions) == {
        "Evidence strength": "MEDIUM",
        "Citation grounding": "MEDIUM",
        "Uncertainty disclosure": "MEDIUM",
        "Reproducibility status": "HIGH",
    }
    assert rows(page.correction_record) == {
        "Status": "CURRENT",
        "Correction count": "0",
        "Manifest contract": "paper-manifest-v1.1",
        "Correction contract": "correction-record-v1",
    }
    provenance = rows(page.provenance)
    assert provenance["Public provenance"] == "L4, External archival record"
    assert provenance["External record"] == "Registered"
    assert provenance["Claim lineage"] == "7 aggregate source-grounded claims"
    assert provenance["Publication stated"] == "before June 10, 2026"
    # Claim records are not public: no claims table, no references.
    assert page.claims is None
    assert page.references == ()


def test_seed_000_notes_are_the_sentences_its_page_printed(seed_pages: dict[str, Page]) -> None:
    page = seed_pages[SEED_000]
    assert page.tier.note == (
        "Descriptive public triage only; this tier does not alter current publication or "
        "DOI behavior."
    )
    assert page.gate.note is not None
    assert page.gate.note.startswith("This record has not completed Gate 2 of the verification")


def test_only_the_gate_evaluation_time_differs_from_the_source_page(
    seed_pages: dict[str, Page],
) -> None:
    comparison = seed_pages[SEED_000].comparison
    assert comparison is not None
    # The source page evaluated the gate on its own clock; the archive at the archiving commit.
    assert [(r.label, r.value) for r in comparison.rows] == [
        ("Gate Verdict · Evaluated", "2026-06-10T06:30:49+00:00")
    ]


def test_seed_003_lists_its_claims_references_and_report_sections(
    seed_pages: dict[str, Page],
) -> None:
    page = seed_pages[SEED_003]
    assert page.byline == "Assignee Research · May 30, 2026"
    assert [p.title for p in page.report] == [
        "Introduction",
        "Methodology",
        "Results",
        "Limitations",
    ]
    assert page.claims is not None
    assert [c.id for c in page.claims] == [f"c{n}" for n in range(1, 9)]
    assert [c.id for c in page.claims if c.verified] == ["c6"]
    assert page.claims[0].text.endswith("ensembles comprising o")  # truncated, as published
    assert [r.href for r in page.references] == [
        "http://arxiv.org/abs/2208.13968v1",
        "http://arxiv.org/abs/2105.05381v4",
        "http://arxiv.org/abs/2408.15301v2",
    ]
    assert page.comparison is None  # imported from a report, not from a page


def test_badges_carry_the_manifest_values_and_tones(seed_pages: dict[str, Page]) -> None:
    badges = {b.key: (b.value, b.tone) for b in seed_pages[SEED_003].badges}
    assert badges == {
        "status": ("CURRENT", GOOD),
        "tier": ("Below DOI grade", NEUTRAL),  # the policy's default tier
        "gate": ("Unverified", NEUTRAL),
        "evidence_strength": ("LOW", BAD),
        "citation_grounding": ("LOW", BAD),
        "uncertainty_disclosure": ("HIGH", GOOD),
        "reproducibility": ("MEDIUM", WARN),
    }
    assert {b.key: b.tone for b in seed_pages[SEED_000].badges}["tier"] == GOOD


def test_a_correction_changes_the_page_and_enters_the_timeline(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    published = repo.head()
    commit = correct(
        repo, SEED_003, "k1", "correction", '[{op: replace, path: /title, value: "Deep ensembles"}]'
    )
    pages = pages_of(repo)
    page = pages.pages[SEED_003]
    assert page.title == "Deep ensembles"
    # The view the page reads is the one the manifest was computed from.
    assert pages.views[SEED_003]["title"] == pages.built.manifests[SEED_003]["title"]
    assert page.correction_record.value("Status") == "CORRECTED"
    assert page.correction_record.value("Amended fields") == "/title (k1)"
    assert [(e.what, e.record, e.commit, e.state) for e in page.timeline] == [
        ("Published", SEED_003, published, None),
        ("Correction", "k1", commit, "in force"),
    ]
    assert page.timeline[1].summary == (
        "dated 2026-11-02; issued by Ada Archivist (archive-maintainer); "
        "reasons: error-in-text. The record needs amending."
    )


def test_the_page_at_an_earlier_commit_has_no_later_correction(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    before = repo.head()
    correct(repo, SEED_003, "k1", "expression-of-concern")
    earlier = pages_of(repo, before).pages[SEED_003]
    assert earlier.correction_record.value("Correction count") == "0"
    assert len(earlier.timeline) == 1


def test_a_reinstatement_names_what_it_cancels(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "expression-of-concern")
    correct(repo, SEED_003, "k2", "reinstatement", extra="cancels: k1\n")
    page = pages_of(repo).pages[SEED_003]
    assert [(e.record, e.state) for e in page.timeline[1:]] == [
        ("k1", "cancelled by k2"),
        ("k2", "cancels k1"),
    ]
    assert page.correction_record.value("Status") == "CURRENT"


def test_a_partial_retraction_marks_the_claims_it_withdraws(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "partial-retraction", extra="withdraws_claims: [c2, c5]\n")
    page = pages_of(repo).pages[SEED_003]
    assert page.claims is not None
    assert [c.id for c in page.claims if c.withdrawn] == ["c2", "c5"]
    assert page.verification.value("Withdrawn claims") == "c2, c5"
    assert page.correction_record.value("Status") == "PARTIALLY-RETRACTED"


def test_only_web_addresses_become_links(tmp_path: Path) -> None:
    references = [
        {"id": "r1", "url": "javascript:alert(1)"},
        {"id": "r2", "doi": "10.1000/xyz123"},
        {"id": "r3", "arxiv": "2208.13968v1", "title": "Deep ensembles"},
        {"id": "r4", "url": "https://[arxiv.org/abs/2208.13968v1"},  # urllib cannot split it
    ]
    repo, _ = one_paper(tmp_path / "archive", template(references=references))
    page = pages_of(repo).pages[PAPER]
    assert [(r.text, r.href) for r in page.references] == [
        ("javascript:alert(1)", None),
        ("doi:10.1000/xyz123", "https://doi.org/10.1000/xyz123"),
        ("Deep ensembles — arXiv:2208.13968v1", "https://arxiv.org/abs/2208.13968v1"),
        ("https://[arxiv.org/abs/2208.13968v1", None),
    ]


def test_a_paper_without_a_stated_date_reads_its_archiving_date(tmp_path: Path) -> None:
    data = template()
    del data["published"]
    repo, _ = one_paper(tmp_path / "archive", data)
    page = pages_of(repo).pages[PAPER]
    assert page.byline == "Example Research · archived 2026-11-01"
    assert page.provenance.value("Publication stated") == "not stated by the source"


def test_an_unknown_paper_is_a_one_line_error(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    with pytest.raises(SynthledgerError, match=r"^no paper nope at HEAD$"):
        read_pages(load_config(repo.path), "HEAD", ["nope"])
