"""References: arXiv ids, DOIs and URLs well formed; no source listed twice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.layout import FileKind

# New-style (2208.13968v1) and old-style (hep-th/9901001v2) arXiv identifiers.
ARXIV = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
# Crossref's recommended pattern for modern DOIs.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")
ARXIV_IN_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#]+?)(?:\.pdf)?$")


def _references(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    references = data.get("references")
    if not isinstance(references, list):
        return []
    return [(index, entry) for index, entry in enumerate(references) if isinstance(entry, dict)]


@rule("SL304", [FileKind.SYNTHESIS])
def well_formed(ctx: RecordContext) -> Iterator[Hit]:
    for index, entry in _references(ctx.data):
        arxiv, doi, url = entry.get("arxiv"), entry.get("doi"), entry.get("url")
        if isinstance(arxiv, str) and not ARXIV.match(arxiv):
            yield Hit(
                ("references", index, "arxiv"),
                f"{arxiv!r} is not an arXiv identifier: write it like 2208.13968v1 "
                "or hep-th/9901001, without a URL",
            )
        if isinstance(doi, str) and not DOI.match(doi):
            yield Hit(
                ("references", index, "doi"),
                f"{doi!r} is not a DOI: write it like 10.1000/xyz123, without "
                "'doi:' or a resolver URL",
            )
        if isinstance(url, str):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
                yield Hit(
                    ("references", index, "url"),
                    f"{url!r} is not an http(s) URL: write the full link, "
                    "e.g. https://arxiv.org/abs/2208.13968v1",
                )


def _keys(entry: dict[str, Any]) -> set[str]:
    """What identifies a source, normalised so that the same source compares equal."""
    keys: set[str] = set()
    url, doi, arxiv = entry.get("url"), entry.get("doi"), entry.get("arxiv")
    if isinstance(url, str):
        parts = urlsplit(url.strip())
        keys.add(f"url:{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}")
        found = ARXIV_IN_URL.search(url)
        if found:
            keys.add(f"arxiv:{found.group(1).lower()}")
    if isinstance(doi, str):
        keys.add(f"doi:{doi.lower()}")
    if isinstance(arxiv, str):
        keys.add(f"arxiv:{arxiv.lower()}")
    return keys


@rule("SL305", [FileKind.SYNTHESIS])
def no_duplicates(ctx: RecordContext) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for index, entry in _references(ctx.data):
        keys = _keys(entry)
        earlier = sorted({seen[key] for key in keys if key in seen})
        if earlier:
            yield Hit(
                ("references", index),
                f"reference {entry.get('id')!r} lists the same source as reference "
                f"{earlier[0] + 1}: remove the duplicate and cite the first",
            )
        for key in keys:
            seen.setdefault(key, index)
