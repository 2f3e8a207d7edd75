"""DataCite metadata (kernel 4.5, the JSON form of DataCite's REST API), one
document per paper, in a JSON array sorted by id.

The paper's corrections are related identifiers (its notices, which describe
it: ``IsDescribedBy``), as is the paper that replaces it under a
``new-version`` correction (``IsPreviousVersionOf``) and each reference it
draws on (``References``). Dates say when it was issued and when each
correction in force updated or withdrew it. DataCite has no library that
writes its JSON; the tests validate each document against the kernel 4.5
JSON schema the ``datacite`` package ships.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.publishing.exports.core import GENRE, Paper, Source, json_array

SUFFIX = ".json"
SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"
# Kinds that take the paper out of the record: DataCite's "Withdrawn" date.
WITHDRAWING = frozenset({"retraction", "withdrawal"})


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (piece(paper, source) for paper in source.papers()))


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the export: its item, as JSON."""
    return dumps_bytes(document(paper, source))


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The export from its papers' pieces, in id order: one JSON array, the bytes
    ``dumps_bytes`` gives the list of items."""
    return json_array(pieces)


def document(paper: Paper, source: Source) -> dict[str, Any]:
    """The DataCite attributes of ``paper``."""
    attributes: dict[str, Any] = {
        "types": {"resourceTypeGeneral": "Report", "resourceType": GENRE},
        "creators": [{"name": paper.publisher, "nameType": "Organizational"}],
        "titles": [{"title": paper.title}],
        "publisher": {"name": paper.publisher},
        "publicationYear": f"{paper.date_parts[0]:04d}",
        "dates": _dates(paper),
        "language": "en",
        "alternateIdentifiers": [
            {"alternateIdentifier": paper.id, "alternateIdentifierType": "synthledger paper id"}
        ],
        "relatedIdentifiers": _related(paper, source),
        "schemaVersion": SCHEMA_VERSION,
    }
    doi = source.doi(paper)
    if doi:
        attributes["doi"] = doi
        attributes["prefix"], attributes["suffix"] = doi.split("/", 1)
    url = source.page_url(paper.id)
    if url:
        attributes["url"] = url
    if paper.abstract:
        attributes["descriptions"] = [
            {"description": paper.abstract, "descriptionType": "Abstract"}
        ]
    return attributes


def _dates(paper: Paper) -> list[dict[str, str]]:
    dates = [{"date": paper.date, "dateType": "Issued"}]
    for correction in paper.corrections:
        if correction.in_force and correction.kind != "reinstatement":
            kind = "Withdrawn" if correction.kind in WITHDRAWING else "Updated"
            dates.append(
                {
                    "date": correction.date or "",  # the contract requires it
                    "dateType": kind,
                    "dateInformation": f"{correction.kind} {correction.id}",
                }
            )
    return dates


def _related(paper: Paper, source: Source) -> list[dict[str, str]]:
    related: list[dict[str, str]] = []
    for correction in paper.corrections:
        identifier = source.notice_doi(paper, correction.id) if source.doi(paper) else None
        if identifier:
            related.append(_relation(identifier, "DOI", "IsDescribedBy"))
        elif (url := source.notice_url(paper.id, correction.id)) is not None:
            related.append(_relation(url, "URL", "IsDescribedBy"))
    for replacement in source.replacements(paper):
        url = source.page_url(replacement)
        if url:
            related.append(_relation(url, "URL", "IsPreviousVersionOf"))
    for reference in paper.view.get("references", []):
        if not isinstance(reference, dict):
            continue
        if reference.get("doi"):
            related.append(_relation(str(reference["doi"]), "DOI", "References"))
        elif reference.get("arxiv"):
            related.append(_relation(str(reference["arxiv"]), "arXiv", "References"))
        elif reference.get("url"):
            related.append(_relation(str(reference["url"]), "URL", "References"))
    return related


def _relation(identifier: str, scheme: str, relation: str) -> dict[str, str]:
    return {
        "relatedIdentifier": identifier,
        "relatedIdentifierType": scheme,
        "relationType": relation,
    }
