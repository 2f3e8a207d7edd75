"""CSL-JSON (citation-style-language's csl-data.json): one item per paper, for
reference managers and citeproc processors.

The publisher is the author (a literal name: a machine-generated synthesis has
no personal authors); a paper that is not CURRENT carries its status
("retracted", "under concern", ...) so that a formatted citation says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.publishing.exports.core import GENRE, Paper, Source, json_array

SUFFIX = ".json"


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (piece(paper, source) for paper in source.papers()))


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the export: its item, as JSON."""
    return dumps_bytes(item(paper, source))


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The export from its papers' pieces, in id order: one JSON array, the bytes
    ``dumps_bytes`` gives the list of items."""
    return json_array(pieces)


def item(paper: Paper, source: Source) -> dict[str, Any]:
    """The CSL-JSON item of ``paper``."""
    entry: dict[str, Any] = {
        "id": paper.id,
        "type": "report",
        "title": paper.title,
        "author": [{"literal": paper.publisher}],
        "publisher": paper.publisher,
        "issued": {"date-parts": [list(paper.date_parts)]},
        "genre": GENRE,
        "number": paper.id,
    }
    if paper.abstract:
        entry["abstract"] = paper.abstract
    doi = source.doi(paper)
    if doi:
        entry["DOI"] = doi
    url = source.page_url(paper.id)
    if url:
        entry["URL"] = url
    if paper.status_phrase:
        entry["status"] = paper.status_phrase
    return entry
