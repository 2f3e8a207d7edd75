"""schema.org ``ScholarlyArticle`` JSON-LD: what a paper's page says of itself to
search engines and harvesters, one article per paper.

Each correction is a ``correction`` (a ``CorrectionComment`` with the address
of its notice page), and a paper that is not CURRENT says so in
``creativeWorkStatus``. Addresses are absolute where ``site-url`` is set, and
relative to the paper's page otherwise, as a page embeds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.publishing.exports.core import GENRE, Paper, Source, json_array

SUFFIX = ".jsonld"


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (piece(paper, source) for paper in source.papers()))


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the export: its item, as JSON."""
    return dumps_bytes(scholarly_article(paper, source))


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The export from its papers' pieces, in id order: one JSON array, the bytes
    ``dumps_bytes`` gives the list of items."""
    return json_array(pieces)


def scholarly_article(paper: Paper, source: Source) -> dict[str, Any]:
    page = source.page_url(paper.id) or ""  # "": the page itself, as a relative address
    publisher = {"@type": "Organization", "name": paper.publisher}
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": page or "./",
        "url": page or "./",
        "identifier": paper.id,
        "headline": paper.title,
        "name": paper.title,
        "author": publisher,
        "publisher": publisher,
        "datePublished": paper.date,
        "genre": GENRE,
        "creativeWorkStatus": paper.status.value,
        "inLanguage": "en",
    }
    if paper.abstract:
        article["abstract"] = paper.abstract
    doi = source.doi(paper)
    if doi:
        article["sameAs"] = f"https://doi.org/{doi}"
    corrections = [
        {
            "@type": "CorrectionComment",
            "@id": notice,
            "url": notice,
            "name": f"{c.kind.replace('-', ' ').capitalize()} {c.id}",
            "datePublished": c.date,
            "text": c.narrative,
        }
        for c in paper.corrections
        if (notice := source.notice_url(paper.id, c.id) or f"corrections/{quote(c.id)}.html")
    ]
    if corrections:
        article["correction"] = corrections
    return article
