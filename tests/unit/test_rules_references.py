"""Reference rules: identifiers well formed (SL304), no source listed twice (SL305)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import Archive, position, value_at
from synthledger.findings import Finding, Severity

ERROR = Severity.ERROR
R2 = '    doi: "10.1000/xyz123"\n'  # the second reference of the template, all of it but its id


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def _second_reference(archive: Archive, *entries: str) -> str:
    """The template synthesis with reference r2 given by ``entries`` (``key: "value"``)."""
    return archive.synthesis_text().replace(R2, "".join(f"    {e}\n" for e in entries))


# --- SL304 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        'arxiv: "2208.13968"',
        'arxiv: "hep-th/9901001v2"',
        'arxiv: "math.GT/0309136"',
        'doi: "10.1145/3368089.3409740"',
        'url: "http://arxiv.org/abs/2105.05381v4"',
    ],
)
def test_well_formed_identifiers_pass(archive: Archive, entry: str) -> None:
    archive.add_synthesis(text=_second_reference(archive, entry))

    assert archive.validate() == []


ARXIV_ADVICE = (
    "is not an arXiv identifier: write it like 2208.13968v1 or hep-th/9901001, without a URL"
)
DOI_ADVICE = "is not a DOI: write it like 10.1000/xyz123, without 'doi:' or a resolver URL"
URL_ADVICE = "is not an http(s) URL: write the full link, e.g. https://arxiv.org/abs/2208.13968v1"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('arxiv: "arXiv:2208.13968"', f"'arXiv:2208.13968' {ARXIV_ADVICE}"),
        (
            'arxiv: "https://arxiv.org/abs/2208.13968"',
            f"'https://arxiv.org/abs/2208.13968' {ARXIV_ADVICE}",
        ),
        ('doi: "doi:10.1000/xyz123"', f"'doi:10.1000/xyz123' {DOI_ADVICE}"),
        ('doi: "https://doi.org/10.1000/xyz123"', f"'https://doi.org/10.1000/xyz123' {DOI_ADVICE}"),
        ('url: "arxiv.org/abs/2105.05381v4"', f"'arxiv.org/abs/2105.05381v4' {URL_ADVICE}"),
        ('url: "ftp://example.org/paper.pdf"', f"'ftp://example.org/paper.pdf' {URL_ADVICE}"),
        ('url: "https://example.org/a paper"', f"'https://example.org/a paper' {URL_ADVICE}"),
    ],
)
def test_a_malformed_identifier_fails_at_its_value(
    archive: Archive, entry: str, message: str
) -> None:
    text = _second_reference(archive, entry)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [Finding(path, *value_at(text, entry), "SL304", ERROR, message)]


# --- SL305 ----------------------------------------------------------------------------


def test_distinct_sources_on_one_host_pass(archive: Archive) -> None:
    archive.add_synthesis(
        text=_second_reference(archive, 'url: "https://arxiv.org/abs/2105.05381v4"')
    )

    assert archive.validate() == []


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param('arxiv: "2208.13968v1"', id="same arXiv id"),
        pytest.param(
            'url: "http://www.arxiv.org/abs/2208.13968v1/"', id="same URL, written otherwise"
        ),
        pytest.param('url: "https://arxiv.org/pdf/2208.13968v1.pdf"', id="arXiv id in a PDF link"),
    ],
)
def test_a_source_listed_twice_fails_at_the_second_entry(archive: Archive, entry: str) -> None:
    text = _second_reference(archive, entry)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "id: r2"),
            "SL305",
            ERROR,
            "reference 'r2' lists the same source as reference 1: "
            "remove the duplicate and cite the first",
        )
    ]


def test_dois_differing_only_by_case_are_one_source(archive: Archive) -> None:
    text = archive.synthesis_text().replace(R2, R2 + '  - id: r3\n    doi: "10.1000/XYZ123"\n')
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "id: r3"),
            "SL305",
            ERROR,
            "reference 'r3' lists the same source as reference 2: "
            "remove the duplicate and cite the first",
        )
    ]
