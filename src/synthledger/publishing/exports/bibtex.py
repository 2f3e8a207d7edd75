"""BibTeX, written by pybtex: one ``@techreport`` per paper, keyed by its id.

pybtex quotes each value, refuses unbalanced braces and encodes what LaTeX
would read as markup (``_ & % # ~``, accents) with latexcodec as it writes.
What that encoding leaves alone (braces, ``$``, ``^``, backslashes) is spelled
as macros first, so that a stray brace cannot end a field and a record's text
can never become a LaTeX command.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import IO

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

from synthledger.publishing.exports.core import GENRE, Paper, Source

SUFFIX = ".bib"
# pybtex encodes the rest (``_ & % # ~``, accents) with latexcodec as it writes.
MARKUP = {
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "\\": r"\textbackslash{}",
    "^": r"\textasciicircum{}",
}
# biblatex and the url package read these as typed: LaTeX escapes would corrupt them.
VERBATIM = frozenset({"url", "doi"})
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (piece(paper, source) for paper in source.papers()))


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the export: its entry, as its cite.bib holds it."""
    return entry_text(paper, source).encode("utf-8") + b"\n"


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The export from its papers' pieces, in id order."""
    return iter(pieces)


class _Writer(Writer):  # type: ignore[misc]
    """pybtex's writer, leaving the fields that styles read verbatim unencoded."""

    def _encode(self, text: str) -> str:
        # latexcodec walks every character through its tables (a third of a site
        # build's time). Its only state is whether a control word was just written,
        # and a character it keeps ends that: so each run of other characters, with
        # the one after it, is given to latexcodec alone, and the rest is kept as it
        # is (all of a text that has no such run).
        encode = super()._encode
        return _encoded_runs().sub(lambda run: str(encode(run[0])), text)

    def check_braces(self, s: str) -> None:
        # The braces latex() writes are empty groups, ``{}``, closed where they open:
        # a value whose every ``{`` is one of those leaves none open, and pybtex's
        # scan of it character by character (a tenth of a page's time) is not needed.
        if "{" in s.replace("{}", ""):
            super().check_braces(s)

    def _write_field(self, stream: IO[str], type: str, value: str) -> None:
        if type in VERBATIM:
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value)


@functools.cache
def _kept_as_is() -> frozenset[str]:
    """The ASCII characters pybtex's UTF-8 writer (latexcodec's ``ulatex+UTF-8``) gives
    back as they are, asked of it: all but ``# % & _ ~``. A text of only these is given
    back whole (tests/unit/test_bibtex_properties.py)."""
    writer = Writer(encoding="UTF-8")
    return frozenset(c for c in map(chr, range(128)) if writer._encode(c) == c)


@functools.cache
def _encoded_runs() -> re.Pattern[str]:
    """A run of the characters latexcodec may change, and the one after it, if any."""
    kept = "".join(sorted(_kept_as_is()))
    return re.compile(f"[^{re.escape(kept)}]+.?", re.DOTALL)


def entry_text(paper: Paper, source: Source) -> str:
    text: str = _Writer(encoding="UTF-8").to_string(
        BibliographyData({paper.id: entry(paper, source)})
    )
    return text


def entry(paper: Paper, source: Source) -> Entry:
    year, month, _ = paper.date_parts
    fields = {
        # Double braces keep a style from lowercasing names such as Llama3-70B.
        "title": "{" + latex(paper.title) + "}",
        "institution": latex(paper.publisher),
        "type": GENRE,
        "number": latex(paper.id),
        "year": str(year),
        "month": MONTHS[month - 1],
    }
    doi = source.doi(paper)
    if doi:
        fields["doi"] = doi
    url = source.page_url(paper.id)
    if url:
        fields["url"] = url
    if paper.status_phrase:
        fields["note"] = latex(f"Status: {paper.status_phrase}")
    if paper.abstract:
        fields["abstract"] = latex(paper.abstract)
    # A corporate author: one brace group, so that BibTeX never splits it into names.
    author = Person(f"{{{latex(paper.publisher)}}}")
    return Entry("techreport", fields=fields, persons={"author": [author]})


def latex(text: str) -> str:
    """``text`` with what pybtex's own LaTeX encoding leaves as markup spelled as macros."""
    return re.sub(r"[{}$\\^]", lambda match: MARKUP[match.group()], text)
