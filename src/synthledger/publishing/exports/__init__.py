"""The archive in the formats of the field: one module per format, chosen by name.

Every format reads the same :class:`~synthledger.publishing.exports.core.Source`
(the manifests and current views at one commit, computed from history) and
writes deterministic bytes. Adding a format is one module and one line here;
its module is imported only when it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from typing import Protocol

from synthledger.publishing.exports.core import Paper, Source


class Format(Protocol):
    SUFFIX: str  # the file name ending, e.g. ".jsonl"

    def render(self, source: Source) -> Iterator[bytes]: ...


class Pieced(Format, Protocol):
    """A format written a paper at a time (those the site ships): each paper's piece
    (``piece``), then the export assembled from the pieces in id order."""

    def piece(self, paper: Paper, source: Source) -> bytes: ...

    def assemble(self, source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]: ...


FORMATS: dict[str, str] = {
    "jsonl": "every manifest, one per line, for bulk download",
    "changes": "what was added since a commit (--since), for mirrors",
    "csl": "CSL-JSON, for reference managers",
    "bibtex": "BibTeX entries",
    "ris": "RIS records",
    "crossref": "a Crossref deposit (schema 5.5.0) of the DOI-grade papers, with Crossmark",
    "datacite": "DataCite metadata (kernel 4, JSON)",
    "prov": "W3C PROV-JSON of each paper's lineage",
    "provn": "the same lineage in PROV-N",
    "jsonld": "schema.org ScholarlyArticle JSON-LD, as the site's pages embed it",
}


def load(name: str) -> Format:
    module: Format = importlib.import_module(f"synthledger.publishing.exports.{name}")
    return module


def load_pieced(name: str) -> Pieced:
    module: Pieced = importlib.import_module(f"synthledger.publishing.exports.{name}")
    return module
