"""RIS (the Research Information Systems tagged format): one RPRT record per paper.

No library writes RIS better than these few lines: each line is a two-letter
tag, two spaces, a hyphen, a space and a value, records end with ``ER``, and
lines end with CR LF as the format's specification says. A value never spans
lines: line breaks in a record's text become spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from synthledger.publishing.exports.core import GENRE, Paper, Source

SUFFIX = ".ris"


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (piece(paper, source) for paper in source.papers()))


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the export: its record."""
    return record(paper, source).encode("utf-8")


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The export from its papers' pieces, in id order."""
    return iter(pieces)


def record(paper: Paper, source: Source) -> str:
    year, month, day = paper.date_parts
    tags = [
        ("TY", "RPRT"),
        ("ID", paper.id),
        ("TI", paper.title),
        ("AU", paper.publisher),
        ("PB", paper.publisher),
        ("PY", f"{year:04d}"),
        ("DA", f"{year:04d}/{month:02d}/{day:02d}"),
        ("M3", GENRE),
        ("SN", paper.id),
    ]
    if paper.abstract:
        tags.append(("AB", paper.abstract))
    doi = source.doi(paper)
    if doi:
        tags.append(("DO", doi))
    url = source.page_url(paper.id)
    if url:
        tags.append(("UR", url))
    if paper.status_phrase:
        tags.append(("N1", f"Status: {paper.status_phrase}"))
    tags.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in tags)


def _one_line(value: str) -> str:
    return " ".join(value.split())
