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
        # arXiv's eras: the first and last of four digits, five digits from 1501.
        'arxiv: "0704.0001"',
        'arxiv: "1412.9999v3"',
        'arxiv: "1501.00001"',
        'arxiv: "cond-mat/9108001"',
        'arxiv: "quant-ph/0703999v12"',
        'doi: "10.1000.10/abc#1"',  # a subdivided registrant and a '#' in the suffix
        'doi: "10.1002/(SICI)1097-4636(199706)35:4<511::AID-JBM12>3.0.CO;2-B"',
        'url: "https://orcid.org/0000-0002-1825-0097"',  # valid ORCID check digit
        'url: "https://orcid.org/0000-0002-1694-233X"',  # check digit X
        'url: "http://[2001:db8::1]:8080/paper"',
        'url: "https://bücher.example/paper"',
    ],
)
def test_well_formed_identifiers_pass(archive: Archive, entry: str) -> None:
    archive.add_synthesis(text=_second_reference(archive, entry))

    assert archive.validate() == []


ARXIV_ADVICE = (
    "is not an arXiv identifier: write it like 2208.13968v1 or hep-th/9901001, without a URL"
)
DOI_ADVICE = "is not a DOI: write it like 10.1000/xyz123, without 'doi:' or a resolver URL"
URL_FIX = "write the full link, e.g. https://arxiv.org/abs/2208.13968v1"
URL_ADVICE = f"is not an http(s) URL: {URL_FIX}"


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
        (
            'arxiv: "2200.12345"',
            "'2200.12345' is not an arXiv identifier (there is no month 00): "
            "write it like 2208.13968v1 or hep-th/9901001, without a URL",
        ),
        (
            'arxiv: "2213.12345"',
            "'2213.12345' is not an arXiv identifier (there is no month 13): "
            "write it like 2208.13968v1 or hep-th/9901001, without a URL",
        ),
        (
            'arxiv: "1501.1234"',
            "'1501.1234' is not an arXiv identifier (from 1501 on the number "
            "after the dot has 5 digits, not 4): write it like 2208.13968v1 or hep-th/9901001, "
            "without a URL",
        ),
        (
            'arxiv: "1412.12345"',
            "'1412.12345' is not an arXiv identifier (up to 1412 the number "
            "after the dot has 4 digits, not 5): write it like 2208.13968v1 or hep-th/9901001, "
            "without a URL",
        ),
        (
            'arxiv: "0612.1234"',
            "'0612.1234' is not an arXiv identifier (identifiers of the form "
            "YYMM.NNNN start in 0704 (April 2007); an earlier paper has one like hep-th/9901001): "
            "write it like 2208.13968v1 or hep-th/9901001, without a URL",
        ),
        (
            'arxiv: "2208.13968v0"',
            "'2208.13968v0' is not an arXiv identifier (versions count "
            "from v1, so v0 does not exist): write it like 2208.13968v1 or hep-th/9901001, "
            "without a URL",
        ),
        (
            'arxiv: "hep-th/0801001"',
            "'hep-th/0801001' is not an arXiv identifier (identifiers of "
            "the form archive/YYMMNNN run from 9108 to 0703): write it like 2208.13968v1 or "
            "hep-th/9901001, without a URL",
        ),
        (
            'arxiv: "hep-th/9113001"',
            "'hep-th/9113001' is not an arXiv identifier (there is no "
            "month 13): write it like 2208.13968v1 or hep-th/9901001, without a URL",
        ),
        (
            'arxiv: "hep-th/9901000"',
            "'hep-th/9901000' is not an arXiv identifier (the number "
            "after YYMM has 3 digits from 001, not '000'): write it like 2208.13968v1 or "
            "hep-th/9901001, without a URL",
        ),
        (
            'arxiv: "foo-th/9901001"',
            "'foo-th/9901001' is not an arXiv identifier (there is no "
            "arXiv archive 'foo-th'): write it like 2208.13968v1 or hep-th/9901001, without a URL",
        ),
        ('doi: "10.12/abc"', f"'10.12/abc' {DOI_ADVICE}"),
        ('doi: "10.1000/a b"', f"'10.1000/a b' {DOI_ADVICE}"),
        (
            'url: "https://orcid.org/0000-0002-1825-0098"',
            "'https://orcid.org/0000-0002-1825-0098' "
            "is not an http(s) URL ('0000-0002-1825-0098' is not an ORCID iD: its check digit (the "
            f"last character) does not match the other 15): {URL_FIX}",
        ),
        (
            'url: "https://orcid.org/0000-0002-1825"',
            "'https://orcid.org/0000-0002-1825' is not an "
            "http(s) URL ('0000-0002-1825' is not an ORCID iD: not four groups of four digits, the "
            f"last one ending in a digit or X): {URL_FIX}",
        ),
        (
            'url: "https://exa_mple.org/x"',
            "'https://exa_mple.org/x' is not an http(s) URL "
            f"('exa_mple.org' is not a host name): {URL_FIX}",
        ),
        (
            'url: "https://example.org:80x/x"',
            f"'https://example.org:80x/x' is not an http(s) URL (it cannot be parsed): {URL_FIX}",
        ),
        (  # an unclosed IPv6 bracket: urllib refuses to split it at all
            'url: "https://[example.org/paper"',
            f"'https://[example.org/paper' is not an http(s) URL (it cannot be parsed): {URL_FIX}",
        ),
    ],
)
def test_a_malformed_identifier_fails_at_its_value(
    archive: Archive, entry: str, message: str
) -> None:
    text = _second_reference(archive, entry)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [Finding(path, *value_at(text, entry), "SL304", ERROR, message)]


@pytest.mark.parametrize(
    ("scheme", "identifier", "message"),
    [
        (
            "doi",
            "https://doi.org/10.5281/zenodo.123",
            f"'https://doi.org/10.5281/zenodo.123' {DOI_ADVICE}",
        ),
        (
            "arxiv",
            "2213.00001",
            "'2213.00001' is not an arXiv identifier (there is no month 13): "
            "write it like 2208.13968v1 or hep-th/9901001, without a URL",
        ),
        (
            "handle",
            "hdl:20.500/x",
            "'hdl:20.500/x' is not a handle: write it like 20.500.12345/abc",
        ),
        ("url", "zenodo.org/records/1", f"'zenodo.org/records/1' {URL_ADVICE}"),
    ],
)
def test_an_external_record_identifier_is_checked_by_its_scheme(
    archive: Archive, scheme: str, identifier: str, message: str
) -> None:
    entry = f'identifier: "{identifier}"'
    text = archive.synthesis_text().replace(
        "  review_method: Automated multi-reviewer assessment\n",
        "  review_method: Automated multi-reviewer assessment\n"
        f"  external_record:\n    status: registered\n    scheme: {scheme}\n    {entry}\n",
    )
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [Finding(path, *value_at(text, entry), "SL304", ERROR, message)]


def test_a_well_formed_external_record_identifier_passes(archive: Archive) -> None:
    text = archive.synthesis_text().replace(
        "  review_method: Automated multi-reviewer assessment\n",
        "  review_method: Automated multi-reviewer assessment\n"
        "  external_record:\n    status: registered\n    scheme: doi\n"
        '    identifier: "10.5281/zenodo.123"\n',
    )
    archive.add_synthesis(text=text)

    assert archive.validate() == []


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
